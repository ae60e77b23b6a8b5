import Fluent

/// Creates `regions`. The parent is a plain indexed column, not a foreign key:
/// the official list is imported in any order and codes get split and renamed.
struct CreateRegions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("regions")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("level", .string, .required)
            .field("parent_code", .string)
            .create()
        try await database.sql.create(index: "regions_parent_code_idx").on("regions").column("parent_code").run()
        try await database.sql.create(index: "regions_level_idx").on("regions").column("level").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("regions").delete()
    }
}
