import Fluent
import Foundation
import SQLKit

struct CreatePrograms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("occupations")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("risk", .int, .required)
            .field("is_active", .bool, .required)
            .create()
        try await database.schema("programs")
            .id()
            .field("code", .string, .required)
            .field("regency_code", .string, .required)
            .field("name", .string, .required)
            .field("start_month", .string, .required)
            .field("end_month", .string, .required)
            .field("legal_basis", .string, .required)
            .field("benefits", .string, .required)
            .field("quota", .int, .required)
            .field("approved_count", .int, .required)
            .field("age_min", .int, .required)
            .field("age_max", .int, .required)
            .field("waitlist_order", .string, .required)
            .field("previous_program_id", .uuid, .references("programs", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.sql.create(index: "programs_regency_idx").on("programs").column("regency_code").run()
        try await database.schema("program_occupations")
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id", onDelete: .cascade))
            .field("occupation_code", .string, .required, .references("occupations", "code"))
            .unique(on: "program_id", "occupation_code")
            .create()
        try await database.schema("program_region_quotas")
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id", onDelete: .cascade))
            .field("region_code", .string, .required)
            .field("quota", .int, .required)
            .unique(on: "program_id", "region_code")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["program_region_quotas", "program_occupations", "programs", "occupations"] {
            try await database.schema(table).delete()
        }
    }
}

/// Loads the occupation catalogue of PayungCore into a new database.
struct SeedOccupations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        _ = try await ProgramService(db: database, now: Date()).seedOccupations()
    }

    /// Nothing to undo on its own: programs may reference the catalogue, and
    /// reverting `CreatePrograms` drops the table with its rows.
    func revert(on database: any Database) async throws {}
}

/// Which documents a program requires before approval (`RequiredDocuments`);
/// existing programs require none, as before.
struct AddRequiredDocuments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("programs")
            .field("required_documents", .string, .required, .sql(.default("none")))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("programs").deleteField("required_documents").update()
    }
}
