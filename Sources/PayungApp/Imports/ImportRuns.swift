import Fluent
import Foundation
import SQLKit

/// One applied import: which file, into which program, by whom, when, and
/// what it did. Proposals created by an import point at their run and line
/// (`proposals.import_run_id`, `import_line`); that pair is their first
/// history entry, instead of a `proposal_events` row per proposal (a
/// million-row import would otherwise write a million identical events).
final class ImportRunModel: Model, @unchecked Sendable {
    static let schema = "import_runs"

    @ID(key: .id) var id: UUID?
    /// `proposals`, `registry`, `bpjs_result`, `bpjs_active`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "program_id") var programID: UUID?
    @Field(key: "file_name") var fileName: String
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor_username") var actorUsername: String
    @Field(key: "at") var at: Date
    @Field(key: "rows") var rows: Int
    @Field(key: "inserted") var inserted: Int
    @Field(key: "updated") var updated: Int
    @Field(key: "unchanged") var unchanged: Int
    @Field(key: "rejected") var rejected: Int

    init() {}

    init(kind: String, programID: UUID?, fileName: String, by actor: AuditActor, at: Date, summary: ImportSummary) {
        self.kind = kind
        self.programID = programID
        self.fileName = fileName
        actorUserID = actor.userID
        actorUsername = actor.username
        self.at = at
        rows = summary.rows
        inserted = summary.inserted
        updated = summary.updated
        unchanged = summary.unchanged
        rejected = summary.rejected
    }
}

extension ImportRunModel {
    /// Records an applied import inside its transaction; returns its id.
    @discardableResult
    static func record(_ kind: String, program: UUID?, fileName: String, summary: ImportSummary, by actor: AuditActor, at: Date,
                       on tx: any Database) async throws -> UUID {
        let run = ImportRunModel(kind: kind, programID: program, fileName: fileName, by: actor, at: at, summary: summary)
        try await run.create(on: tx)
        return run.id!
    }
}

struct CreateImportRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("import_runs")
            .id()
            .field("kind", .string, .required)
            .field("program_id", .uuid, .references("programs", "id"))
            .field("file_name", .string, .required)
            .field("actor_user_id", .uuid)
            .field("actor_username", .string, .required)
            .field("at", .datetime, .required)
            .field("rows", .int, .required)
            .field("inserted", .int, .required)
            .field("updated", .int, .required)
            .field("unchanged", .int, .required)
            .field("rejected", .int, .required)
            .create()
        try await database.sql.create(index: "import_runs_program_idx").on("import_runs").column("program_id").column("at").run()
        // No foreign key on the proposal side: PostgreSQL would check it once per imported row.
        // One column per ALTER: SQLite adds one at a time.
        try await database.schema("proposals").field("import_run_id", .uuid).update()
        try await database.schema("proposals").field("import_line", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("proposals").deleteField("import_line").update()
        try await database.schema("proposals").deleteField("import_run_id").update()
        try await database.schema("import_runs").delete()
    }
}
