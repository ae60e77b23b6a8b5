/// The figures a program reports (issue 15, "Monitoring"): realisation
/// against the quota, the proposal funnel, age bands, and the return on
/// premiums. Shares are exact to the tenth of a percent, rounded half up,
/// written the Indonesian way ("42,3%").
public enum ProgramFigures {
    /// `part` of `whole` as "42,3%"; nil when `whole` is zero.
    public static func percent(_ part: Int64, of whole: Int64) -> String? {
        guard whole > 0, part >= 0 else { return nil }
        let (tenths, overflow) = part.multipliedReportingOverflow(by: 1_000)
        let perMille = overflow ? Int64((Double(part) / Double(whole) * 1_000).rounded()) : (tenths + whole / 2) / whole
        return "\(perMille / 10),\(perMille % 10)%"
    }

    public static func percent(_ part: Int, of whole: Int) -> String? { percent(Int64(part), of: Int64(whole)) }

    /// The steps of the funnel a proposal has reached, in order: a proposal
    /// counts at every step up to the furthest its status shows (a returned
    /// one was proposed; an ended participation was registered; a rejected
    /// one counts where it was, as proposed).
    public enum Step: String, Sendable, CaseIterable, Codable {
        case proposed, verifiedKelurahan = "verified_kelurahan", verifiedKecamatan = "verified_kecamatan", approved, registered, active

        public var indonesianName: String {
            switch self {
            case .proposed: "Diusulkan"
            case .verifiedKelurahan: "Terverifikasi kelurahan"
            case .verifiedKecamatan: "Terverifikasi kecamatan"
            case .approved: "Disetujui"
            case .registered: "Terdaftar di BPJS"
            case .active: "Peserta aktif"
            }
        }

        /// How far a status has come; nil for a draft (not proposed yet).
        public static func reached(by status: ProposalStatus) -> Step? {
            switch status {
            case .draft: nil
            case .submitted, .returned, .rejected: .proposed
            case .verifiedKelurahan: .verifiedKelurahan
            case .verifiedKecamatan: .verifiedKecamatan
            case .approved: .approved
            case .registered, .ended: .registered
            case .active: .active
            }
        }
    }

    /// How many reached each step, from statuses and their counts.
    public static func funnel(_ counts: [ProposalStatus: Int]) -> [(step: Step, count: Int)] {
        let all = Step.allCases
        return all.enumerated().map { index, step in
            let n = counts.reduce(0) { sum, entry in
                guard let reached = Step.reached(by: entry.key), let at = all.firstIndex(of: reached), at >= index else { return sum }
                return sum + entry.value
            }
            return (step, n)
        }
    }

    /// Age bands for the report, by whole years on a day.
    public enum AgeBand: String, Sendable, CaseIterable, Codable {
        case under25 = "under_25", from25 = "25_34", from35 = "35_44", from45 = "45_54", from55 = "55_plus"

        public var indonesianName: String {
            switch self {
            case .under25: "Di bawah 25 tahun"
            case .from25: "25–34 tahun"
            case .from35: "35–44 tahun"
            case .from45: "45–54 tahun"
            case .from55: "55 tahun ke atas"
            }
        }

        public static func of(birth: CalendarDate, on day: CalendarDate) -> AgeBand {
            switch birth.wholeYears(until: day) {
            case ..<25: .under25
            case 25..<35: .from25
            case 35..<45: .from35
            case 45..<55: .from45
            default: .from55
            }
        }
    }

    /// What the program returned for what it paid: benefits BPJS paid to
    /// its participants' families over premiums the program paid BPJS, in
    /// whole rupiah both, and the ratio.
    public struct BenefitRatio: Sendable, Hashable, Codable {
        public let premiumsPaid: Int64
        public let benefitsPaid: Int64

        public init(premiumsPaid: Int64, benefitsPaid: Int64) {
            self.premiumsPaid = premiumsPaid
            self.benefitsPaid = benefitsPaid
        }

        /// "214,5%"; nil before any premium is paid.
        public var percent: String? { ProgramFigures.percent(benefitsPaid, of: premiumsPaid) }
    }
}
