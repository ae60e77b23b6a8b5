import Fluent
import Foundation

/// A program's bill for one contribution month: prepared by one person,
/// issued by another (`MakerChecker`). Once issued it never changes; a
/// later change is an adjustment line on a later bill. One per program
/// and month (a unique constraint), so a re-run finds it.
final class BillingRunModel: Model, @unchecked Sendable {
    static let schema = "billing_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    /// Contribution month, `YYYY-MM`.
    @Field(key: "month") var month: String
    /// `YYYY-MM-DD`: the program's due day of the month.
    @Field(key: "due_date") var dueDate: String
    @Field(key: "prepared_at") var preparedAt: Date
    @OptionalField(key: "prepared_by_user_id") var preparedByUserID: UUID?
    @Field(key: "prepared_by") var preparedBy: String
    @OptionalField(key: "issued_at") var issuedAt: Date?
    @OptionalField(key: "issued_by_user_id") var issuedByUserID: UUID?
    @OptionalField(key: "issued_by") var issuedBy: String?
    @Field(key: "line_count") var lineCount: Int
    /// Sum of the lines, whole rupiah (credits negative).
    @Field(key: "total") var total: Int64

    init() {}

    var isIssued: Bool { issuedAt != nil }
}

/// One row of the insert-only ledger, whole rupiah: positive adds to what
/// is owed (issued, adjusted debit), negative takes off (paid, credit).
/// Balances and states are sums over it; nothing updates or deletes a row
/// (database triggers refuse it).
final class LedgerEntryModel: Model, @unchecked Sendable {
    static let schema = "ledger_entries"

    enum Kind: String, Sendable, Codable { case issued, paid, adjusted, reversed }

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "run_id") var runID: UUID?
    @OptionalField(key: "payment_id") var paymentID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "amount") var amount: Int64
    /// The contribution month it concerns, when one.
    @OptionalField(key: "month") var month: String?
    /// The day it takes effect (a bill's issue, a payment's date), `YYYY-MM-DD`.
    @Field(key: "effective_on") var effectiveOn: String
    /// When Payung learnt it: "as known on" questions read this.
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "recorded_by_user_id") var recordedByUserID: UUID?
    @Field(key: "recorded_by") var recordedBy: String
    @OptionalField(key: "note") var note: String?

    init() {}
}
