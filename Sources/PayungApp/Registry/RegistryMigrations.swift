import Fluent
import SQLKit

struct CreateRegistry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("workers")
            .id()
            .field("nik", .string, .required)
            .field("name", .string, .required)
            .field("kk", .string)
            .field("birth_place", .string)
            .field("birth_date", .string, .required)
            .field("sex", .string, .required)
            .field("village_code", .string)
            .field("rt", .string)
            .field("rw", .string)
            .field("street", .string)
            .field("phone", .string)
            .field("occupation_code", .string, .references("occupations", "code"))
            .field("monthly_income", .int64)
            .field("disability", .string)
            .field("welfare_decile", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "nik")
            .create()
        try await database.sql.create(index: "workers_village_idx").on("workers").column("village_code").run()
        try await database.schema("heirs")
            .id()
            .field("worker_id", .uuid, .required, .references("workers", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("relation", .string, .required)
            .field("nik", .string)
            .field("phone", .string)
            .create()
        try await database.sql.create(index: "heirs_worker_idx").on("heirs").column("worker_id").run()
        try await database.schema("worker_children")
            .id()
            .field("worker_id", .uuid, .required, .references("workers", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("birth_date", .string)
            .field("school_level", .string)
            .create()
        try await database.schema("bpjs_active_participants")
            .field("nik", .string, .identifier(auto: false))
            .field("kpj", .string)
            .field("segment", .string)
            .field("imported_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["bpjs_active_participants", "worker_children", "heirs", "workers"] {
            try await database.schema(table).delete()
        }
    }
}
