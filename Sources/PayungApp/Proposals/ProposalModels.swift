import Fluent
import Foundation

/// A worker proposed for a program, and where the proposal stands.
final class ProposalModel: Model, @unchecked Sendable {
    static let schema = "proposals"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "status") var status: String
    /// Copied from the worker's address: what scope filters use, in SQL.
    @Field(key: "village_code") var villageCode: String
    @OptionalField(key: "rt") var rt: String?
    @OptionalField(key: "rw") var rw: String?
    @OptionalField(key: "proposed_by") var proposedBy: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @Field(key: "updated_at") var updatedAt: Date
    /// The proposer confirmed the entry-check warnings.
    @Field(key: "warnings_confirmed") var warningsConfirmed: Bool
    @OptionalField(key: "kpj") var kpj: String?
    /// `YYYY-MM-DD`.
    @OptionalField(key: "bpjs_start_date") var bpjsStartDate: String?
    @OptionalField(key: "rejection_reason") var rejectionReason: String?
    @OptionalField(key: "end_reason") var endReason: String?
    /// The day participation ended (the date of death, of moving away),
    /// `YYYY-MM-DD`, as the person ending it said; the months after it are
    /// not covered. Nil for a program's end and for rows ended before it
    /// was recorded (the end event's day counts then).
    @OptionalField(key: "ended_on") var endedOn: String?
    /// The last return or rejection note.
    @OptionalField(key: "last_note") var lastNote: String?
    /// Carried over from the previous program without re-proposal.
    @OptionalField(key: "continued_from") var continuedFrom: UUID?
    /// The import that created this proposal, and the line of the file.
    @OptionalField(key: "import_run_id") var importRunID: UUID?
    @OptionalField(key: "import_line") var importLine: Int?

    init() {}
}

/// One transition of a proposal: who, when, what, from and to.
final class ProposalEventModel: Model, @unchecked Sendable {
    static let schema = "proposal_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "proposal_id") var proposalID: UUID
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor_username") var actorUsername: String
    @Field(key: "action") var action: String
    @Field(key: "from_status") var fromStatus: String
    @Field(key: "to_status") var toStatus: String
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "note") var note: String?

    init() {}
}

struct CreateProposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("proposals")
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("worker_id", .uuid, .required, .references("workers", "id"))
            .field("status", .string, .required)
            .field("village_code", .string, .required)
            .field("rt", .string)
            .field("rw", .string)
            .field("proposed_by", .uuid, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .field("submitted_at", .datetime)
            .field("updated_at", .datetime, .required)
            .field("warnings_confirmed", .bool, .required)
            .field("kpj", .string)
            .field("bpjs_start_date", .string)
            .field("rejection_reason", .string)
            .field("end_reason", .string)
            .field("last_note", .string)
            .field("continued_from", .uuid, .references("proposals", "id"))
            .unique(on: "program_id", "worker_id")
            .create()
        let sql = database.sql
        try await sql.create(index: "proposals_queue_idx").on("proposals").column("program_id").column("status").column("village_code").run()
        try await sql.create(index: "proposals_village_idx").on("proposals").column("village_code").column("status").run()
        try await sql.create(index: "proposals_worker_idx").on("proposals").column("worker_id").run()
        try await database.schema("proposal_events")
            .id()
            .field("proposal_id", .uuid, .required, .references("proposals", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_username", .string, .required)
            .field("action", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("reason", .string)
            .field("note", .string)
            .create()
        try await sql.create(index: "proposal_events_proposal_idx").on("proposal_events").column("proposal_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("proposal_events").delete()
        try await database.schema("proposals").delete()
    }
}
