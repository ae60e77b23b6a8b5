import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A payment to BPJS for a program: who paid (a sponsor, or the Pemda's
/// own budget for months no sponsor funds), the BPJS invoice or virtual
/// account number, the SP2D or transfer reference, the day, the amount, and
/// the proof. Never changed once recorded (a database trigger refuses it);
/// a mistake is corrected by a reversal entry in the ledger.
final class PaymentModel: Model, @unchecked Sendable {
    static let schema = "payments"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "invoice_ref") var invoiceRef: String?
    @OptionalField(key: "transfer_ref") var transferRef: String?
    /// `YYYY-MM-DD`.
    @Field(key: "paid_on") var paidOn: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "recorded_by_user_id") var recordedByUserID: UUID?
    @Field(key: "recorded_by") var recordedBy: String
    @OptionalField(key: "note") var note: String?

    init() {}
}

struct CreatePayments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PaymentModel.schema)
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("invoice_ref", .string)
            .field("transfer_ref", .string)
            .field("paid_on", .string, .required)
            .field("amount", .int64, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by_user_id", .uuid)
            .field("recorded_by", .string, .required)
            .field("note", .string)
            .create()
        try await database.sql.create(index: "payments_program_idx").on(PaymentModel.schema).column("program_id").column("paid_on").run()
        try await database.schema(PaymentProofModel.schema)
            .field("payment_id", .uuid, .identifier(auto: false), .references(PaymentModel.schema, "id"))
            .field("content_type", .string, .required)
            .field("name", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_at", .datetime, .required)
            .field("uploaded_by", .string, .required)
            .create()
        for table in [PaymentModel.schema, PaymentProofModel.schema] {
            if database.kind == .postgresql {
                try await database.sql.raw(SQLQueryString("""
                    CREATE TRIGGER \(unsafeRaw: table)_insert_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table)
                    FOR EACH ROW EXECUTE FUNCTION payung_refuse_change()
                    """)).run()
            } else {
                for op in ["UPDATE", "DELETE"] {
                    try await database.sql.raw(SQLQueryString("""
                        CREATE TRIGGER \(unsafeRaw: table)_insert_only_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON \(unsafeRaw: table)
                        BEGIN SELECT RAISE(ABORT, 'insert-only: \(unsafeRaw: table)'); END
                        """)).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {
        for table in [PaymentProofModel.schema, PaymentModel.schema] {
            if database.kind == .postgresql { try await database.sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_insert_only ON \(unsafeRaw: table)")).run() }
            try await database.schema(table).delete()
        }
    }
}

/// The proof of a payment (a scanned SP2D, a transfer receipt), attached
/// once: with the payment on the page, or right after it in the API.
final class PaymentProofModel: Model, @unchecked Sendable {
    static let schema = "payment_proofs"

    @ID(custom: "payment_id", generatedBy: .user) var id: UUID?
    @Field(key: "content_type") var contentType: String
    @Field(key: "name") var name: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

/// What a payment form or API call gives.
struct PaymentInput: Sendable {
    var sponsorID: UUID?
    var invoiceRef: String?
    var transferRef: String?
    var paidOn: String
    var amount: String
    var note: String?
    /// Required on the page; the API attaches it with a second call.
    var proof: Data?
    var proofName: String?
}

/// A field's problem, for the form.
struct PaymentProblem: Error, Sendable {
    let field: String
    let code: String
    let message: String
}

enum PaymentProof {
    /// 5 MB: a scanned SP2D or a phone photo of a transfer receipt.
    static let maxBytes = 5 * 1024 * 1024

    /// PDF or image, by the file's first bytes (never the name).
    static func type(of data: Data) -> String? {
        if data.prefix(5).elementsEqual("%PDF-".utf8) { return "application/pdf" }
        return WorkerDocument.imageType(of: data)
    }

    static let mediaTypes = ["application/pdf", "image/jpeg", "image/png", "image/webp"]

    /// The proof's problem, or nil when it is a PDF or image within the limit.
    static func problem(_ data: Data) -> PaymentProblem? {
        if data.isEmpty { return .init(field: "proof", code: "payment_proof_required", message: "Lampirkan bukti bayar (PDF atau foto).") }
        if data.count > maxBytes { return .init(field: "proof", code: "payment_proof_too_large", message: "Bukti bayar paling besar 5 MB.") }
        if type(of: data) == nil { return .init(field: "proof", code: "payment_proof_type", message: "Bukti bayar harus PDF, JPEG, PNG atau WebP.") }
        return nil
    }
}

struct Payments {
    let db: any Database
    let now: Date

    /// Checks every field; all problems at once.
    static func check(_ input: PaymentInput, today: CalendarDate) -> Result<(paidOn: CalendarDate, amount: Rupiah), PaymentProblems> {
        var problems: [PaymentProblem] = []
        let invoice = input.invoiceRef?.trimmingCharacters(in: .whitespaces).nilIfBlank
        let transfer = input.transferRef?.trimmingCharacters(in: .whitespaces).nilIfBlank
        if invoice == nil && transfer == nil {
            problems.append(.init(field: "invoiceRef", code: "payment_reference_required",
                                  message: "Isi nomor tagihan/virtual account BPJS atau nomor SP2D/transfer."))
        }
        for (field, value) in [("invoiceRef", invoice), ("transferRef", transfer)] {
            if let value, value.count > 60 || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append(.init(field: field, code: "payment_reference_invalid", message: "Nomor referensi paling panjang 60 karakter, tanpa karakter kendali."))
            }
        }
        let day = CalendarDate(iso: String(input.paidOn.prefix(10)))
        if day == nil || input.paidOn.count > 10 {
            problems.append(.init(field: "paidOn", code: "payment_date_invalid", message: "Tanggal bayar tidak terbaca; tulis seperti 2026-05-12."))
        } else if let day, day > today {
            problems.append(.init(field: "paidOn", code: "payment_date_future", message: "Tanggal bayar \(day.indonesian) belum lewat."))
        } else if let day, day.year < 2000 {
            problems.append(.init(field: "paidOn", code: "payment_date_invalid", message: "Tanggal bayar terlalu lama."))
        }
        let amount = Rupiah(parsing: input.amount)
        if amount == nil || amount!.amount <= 0 || amount!.amount > 10_000_000_000_000 {
            problems.append(.init(field: "amount", code: "payment_amount_invalid",
                                  message: "Jumlah dalam rupiah penuh, lebih dari nol, seperti 2066400 atau Rp2.066.400."))
        }
        if let proof = input.proof, let problem = PaymentProof.problem(proof) { problems.append(problem) }
        if (input.note?.count ?? 0) > 1_000 {
            problems.append(.init(field: "note", code: "payment_note_too_long", message: "Keterangan paling panjang 1.000 karakter."))
        }
        guard problems.isEmpty, let day, let amount else { return .failure(PaymentProblems(problems: problems)) }
        return .success((day, amount))
    }

    /// Records a payment and its ledger entry in one transaction.
    func record(program: ProgramModel, _ input: PaymentInput, today: CalendarDate, by actor: AuditActor) async throws -> PaymentModel {
        let valid: (paidOn: CalendarDate, amount: Rupiah)
        switch Self.check(input, today: today) {
        case .success(let v): valid = v
        case .failure(let problems): throw problems
        }
        if let sponsorID = input.sponsorID {
            guard let sponsor = try await SponsorModel.find(sponsorID, on: db), sponsor.pemdaCode == program.regencyCode else {
                throw PaymentProblems(problems: [.init(field: "sponsorID", code: "payment_sponsor_unknown",
                                                       message: "Penyandang dana itu tidak ada di Pemda program ini.")])
            }
        }
        return try await db.transaction { tx in
            let payment = PaymentModel()
            payment.id = UUID()
            payment.programID = program.id!
            payment.sponsorID = input.sponsorID
            payment.invoiceRef = input.invoiceRef?.trimmingCharacters(in: .whitespaces).nilIfBlank
            payment.transferRef = input.transferRef?.trimmingCharacters(in: .whitespaces).nilIfBlank
            payment.paidOn = valid.paidOn.iso
            payment.amount = valid.amount.amount
            payment.recordedAt = now
            payment.recordedByUserID = actor.userID
            payment.recordedBy = actor.username
            payment.note = input.note?.nilIfBlank
            try await payment.create(on: tx)
            if let proof = input.proof {
                try await Self.attach(proof, name: input.proofName ?? "bukti", to: payment.id!, by: actor, at: now, on: tx)
            }
            let entry = LedgerEntryModel()
            entry.id = UUID()
            entry.programID = program.id!
            entry.sponsorID = input.sponsorID
            entry.paymentID = payment.id
            entry.kind = LedgerEntryModel.Kind.paid.rawValue
            entry.amount = -valid.amount.amount
            entry.effectiveOn = valid.paidOn.iso
            entry.recordedAt = now
            entry.recordedByUserID = actor.userID
            entry.recordedBy = actor.username
            entry.note = payment.invoiceRef ?? payment.transferRef
            try await entry.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "payment.record", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                changes: ["total": .init(old: nil, new: String(valid.amount.amount)), "paid_on": .init(old: nil, new: valid.paidOn.iso)],
                note: [payment.invoiceRef, payment.transferRef].compactMap { $0 }.joined(separator: " / ")), by: actor)
            return payment
        }
    }
}

extension Payments {
    /// Attaches the proof of a payment, once (a second is refused: the first stands).
    static func attach(_ data: Data, name: String, to payment: UUID, by actor: AuditActor, at now: Date, on db: any Database) async throws {
        if let problem = PaymentProof.problem(data) { throw PaymentProblems(problems: [problem]) }
        guard try await PaymentProofModel.find(payment, on: db) == nil else {
            throw AppError(code: "payment_proof_exists", message: "Bukti bayar untuk pembayaran ini sudah dilampirkan dan tidak dapat diganti.", kind: .conflict)
        }
        let proof = PaymentProofModel()
        proof.id = payment
        proof.contentType = PaymentProof.type(of: data)!
        proof.name = String(name.suffix(120))
        proof.data = data
        proof.uploadedAt = now
        proof.uploadedBy = actor.username
        try await proof.create(on: db)
    }
}

/// Every problem of a payment, for the form (per field) and the API (one message).
struct PaymentProblems: DomainError {
    let problems: [PaymentProblem]
    var code: String { problems.first?.code ?? "payment_invalid" }
    var message: String { problems.map(\.message).joined(separator: " ") }
    var kind: DomainErrorKind { .invalidInput }
}
