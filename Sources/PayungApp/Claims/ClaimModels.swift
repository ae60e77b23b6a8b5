import Fluent
import Foundation
import PayungCore
import SQLKit

/// A claim case (issue 14): one event (a death, a work accident) of one
/// participant, followed from the first report to BPJS's payment to an
/// heir. Its status moves only through `ClaimWorkflow`; each move is a
/// `ClaimStepModel`. The coverage check made when it was reported is kept
/// with it, as it was.
final class ClaimCaseModel: Model, @unchecked Sendable {
    static let schema = "claim_cases"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "proposal_id") var proposalID: UUID
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "village_code") var villageCode: String
    @OptionalField(key: "rt") var rt: String?
    @OptionalField(key: "rw") var rw: String?
    /// `ClaimKind`.
    @Field(key: "kind") var kind: String
    /// `ClaimStatus`.
    @Field(key: "status") var status: String
    /// `YYYY-MM-DD`, the day the status was reached (the stuck list counts from it).
    @Field(key: "status_on") var statusOn: String
    @Field(key: "event_date") var eventDate: String
    @Field(key: "place") var place: String
    @Field(key: "account") var account: String
    @Field(key: "traffic_accident") var trafficAccident: Bool
    @Field(key: "reported_on") var reportedOn: String
    @Field(key: "reported_at") var reportedAt: Date
    @OptionalField(key: "reported_by_user_id") var reportedByUserID: UUID?
    @Field(key: "reported_by") var reportedBy: String
    /// Who reported, in words ("Ketua RT 003/RW 005 Medono").
    @Field(key: "reporter_name") var reporterName: String
    @Field(key: "covered") var covered: Bool
    @OptionalField(key: "uncovered_reason") var uncoveredReason: String?
    @OptionalField(key: "uncovered_reason_name") var uncoveredReasonName: String?
    @Field(key: "covered_by_late_payment") var coveredByLatePayment: Bool
    @Field(key: "late_payment_counts") var latePaymentCounts: Bool
    /// The explanation: the event month and the three before it, then and now (`CoverageMonthRow` JSON).
    @Field(key: "coverage_months") var coverageMonths: String
    @OptionalField(key: "membership_start") var membershipStart: String?
    /// The income basis on the event month's coverage.
    @OptionalField(key: "income_basis") var incomeBasis: Int64?
    @OptionalField(key: "benefit_estimate") var benefitEstimate: Int64?
    @OptionalField(key: "disability_percent") var disabilityPercent: Int?
    @OptionalField(key: "incapacity_months") var incapacityMonths: Int?
    @OptionalField(key: "bpjs_claim_number") var bpjsClaimNumber: String?
    @OptionalField(key: "rejection_reason") var rejectionReason: String?
    @OptionalField(key: "approved_amount") var approvedAmount: Int64?
    @OptionalField(key: "paid_on") var paidOn: String?
    @OptionalField(key: "paid_amount") var paidAmount: Int64?
    @OptionalField(key: "paid_heir_id") var paidHeirID: UUID?
    /// The bank account, copied from the heir when the payment is recorded.
    @OptionalField(key: "paid_bank") var paidBank: String?
    @OptionalField(key: "paid_account") var paidAccount: String?
    @OptionalField(key: "paid_account_holder") var paidAccountHolder: String?
    /// A reopened case: the refused one it follows.
    @OptionalField(key: "previous_case_id") var previousCaseID: UUID?
    @OptionalField(key: "participation_ended") var participationEnded: Bool?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var kindValue: ClaimKind { ClaimKind(rawValue: kind) ?? .death }
    var statusValue: ClaimStatus { ClaimStatus(rawValue: status) ?? .reported }
    var location: RecordLocation? { RegionCode(villageCode).map { RecordLocation(village: $0, rt: rt, rw: rw) } }
    var number: String { "KLM-" + String(id!.uuidString.prefix(8)) }
}

/// One move of a case through the workflow, never changed.
final class ClaimStepModel: Model, @unchecked Sendable {
    static let schema = "claim_steps"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "action") var action: String
    @OptionalField(key: "from_status") var fromStatus: String?
    @Field(key: "to_status") var toStatus: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "by") var by: String
    @Field(key: "by_name") var byName: String
    @Field(key: "at") var at: Date

    init() {}
}

/// An heir (*ahli waris*) of a deceased participant, or the injured
/// participant's own account for a work accident: who receives, in which
/// order and share, and where the money goes. A child's birth date and
/// school level drive the scholarship schedule.
final class ClaimHeirModel: Model, @unchecked Sendable {
    static let schema = "claim_heirs"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "name") var name: String
    /// `HeirRelation`.
    @Field(key: "relation") var relation: String
    @Field(key: "priority") var priority: Int
    /// Percent of the benefit, 0–100.
    @Field(key: "share_percent") var sharePercent: Int
    @OptionalField(key: "birth_date") var birthDate: String?
    /// `SchoolLevel` of a child in the event's school year; nil when not yet in school.
    @OptionalField(key: "school_level") var schoolLevel: String?
    @OptionalField(key: "year_in_level") var yearInLevel: Int?
    /// Married or working from this day: the scholarship stops.
    @OptionalField(key: "ended_on") var endedOn: String?
    @OptionalField(key: "bank") var bank: String?
    @OptionalField(key: "account") var account: String?
    @OptionalField(key: "account_holder") var accountHolder: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}
}

/// A document of a case (a death certificate, a heir's KTP, a receipt),
/// type- and size-checked, kept in the database like the worker's photos.
final class ClaimDocumentModel: Model, @unchecked Sendable {
    static let schema = "claim_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    /// `ClaimDocumentKind`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "heir_id") var heirID: UUID?
    @OptionalField(key: "school_year") var schoolYear: Int?
    @Field(key: "content_type") var contentType: String
    @Field(key: "name") var name: String
    @Field(key: "size") var size: Int
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

/// What BPJS paid beyond the case's main benefit: a school year of a
/// child's scholarship, or a hospital's bill for a work accident's care.
final class ClaimPaymentModel: Model, @unchecked Sendable {
    static let schema = "claim_payments"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    /// `scholarship` or `medical`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "heir_id") var heirID: UUID?
    @OptionalField(key: "school_year") var schoolYear: Int?
    /// The hospital or clinic, for medical care.
    @OptionalField(key: "payee") var payee: String?
    @Field(key: "amount") var amount: Int64
    @Field(key: "paid_on") var paidOn: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: String

    init() {}
}

struct CreateClaims: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ClaimCaseModel.schema)
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("proposal_id", .uuid, .required, .references("proposals", "id"))
            .field("worker_id", .uuid, .required, .references("workers", "id"))
            .field("village_code", .string, .required)
            .field("rt", .string)
            .field("rw", .string)
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("status_on", .string, .required)
            .field("event_date", .string, .required)
            .field("place", .string, .required)
            .field("account", .string, .required)
            .field("traffic_accident", .bool, .required)
            .field("reported_on", .string, .required)
            .field("reported_at", .datetime, .required)
            .field("reported_by_user_id", .uuid)
            .field("reported_by", .string, .required)
            .field("reporter_name", .string, .required)
            .field("covered", .bool, .required)
            .field("uncovered_reason", .string)
            .field("uncovered_reason_name", .string)
            .field("covered_by_late_payment", .bool, .required)
            .field("late_payment_counts", .bool, .required)
            .field("coverage_months", .string, .required)
            .field("membership_start", .string)
            .field("income_basis", .int64)
            .field("benefit_estimate", .int64)
            .field("disability_percent", .int)
            .field("incapacity_months", .int)
            .field("bpjs_claim_number", .string)
            .field("rejection_reason", .string)
            .field("approved_amount", .int64)
            .field("paid_on", .string)
            .field("paid_amount", .int64)
            .field("paid_heir_id", .uuid)
            .field("paid_bank", .string)
            .field("paid_account", .string)
            .field("paid_account_holder", .string)
            .field("previous_case_id", .uuid, .references(ClaimCaseModel.schema, "id"))
            .field("participation_ended", .bool)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "claim_cases_village_idx").on(ClaimCaseModel.schema).column("village_code").column("status").run()
        try await database.sql.create(index: "claim_cases_proposal_idx").on(ClaimCaseModel.schema).column("proposal_id").run()
        // The rules a race must not break, kept by the database: one case per event until BPJS refuses it,
        // one death per person, one new case per refused one.
        try await database.sql.raw("""
            CREATE UNIQUE INDEX claim_cases_one_event ON claim_cases (proposal_id, kind, event_date) WHERE rejection_reason IS NULL
            """).run()
        try await database.sql.raw("""
            CREATE UNIQUE INDEX claim_cases_one_death ON claim_cases (worker_id) WHERE kind IN ('death', 'work_death') AND rejection_reason IS NULL
            """).run()
        try await database.sql.raw("""
            CREATE UNIQUE INDEX claim_cases_one_reopen ON claim_cases (previous_case_id) WHERE previous_case_id IS NOT NULL
            """).run()
        try await database.schema(ClaimStepModel.schema)
            .id()
            .field("case_id", .uuid, .required, .references(ClaimCaseModel.schema, "id"))
            .field("action", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .field("by", .string, .required)
            .field("by_name", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.sql.create(index: "claim_steps_case_idx").on(ClaimStepModel.schema).column("case_id").run()
        try await database.schema(ClaimHeirModel.schema)
            .id()
            .field("case_id", .uuid, .required, .references(ClaimCaseModel.schema, "id"))
            .field("name", .string, .required)
            .field("relation", .string, .required)
            .field("priority", .int, .required)
            .field("share_percent", .int, .required)
            .field("birth_date", .string)
            .field("school_level", .string)
            .field("year_in_level", .int)
            .field("ended_on", .string)
            .field("bank", .string)
            .field("account", .string)
            .field("account_holder", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .create()
        try await database.sql.create(index: "claim_heirs_case_idx").on(ClaimHeirModel.schema).column("case_id").run()
        try await database.schema(ClaimDocumentModel.schema)
            .id()
            .field("case_id", .uuid, .required, .references(ClaimCaseModel.schema, "id"))
            .field("kind", .string, .required)
            .field("heir_id", .uuid, .references(ClaimHeirModel.schema, "id"))
            .field("school_year", .int)
            .field("content_type", .string, .required)
            .field("name", .string, .required)
            .field("size", .int, .required)
            .field("data", .data, .required)
            .field("uploaded_at", .datetime, .required)
            .field("uploaded_by", .string, .required)
            .create()
        try await database.sql.create(index: "claim_documents_case_idx").on(ClaimDocumentModel.schema).column("case_id").run()
        try await database.schema(ClaimPaymentModel.schema)
            .id()
            .field("case_id", .uuid, .required, .references(ClaimCaseModel.schema, "id"))
            .field("kind", .string, .required)
            .field("heir_id", .uuid, .references(ClaimHeirModel.schema, "id"))
            .field("school_year", .int)
            .field("payee", .string)
            .field("amount", .int64, .required)
            .field("paid_on", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .create()
        try await database.sql.create(index: "claim_payments_case_idx").on(ClaimPaymentModel.schema).column("case_id").run()
        // A school year of a child's scholarship is paid once.
        try await database.sql.raw("""
            CREATE UNIQUE INDEX claim_payments_one_year ON claim_payments (heir_id, school_year) WHERE kind = 'scholarship'
            """).run()
        // Program settings for claims.
        try await database.schema("programs").field("claims_late_payment_counts", .bool).update()
        try await database.schema("programs").field("death_frees_quota", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("programs").deleteField("death_frees_quota").update()
        try await database.schema("programs").deleteField("claims_late_payment_counts").update()
        for table in [ClaimPaymentModel.schema, ClaimDocumentModel.schema, ClaimHeirModel.schema, ClaimStepModel.schema, ClaimCaseModel.schema] {
            try await database.schema(table).delete()
        }
    }
}
