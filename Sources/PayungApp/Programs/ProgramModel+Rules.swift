import Fluent
import PayungCore

extension ProgramModel {
    /// The rules entry checks apply, read once per check.
    func rules(on db: any Database) async throws -> ProgramRules {
        let occupations = try await ProgramOccupationModel.query(on: db).filter(\.$programID == id!).all()
        return ProgramRules(
            regency: RegionCode(regencyCode)!,
            start: YearMonth(iso: startMonth)!, end: YearMonth(iso: endMonth)!,
            ageBounds: AgeBounds(minimum: ageMin, maximum: ageMax),
            eligibleOccupations: Set(occupations.map(\.occupationCode)))
    }

    /// Upcoming, running or ended on `today`.
    func phase(today: CalendarDate) -> ProgramPhase {
        guard let start = YearMonth(iso: startMonth), let end = YearMonth(iso: endMonth) else { return .ended }
        return ProgramPhase.of(start: start, end: end, today: today)
    }

    /// Whether a new participant could still be covered (see `ProgramRules.newCoverageStart`).
    func takesNewParticipants(today: CalendarDate) -> Bool {
        guard let start = YearMonth(iso: startMonth), let end = YearMonth(iso: endMonth) else { return false }
        return max(start, today.yearMonth.advanced(by: 1)) <= end
    }

    /// "Batik Berlian 2023 (Selesai)": the name with its phase, for lists.
    func labelWithPhase(today: CalendarDate) -> String {
        "\(name) (\(phase(today: today).indonesianName))"
    }

    var waitlistCriteria: [WaitlistCriterion] {
        waitlistOrder.split(separator: ",").compactMap { WaitlistCriterion(rawValue: String($0)) }
    }

    var benefitList: [Benefit] {
        benefits.split(separator: ",").compactMap { Benefit(rawValue: String($0)) }
    }
}
