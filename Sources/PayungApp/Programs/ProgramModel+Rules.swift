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

    var waitlistCriteria: [WaitlistCriterion] {
        waitlistOrder.split(separator: ",").compactMap { WaitlistCriterion(rawValue: String($0)) }
    }

    var benefitList: [Benefit] {
        benefits.split(separator: ",").compactMap { Benefit(rawValue: String($0)) }
    }
}
