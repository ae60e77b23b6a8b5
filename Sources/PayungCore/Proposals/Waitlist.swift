/// How proposals beyond the quota are ranked (*daftar tunggu*). The order of
/// criteria is a program setting; ties fall back to the proposal date.
public enum WaitlistCriterion: String, Sendable, Codable, CaseIterable {
    /// Poorer first: lower DTKS/DTSEN welfare decile (*desil*); unknown last.
    case decile
    /// People with a disability first.
    case disability
    /// Riskier occupations first.
    case occupationRisk = "occupation_risk"
    /// Earlier proposals first.
    case proposalDate = "proposal_date"

    public static let defaultOrder: [WaitlistCriterion] = [.decile, .disability, .occupationRisk, .proposalDate]
}

/// What the ranking looks at for one waiting proposal.
public struct WaitlistCandidate: Sendable, Hashable {
    public let id: String
    public let decile: Int?
    public let hasDisability: Bool
    public let risk: RiskClass
    /// Seconds since 1970 of submission, for ordering.
    public let proposedAt: Double

    public init(id: String, decile: Int?, hasDisability: Bool, risk: RiskClass, proposedAt: Double) {
        self.id = id
        self.decile = decile
        self.hasDisability = hasDisability
        self.risk = risk
        self.proposedAt = proposedAt
    }
}

public enum Waitlist {
    /// Candidates in the order they should be approved.
    public static func rank(_ candidates: [WaitlistCandidate], by order: [WaitlistCriterion]) -> [WaitlistCandidate] {
        let criteria = order + [.proposalDate]
        return candidates.sorted { a, b in
            for criterion in criteria {
                switch criterion {
                case .decile:
                    let x = a.decile ?? Int.max, y = b.decile ?? Int.max
                    if x != y { return x < y }
                case .disability:
                    if a.hasDisability != b.hasDisability { return a.hasDisability }
                case .occupationRisk:
                    if a.risk != b.risk { return a.risk > b.risk }
                case .proposalDate:
                    if a.proposedAt != b.proposedAt { return a.proposedAt < b.proposedAt }
                }
            }
            return a.id < b.id
        }
    }
}
