import Fluent
import SQLKit

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("is_active", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("password_changed_at", .datetime)
            .unique(on: "username")
            .create()
        try await database.schema("role_grants")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("region_code", .string, .required)
            .field("rt", .string)
            .field("rw", .string)
            .create()
        try await database.sql.create(index: "role_grants_user_idx").on("role_grants").column("user_id").run()
        try await database.sql.create(index: "role_grants_region_idx").on("role_grants").column("region_code").run()
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
        try await database.schema("role_grants").delete()
        try await database.schema("users").delete()
    }
}

/// The audit trail, insert-only: triggers refuse UPDATE and DELETE on both
/// databases, so not even a bug in the application can rewrite history.
struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .field("id", .int64, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_username", .string, .required)
            .field("source", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string)
            .field("region_code", .string)
            .field("changes", .string)
            .field("note", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "audit_events_at_idx").on("audit_events").column("at").run()
        try await sql.create(index: "audit_events_entity_idx").on("audit_events").column("entity").column("entity_id").run()
        try await sql.create(index: "audit_events_actor_idx").on("audit_events").column("actor_username").run()
        switch database.kind {
        case .sqlite:
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_events_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'audit trail is insert-only'); END
                    """).run()
            }
        case .postgresql:
            try await sql.raw("""
                CREATE FUNCTION audit_events_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit trail is insert-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION audit_events_insert_only()
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
        if database.kind == .postgresql {
            try await database.sql.raw("DROP FUNCTION IF EXISTS audit_events_insert_only()").run()
        }
    }
}
