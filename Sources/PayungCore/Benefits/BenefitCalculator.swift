/// What a covered event gives, part by part, under the rule in force on the
/// event day (`BenefitRules`). The income basis is the one stored on the
/// event month's coverage (the insured income the premium was paid on).
/// Arithmetic never traps: inputs are bounded and products checked.
public enum BenefitCalculator {
    public enum Part: String, Sendable, Hashable, CaseIterable, Codable {
        case lumpSum = "lump_sum", periodic, funeral, workDeath = "work_death", incapacity, disability, medical

        public var indonesianName: String {
            switch self {
            case .lumpSum: "Santunan sekaligus"
            case .periodic: "Santunan berkala (24 bulan, dibayar sekaligus)"
            case .funeral: "Biaya pemakaman"
            case .workDeath: "Santunan kematian karena kecelakaan kerja"
            case .incapacity: "Santunan sementara tidak mampu bekerja"
            case .disability: "Santunan cacat"
            case .medical: "Perawatan dan pengobatan (dibayar BPJS ke fasilitas kesehatan)"
            }
        }
    }

    public struct Line: Sendable, Hashable {
        public let part: Part
        public let amount: Rupiah
        /// How it was computed, in words ("48 x Rp1.000.000").
        public let basis: String
    }

    public struct Benefit: Sendable, Hashable {
        public let ruleID: String
        public let legalBasis: String
        public let lines: [Line]

        public init(ruleID: String, legalBasis: String, lines: [Line]) {
            self.ruleID = ruleID
            self.legalBasis = legalBasis
            self.lines = lines
        }

        public var total: Rupiah { Rupiah(lines.reduce(Int64(0)) { $0 &+ $1.amount.amount }) }
    }

    public enum Failure: DomainError, Equatable {
        case noRule(CalendarDate)
        case incomeBasisInvalid
        case percentInvalid
        case monthsInvalid
        case amountInvalid

        public var code: String {
            switch self {
            case .noRule: "benefit_no_rule"
            case .incomeBasisInvalid: "income_basis_invalid"
            case .percentInvalid: "disability_percent_invalid"
            case .monthsInvalid: "incapacity_months_invalid"
            case .amountInvalid: "medical_amount_invalid"
            }
        }

        public var message: String {
            switch self {
            case .noRule(let day): "Tidak ada aturan manfaat yang berlaku pada \(day.indonesian)."
            case .incomeBasisInvalid: "Dasar upah harus antara Rp1 dan Rp100.000.000."
            case .percentInvalid: "Persentase cacat harus 1 sampai 100."
            case .monthsInvalid: "Lama tidak mampu bekerja harus 0 sampai 120 bulan."
            case .amountInvalid: "Biaya perawatan harus antara Rp0 dan Rp10.000.000.000 per tagihan."
            }
        }
    }

    /// The income basis BPJS pays on for BPU is at most a few million; anything above this is a typing error.
    public static let maxIncomeBasis: Int64 = 100_000_000

    static func rule(on day: CalendarDate, _ rules: [BenefitRules]) throws(Failure) -> BenefitRules {
        guard let rule = BenefitRules.inForce(on: day, in: rules) else { throw .noRule(day) }
        return rule
    }

    static func checked(_ basis: Rupiah) throws(Failure) -> Int64 {
        guard (1...maxIncomeBasis).contains(basis.amount) else { throw .incomeBasisInvalid }
        return basis.amount
    }

    /// JKM: death from any cause. Rp42,000,000 under PP 82/2019.
    public static func deathFromAnyCause(on day: CalendarDate, rules: [BenefitRules] = BenefitRules.all) throws(Failure) -> Benefit {
        let r = try rule(on: day, rules)
        return Benefit(ruleID: r.id, legalBasis: r.legalBasis, lines: [
            Line(part: .lumpSum, amount: r.jkmLumpSum, basis: "Santunan sekaligus JKM"),
            Line(part: .periodic, amount: r.periodic, basis: "\(r.periodicMonths) x \(r.periodicMonthly.formatted)"),
            Line(part: .funeral, amount: r.funeral, basis: "Biaya pemakaman"),
        ])
    }

    /// JKK: death from a work accident or an occupational disease: 48 x the
    /// income basis, the periodic and the funeral amounts.
    public static func deathFromWork(on day: CalendarDate, incomeBasis: Rupiah,
                                     rules: [BenefitRules] = BenefitRules.all) throws(Failure) -> Benefit {
        let r = try rule(on: day, rules)
        let basis = try checked(incomeBasis)
        return Benefit(ruleID: r.id, legalBasis: r.legalBasis, lines: [
            Line(part: .workDeath, amount: Rupiah(basis * r.workDeathMultiplier), basis: "\(r.workDeathMultiplier) x \(incomeBasis.formatted)"),
            Line(part: .periodic, amount: r.periodic, basis: "\(r.periodicMonths) x \(r.periodicMonthly.formatted)"),
            Line(part: .funeral, amount: r.funeral, basis: "Biaya pemakaman"),
        ])
    }

    /// JKK temporary incapacity (*STMB*) for `months` months off work: the
    /// full income basis for the first 12, then half. Whole months; a part
    /// month is BPJS's to count in days.
    public static func temporaryIncapacity(on day: CalendarDate, incomeBasis: Rupiah, months: Int,
                                           rules: [BenefitRules] = BenefitRules.all) throws(Failure) -> Benefit {
        let r = try rule(on: day, rules)
        let basis = try checked(incomeBasis)
        guard (0...120).contains(months) else { throw .monthsInvalid }
        let full = min(months, r.incapacityFullMonths), later = months - full
        var lines = [Line(part: .incapacity, amount: Rupiah(basis * Int64(full)), basis: "\(full) bulan x 100% x \(incomeBasis.formatted)")]
        if later > 0 {
            lines.append(Line(part: .incapacity, amount: Rupiah(basis * Int64(later) * r.incapacityLaterPercent / 100),
                              basis: "\(later) bulan x \(r.incapacityLaterPercent)% x \(incomeBasis.formatted)"))
        }
        return Benefit(ruleID: r.id, legalBasis: r.legalBasis, lines: lines)
    }

    /// JKK disability: `percent` (from BPJS's table of impairments) x 80 x the income basis.
    public static func disability(on day: CalendarDate, incomeBasis: Rupiah, percent: Int,
                                  rules: [BenefitRules] = BenefitRules.all) throws(Failure) -> Benefit {
        let r = try rule(on: day, rules)
        let basis = try checked(incomeBasis)
        guard (1...100).contains(percent) else { throw .percentInvalid }
        return Benefit(ruleID: r.id, legalBasis: r.legalBasis, lines: [
            Line(part: .disability, amount: Rupiah(basis * r.disabilityMultiplier * Int64(percent) / 100),
                 basis: "\(percent)% x \(r.disabilityMultiplier) x \(incomeBasis.formatted)"),
        ])
    }

    /// JKK medical care: by need, no ceiling; what BPJS paid to each
    /// hospital or clinic, recorded as it was.
    public static func medicalCare(on day: CalendarDate, paid amounts: [Rupiah],
                                   rules: [BenefitRules] = BenefitRules.all) throws(Failure) -> Benefit {
        let r = try rule(on: day, rules)
        guard amounts.count <= 1_000, amounts.allSatisfy({ (0...10_000_000_000).contains($0.amount) }) else { throw .amountInvalid }
        return Benefit(ruleID: r.id, legalBasis: r.legalBasis,
                       lines: amounts.map { Line(part: .medical, amount: $0, basis: "Tagihan fasilitas kesehatan") })
    }
}
