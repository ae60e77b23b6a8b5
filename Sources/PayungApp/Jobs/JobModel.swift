import Fluent
import Foundation
import SQLKit

/// Long work recorded in the database (an import, later a billing run):
/// who asked for what, its progress, its result or error. A page follows
/// it, it outlives the process that started it, and any process may run a
/// queued job, but only one does: a job is claimed with one atomic
/// `UPDATE` (see `JobQueue.claim`).
final class JobModel: Model, @unchecked Sendable {
    static let schema = "jobs"

    enum State: String, Sendable, Codable {
        case queued, running, done, failed
        /// States that hold the job's subject: one such job per subject.
        static let active: [State] = [.queued, .running]
    }

    @ID(key: .id) var id: UUID?
    /// What runs it: `import.proposals`, `import.registry`, ...
    @Field(key: "kind") var kind: String
    /// What it works on (`program:<id>`), when two at once would collide;
    /// a partial unique index allows one queued or running job per subject.
    @OptionalField(key: "subject") var subject: String?
    @OptionalField(key: "owner_user_id") var ownerUserID: UUID?
    @Field(key: "owner_username") var ownerUsername: String
    /// Where the request came from (`web 10.0.0.7`), for the audit trail.
    @Field(key: "source") var source: String
    /// The kind's parameters, as JSON.
    @Field(key: "parameters") var parameters: String
    @Field(key: "state") var state: String
    @Field(key: "done") var done: Int
    @Field(key: "total") var total: Int
    /// The kind's result, as JSON, once done.
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "error_code") var errorCode: String?
    @OptionalField(key: "error_message") var errorMessage: String?
    /// The HTTP status the error would have had in a request (422 for a file refused).
    @OptionalField(key: "error_status") var errorStatus: Int?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    /// Refreshed while it runs: a running job whose heartbeat stops was
    /// left by a process that ended, and goes back to the queue.
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?
    /// The process that claimed it.
    @OptionalField(key: "worker") var worker: String?
    @Field(key: "attempts") var attempts: Int

    init() {}

    var stateValue: State { State(rawValue: state) ?? .failed }
}

struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JobModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("subject", .string)
            .field("owner_user_id", .uuid)
            .field("owner_username", .string, .required)
            .field("source", .string, .required)
            .field("parameters", .string, .required)
            .field("state", .string, .required)
            .field("done", .int, .required)
            .field("total", .int, .required)
            .field("result", .string)
            .field("error_code", .string)
            .field("error_message", .string)
            .field("error_status", .int)
            .field("created_at", .datetime, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("heartbeat_at", .datetime)
            .field("worker", .string)
            .field("attempts", .int, .required)
            .create()
        // Same text on SQLite and PostgreSQL: both take partial indexes.
        try await database.sql.raw("""
            CREATE UNIQUE INDEX jobs_one_active_per_subject ON jobs (subject) WHERE state IN ('queued', 'running')
            """).run()
        try await database.sql.create(index: "jobs_state_idx").on(JobModel.schema).column("state").column("created_at").run()
        try await database.sql.create(index: "jobs_owner_idx").on(JobModel.schema).column("owner_user_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(JobModel.schema).delete()
    }
}
