import Foundation
import PayungCore
import Vapor

struct ProgramDTO: Content {
    let id: UUID
    let code: String
    let regency: String
    let name: String
    let startMonth: String
    let endMonth: String
    let legalBasis: String
    let benefits: [String]
    let quota: Int
    let approved: Int
    let remaining: Int
    let ageMin: Int
    let ageMax: Int
    let occupations: [String]
    let previousProgramID: UUID?
    /// `upcoming`, `running` or `ended` on the server's today.
    var phase: String? = nil
    var phaseName: String? = nil
    /// Everyone ever registered in the program (registered, active, or ended after registration).
    var realised: Int? = nil

    init(_ p: ProgramModel, occupations: [String]) {
        id = p.id!
        code = p.code
        regency = p.regencyCode
        name = p.name
        startMonth = p.startMonth
        endMonth = p.endMonth
        legalBasis = p.legalBasis
        benefits = p.benefitList.map(\.rawValue)
        quota = p.quota
        approved = p.approvedCount
        remaining = max(0, p.quota - p.approvedCount)
        ageMin = p.ageMin
        ageMax = p.ageMax
        self.occupations = occupations.sorted()
        previousProgramID = p.previousProgramID
    }
}

struct OccupationDTO: Content {
    let code: String
    let name: String
    let description: String
    let risk: Int
    let isActive: Bool
    let sector: String

    init(_ o: OccupationModel) {
        code = o.id!
        name = o.name
        description = o.description
        risk = o.risk
        isActive = o.isActive
        sector = o.sector
    }
}

struct ContinueProgramInput: Content {
    let code: String
    let name: String
    let startMonth: String
    let endMonth: String
    let quota: Int
    var occupations: [String]?
    var legalBasis: String?
}

struct ContinuedProgramDTO: Content {
    let program: ProgramDTO
    let carriedOver: Int
}

struct ApproveNextInput: Content {
    let count: Int
}

enum ProgramSchemas {
    static let all: [String: JSON] = [
        "Program": Schema.object([
            "id": Schema.string(format: "uuid"), "code": Schema.string(example: "pkl-bb-2023"), "regency": Schema.string(example: "33.75"),
            "name": Schema.string(example: "Batik Berlian 2023"), "startMonth": Schema.string(example: "2023-01"),
            "endMonth": Schema.string(example: "2023-12"), "legalBasis": Schema.string(example: "Perwal 19/2022"),
            "benefits": Schema.array(Schema.string(values: Benefit.allCases.map(\.rawValue))), "quota": Schema.integer(),
            "approved": Schema.integer("Slots taken (approved, registered, active)"), "remaining": Schema.integer(),
            "ageMin": Schema.integer(), "ageMax": Schema.integer(), "occupations": Schema.array(Schema.string()),
            "previousProgramID": Schema.string(format: "uuid"),
            "phase": Schema.string(values: ProgramPhase.allCases.map(\.rawValue)), "phaseName": Schema.string(example: "Berjalan"),
            "realised": Schema.integer("Everyone ever registered in the program, those whose participation ended included"),
        ], required: ["id", "code", "regency", "name", "startMonth", "endMonth", "quota", "approved", "remaining"]),
        "ProgramList": Schema.object(["items": Schema.array(Schema.ref("Program"))], required: ["items"]),
        "ProgramInput": Schema.object([
            "code": Schema.string(), "regency": Schema.string(), "name": Schema.string(), "startMonth": Schema.string(),
            "endMonth": Schema.string(), "legalBasis": Schema.string(), "benefits": Schema.array(Schema.string()),
            "quota": Schema.integer(), "ageMin": Schema.integer(), "ageMax": Schema.integer(),
            "occupations": Schema.array(Schema.string()),
            "waitlistOrder": Schema.array(Schema.string(values: WaitlistCriterion.allCases.map(\.rawValue))),
        ], required: ["code", "regency", "name", "startMonth", "endMonth", "quota", "occupations"]),
        "ContinueProgramInput": Schema.object([
            "code": Schema.string(), "name": Schema.string(), "startMonth": Schema.string(), "endMonth": Schema.string(),
            "quota": Schema.integer(), "occupations": Schema.array(Schema.string()), "legalBasis": Schema.string(),
        ], required: ["code", "name", "startMonth", "endMonth", "quota"]),
        "ContinuedProgram": Schema.object(["program": Schema.ref("Program"), "carriedOver": Schema.integer()],
                                          required: ["program", "carriedOver"]),
        "Occupation": Schema.object([
            "code": Schema.string(), "name": Schema.string(), "description": Schema.string(),
            "risk": Schema.integer("1 (very low) to 5 (very high)"), "isActive": Schema.boolean,
            "sector": Schema.string(values: WorkSector.allCases.map(\.rawValue)),
        ], required: ["code", "name", "description", "risk", "isActive", "sector"]),
        "OccupationList": Schema.object(["items": Schema.array(Schema.ref("Occupation"))], required: ["items"]),
        "ApproveNextInput": Schema.object(["count": Schema.integer()], required: ["count"]),
    ]
}

struct ListDTO<Item: Content>: Content {
    let items: [Item]
}
