import Fluent
import Foundation
import SQLKit

/// One comparison of a BPJS invoice or payment file with Payung's
/// person-months: the file's name and months, the counts of each kind of
/// difference, and the rows Payung could not read. The differences
/// themselves are in `reconciliation_differences`. Kept, like a bill, for
/// the auditors: what BPJS asked for, on which day, and what Payung said.
final class ReconciliationModel: Model, @unchecked Sendable {
    static let schema = "reconciliations"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "file_name") var fileName: String
    /// The contribution months the file covers, `YYYY-MM` comma-separated.
    @Field(key: "months") var months: String
    @Field(key: "rows") var rows: Int
    @Field(key: "missing") var missing: Int
    @Field(key: "extra") var extra: Int
    @Field(key: "amount_differs") var amountDiffers: Int
    @Field(key: "after_end") var afterEnd: Int
    @Field(key: "rejected") var rejected: Int
    /// Payung's person-months for those months, whole rupiah.
    @Field(key: "expected_total") var expectedTotal: Int64
    @Field(key: "billed_total") var billedTotal: Int64
    @OptionalField(key: "paid_total") var paidTotal: Int64?
    /// The first rejected rows (JSON `[ImportRejection]`), at most `ReconciliationImport.keptRejections`.
    @Field(key: "rejections") var rejections: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @Field(key: "created_by") var createdBy: String

    init() {}

    var differences: Int { missing + extra + amountDiffers }
}

struct CreateReconciliations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReconciliationModel.schema)
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("file_name", .string, .required)
            .field("months", .string, .required)
            .field("rows", .int, .required)
            .field("missing", .int, .required)
            .field("extra", .int, .required)
            .field("amount_differs", .int, .required)
            .field("after_end", .int, .required)
            .field("rejected", .int, .required)
            .field("expected_total", .int64, .required)
            .field("billed_total", .int64, .required)
            .field("paid_total", .int64)
            .field("rejections", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_user_id", .uuid)
            .field("created_by", .string, .required)
            .create()
        try await database.sql.create(index: "reconciliations_program_idx").on(ReconciliationModel.schema)
            .column("program_id").column("created_at").run()
        try await database.schema("reconciliation_differences")
            .field("id", .int64, .identifier(auto: true))
            .field("reconciliation_id", .uuid, .required, .references(ReconciliationModel.schema, "id"))
            .field("nik", .string, .required)
            .field("kpj", .string)
            .field("name", .string)
            .field("month", .string, .required)
            .field("kind", .string, .required)
            .field("expected", .int64)
            .field("billed", .int64)
            .field("paid", .int64)
            .field("after_end", .bool, .required)
            .field("in_program", .bool, .required)
            .create()
        try await database.sql.create(index: "reconciliation_differences_idx").on("reconciliation_differences")
            .column("reconciliation_id").column("kind").column("month").column("nik").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reconciliation_differences").delete()
        try await database.schema(ReconciliationModel.schema).delete()
    }
}
