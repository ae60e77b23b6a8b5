import PayungCore
import Vapor

/// A region as API clients see it.
struct RegionDTO: Content, Equatable {
    let code: String
    let name: String
    let level: String
    let levelName: String
    let parentCode: String?

    init(_ model: RegionModel) {
        code = model.id ?? ""
        name = model.name
        level = model.level
        levelName = RegionLevel(rawValue: model.level)?.indonesianName ?? model.level
        parentCode = model.parentCode
    }
}

struct RegionDetailDTO: Content {
    let region: RegionDTO
    /// Province first, parent last.
    let ancestors: [RegionDTO]
}

struct RegionChildrenDTO: Content {
    /// `nil` for the list of provinces.
    let parent: RegionDTO?
    let count: Int
    let children: [RegionDTO]
}

extension RegionDTO {
    static let schemas: [String: JSON] = [
        "Region": Schema.object([
            "code": Schema.string("Kemendagri code, dotted", example: "33.75.01"),
            "name": Schema.string(example: "Pekalongan Barat"),
            "level": Schema.string(values: RegionLevel.allCases.map(\.rawValue)),
            "levelName": Schema.string("Level in Bahasa Indonesia", example: "Kecamatan"),
            "parentCode": Schema.string("Parent code; absent for a province", example: "33.75"),
        ], required: ["code", "name", "level", "levelName"]),
        "RegionDetail": Schema.object([
            "region": Schema.ref("Region"),
            "ancestors": Schema.array(Schema.ref("Region")),
        ], required: ["region", "ancestors"]),
        "RegionChildren": Schema.object([
            "parent": Schema.ref("Region"),
            "count": Schema.integer(),
            "children": Schema.array(Schema.ref("Region")),
        ], required: ["count", "children"]),
    ]
}
