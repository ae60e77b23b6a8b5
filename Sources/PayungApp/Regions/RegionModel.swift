import Fluent
import PayungCore

/// A row of the Kemendagri region list: province, regency/city, district, village.
final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: String
    @OptionalField(key: "parent_code") var parentCode: String?

    init() {}

    init(code: RegionCode, name: String) {
        self.id = code.dotted
        self.name = name
        self.level = code.level.rawValue
        self.parentCode = code.parent?.dotted
    }
}
