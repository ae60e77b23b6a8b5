/// The budget arithmetic of a program (*perencanaan anggaran*): workers x
/// months x premium (DOMAIN.md, "Premiums"). Kota Jambi 2025: 3,000 workers
/// x 12 months x Rp16.800 = Rp604.800.000; its budget of Rp604.000.000 buys
/// 35,952 person-months (Rp6.400 left) and is Rp800.000 (48 person-months)
/// short. Every input is bounded and every product checked: a client's
/// numbers never trap.
public enum BudgetPlan {
    public static let maxWorkers = 10_000_000
    public static let maxMonths = 120
    public static let maxPremium: Int64 = 100_000_000
    public static let maxBudget: Int64 = 1_000_000_000_000_000

    public enum Failure: Error, Equatable, Sendable {
        case workersOutOfRange, monthsOutOfRange, premiumOutOfRange, budgetOutOfRange, tooManySponsors
        /// `RestOfYear`: a year outside 2000-2100, or outside the program's period.
        case yearOutOfRange
        case yearOutsideProgram(ClosedRange<YearMonth>)
        /// `RestOfYear`: planned months beyond any real program (a corrupt sum).
        case plannedOutOfRange
        /// `RestOfYear`: no budget given and no pledge for the year.
        case budgetRequired(year: Int)
        /// `RestOfYear`: no premium given and no tariff prices the months.
        case premiumRequired(year: Int)

        public var code: String {
            switch self {
            case .workersOutOfRange: "workers_out_of_range"
            case .monthsOutOfRange: "months_out_of_range"
            case .premiumOutOfRange: "premium_out_of_range"
            case .budgetOutOfRange: "budget_out_of_range"
            case .tooManySponsors: "sponsors_too_many"
            case .yearOutOfRange: "year_out_of_range"
            case .yearOutsideProgram: "year_outside_program"
            case .plannedOutOfRange: "planned_out_of_range"
            case .budgetRequired: "budget_required"
            case .premiumRequired: "premium_required"
            }
        }

        public var message: String {
            switch self {
            case .workersOutOfRange: "Jumlah pekerja harus 0 sampai 10.000.000."
            case .monthsOutOfRange: "Jumlah bulan harus 1 sampai 120."
            case .premiumOutOfRange: "Iuran per orang per bulan harus Rp1 sampai Rp100.000.000."
            case .budgetOutOfRange: "Anggaran harus Rp0 sampai Rp1.000.000.000.000.000."
            case .tooManySponsors: "Paling banyak 50 penyandang dana dalam satu rencana."
            case .yearOutOfRange: "Tahun harus 2000 sampai 2100."
            case .yearOutsideProgram(let period):
                "Program berjalan \(period.lowerBound.indonesian) sampai \(period.upperBound.indonesian); pilih tahun di dalamnya."
            case .plannedOutOfRange: "Bulan kepesertaan yang direncanakan melebihi batas perhitungan."
            case .budgetRequired(let year): "Belum ada komitmen penyandang dana untuk \(year); isi anggaran tersedia."
            case .premiumRequired(let year): "Belum ada tarif iuran untuk \(year); isi iuran per orang per bulan."
            }
        }
    }

    /// What a target of workers x months costs, and what a budget buys.
    public struct Result: Sendable, Equatable, Codable {
        public let workers: Int
        public let months: Int
        public let premium: Rupiah
        public let personMonthsNeeded: Int64
        /// workers x months x premium.
        public let budgetNeeded: Rupiah
        /// nil when no budget was given.
        public let budget: Rupiah?
        public let personMonthsAffordable: Int64?
        /// Workers covered for every month of the period.
        public let workersAffordable: Int64?
        /// What is left after the last whole person-month.
        public let remainder: Rupiah?
        /// Budget needed minus budget (0 when enough).
        public let shortfall: Rupiah?
        public let shortfallPersonMonths: Int64?
        /// Budget minus budget needed (0 when short).
        public let surplus: Rupiah?
    }

    public static func plan(workers: Int, months: Int, premium: Rupiah, budget: Rupiah? = nil) throws(Failure) -> Result {
        guard (0...maxWorkers).contains(workers) else { throw .workersOutOfRange }
        guard (1...maxMonths).contains(months) else { throw .monthsOutOfRange }
        guard (1...maxPremium).contains(premium.amount) else { throw .premiumOutOfRange }
        if let budget { guard (0...maxBudget).contains(budget.amount) else { throw .budgetOutOfRange } }
        // Bounded inputs: at most 10^7 x 120 x 10^8 = 1.2 x 10^17 < Int64.max (9.2 x 10^18).
        let personMonths = Int64(workers) * Int64(months)
        let needed = personMonths * premium.amount
        guard let budget else {
            return Result(workers: workers, months: months, premium: premium, personMonthsNeeded: personMonths,
                          budgetNeeded: Rupiah(needed), budget: nil, personMonthsAffordable: nil, workersAffordable: nil,
                          remainder: nil, shortfall: nil, shortfallPersonMonths: nil, surplus: nil)
        }
        let affordable = budget.amount / premium.amount
        let short = max(0, needed - budget.amount)
        return Result(workers: workers, months: months, premium: premium, personMonthsNeeded: personMonths,
                      budgetNeeded: Rupiah(needed), budget: budget, personMonthsAffordable: affordable,
                      workersAffordable: affordable / Int64(months), remainder: Rupiah(budget.amount % premium.amount),
                      shortfall: Rupiah(short), shortfallPersonMonths: max(0, personMonths - affordable),
                      surplus: Rupiah(max(0, budget.amount - needed)))
    }

    /// A sponsor's share in a mix: rupiah, or participants x months.
    public enum Share: Sendable, Equatable, Codable {
        case amount(Rupiah)
        case participants(Int, months: Int)
    }

    public struct Mix: Sendable, Equatable, Codable {
        public struct Line: Sendable, Equatable, Codable {
            public let name: String
            public let personMonths: Int64
            public let rupiah: Rupiah
        }
        public let lines: [Line]
        public let personMonthsCovered: Int64
        public let personMonthsNeeded: Int64
        /// Person-months no sponsor covers (0 when covered).
        public let uncovered: Int64
        public let uncoveredRupiah: Rupiah
    }

    /// Several sponsors together against workers x months: what each buys,
    /// and what is left uncovered.
    public static func mix(workers: Int, months: Int, premium: Rupiah, sponsors: [(name: String, share: Share)]) throws(Failure) -> Mix {
        let target = try plan(workers: workers, months: months, premium: premium)
        guard sponsors.count <= 50 else { throw .tooManySponsors }
        var lines: [Mix.Line] = []
        var covered: Int64 = 0
        for sponsor in sponsors {
            let personMonths: Int64
            switch sponsor.share {
            case .amount(let rupiah):
                guard (0...maxBudget).contains(rupiah.amount) else { throw .budgetOutOfRange }
                personMonths = rupiah.amount / premium.amount
            case .participants(let n, let m):
                guard (0...maxWorkers).contains(n) else { throw .workersOutOfRange }
                guard (1...maxMonths).contains(m) else { throw .monthsOutOfRange }
                personMonths = Int64(n) * Int64(m)
            }
            lines.append(.init(name: String(sponsor.name.prefix(120)), personMonths: personMonths, rupiah: Rupiah(personMonths * premium.amount)))
            covered += personMonths // at most 50 x 10^15: no overflow
        }
        let uncovered = max(0, target.personMonthsNeeded - covered)
        return Mix(lines: lines, personMonthsCovered: covered, personMonthsNeeded: target.personMonthsNeeded,
                   uncovered: uncovered, uncoveredRupiah: Rupiah(uncovered * premium.amount))
    }

    /// The rest of the year: with `committed` person-months already planned
    /// (and their rupiah spent from `budget`), how many more workers the
    /// rest of the budget covers for the `remainingMonths`.
    public static func rest(budget: Rupiah, committed: Rupiah, premium: Rupiah, remainingMonths: Int) throws(Failure) -> (left: Rupiah, moreWorkers: Int64) {
        guard (0...maxBudget).contains(budget.amount), (0...maxBudget).contains(committed.amount) else { throw .budgetOutOfRange }
        guard (1...maxPremium).contains(premium.amount) else { throw .premiumOutOfRange }
        guard (1...maxMonths).contains(remainingMonths) else { throw .monthsOutOfRange }
        let left = max(0, budget.amount - committed.amount)
        return (Rupiah(left), left / (premium.amount * Int64(remainingMonths)))
    }
}
