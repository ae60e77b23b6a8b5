import Fluent
import Foundation
import PayungCore
import Vapor

/// Payments to BPJS and where a program's money stands: the operator
/// records a payment with its proof; the agency, the Kepala Dinas, BPJS
/// and auditors read the accounts, arrears and lapses.
struct PaymentController {
    static let list = APIOperation(method: .GET, path: "/api/v1/programs/{id}/payments", operationID: "listPayments",
                                   summary: "A program's payments to BPJS, newest first", tag: "Tagihan", response: "PaymentList", errors: [403, 404])
    static let create = APIOperation(method: .POST, path: "/api/v1/programs/{id}/payments", operationID: "recordPayment",
                                     summary: "Record a payment (BPJS invoice or VA number, SP2D or transfer reference, day, amount, payer); attach its proof next",
                                     tag: "Tagihan", requestBody: "PaymentInput", response: "Payment", successStatus: 201, errors: [403, 404])
    static let proof = APIOperation(method: .PUT, path: "/api/v1/programs/{id}/payments/{paymentId}/proof", operationID: "attachPaymentProof",
                                    summary: "Attach a payment's proof (PDF or image, 5 MB at most), once", tag: "Tagihan",
                                    response: "Payment", errors: [403, 404, 409], documentBody: true)
    static let standing = APIOperation(method: .GET, path: "/api/v1/programs/{id}/standing", operationID: "getStanding",
                                       summary: "Where the program's money stands on a day, as known that day: accounts, arrears, lapses",
                                       tag: "Tagihan",
                                       query: [.init(name: "asOf", description: "YYYY-MM-DD; today when left out", schema: Schema.string(format: "date"))],
                                       response: "ProgramStanding", errors: [403, 404])

    static let participant = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/participants/{proposalId}/months", operationID: "getParticipantMonths",
        summary: "One participant's billed months as known on a day: which bill, due when, paid when and by whom; their standing",
        tag: "Tagihan",
        query: [.init(name: "asOf", description: "YYYY-MM-DD; today when left out", schema: Schema.string(format: "date"))],
        response: "ParticipantMonths", errors: [403, 404, 422])

    static func participantMonths(_ req: Request) async throws -> ParticipantMonths {
        let program = try await BillingController.program(req, for: .readLines)
        guard let id = req.parameters.get("proposalId", as: UUID.self) else { throw AppError.notFound("Peserta") }
        return try await BillingStandingQueries(db: req.db).participant(program, proposalID: id, asOf: try asOf(req))
    }

    struct PaymentDTO: Content {
        let id: UUID
        let sponsorID: UUID?
        let payer: String
        let invoiceRef: String?
        let transferRef: String?
        let paidOn: String
        let amount: Int64
        let hasProof: Bool
        let recordedBy: String
        let recordedAt: Date
    }

    struct APIInput: Content {
        var sponsorID: UUID?
        var invoiceRef: String?
        var transferRef: String?
        let paidOn: String
        let amount: Int64
        var note: String?
    }

    static func dtos(_ program: ProgramModel, on db: any Database) async throws -> [PaymentDTO] {
        let payments = try await PaymentModel.query(on: db).filter(\.$programID == program.id!).sort(\.$paidOn, .descending)
            .sort(\.$recordedAt, .descending).all()
        let withProof = Set(try await PaymentProofModel.query(on: db).filter(\.$id ~~ payments.compactMap(\.id)).all().compactMap(\.id))
        let names = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).filter(\.$pemdaCode == program.regencyCode).all()
            .map { ($0.id!, $0.name) })
        return payments.map { p in
            PaymentDTO(id: p.id!, sponsorID: p.sponsorID, payer: p.sponsorID.flatMap { names[$0] } ?? "APBD Pemda (bulan tanpa penyandang dana)",
                       invoiceRef: p.invoiceRef, transferRef: p.transferRef, paidOn: p.paidOn, amount: p.amount,
                       hasProof: withProof.contains(p.id!), recordedBy: p.recordedBy, recordedAt: p.recordedAt)
        }
    }

    static func asOf(_ req: Request) throws -> CalendarDate {
        guard let text = req.query[String.self, at: "asOf"], !text.isEmpty else { return req.application.clock.today }
        // Bounded: a day Payung's records can speak of, never the edge of the calendar.
        guard text.count == 10, let day = CalendarDate(iso: text), (2000...2100).contains(day.year) else {
            throw AppError.invalid("as_of_invalid", "Tanggal tidak terbaca atau di luar tahun 2000–2100; tulis seperti 2026-03-20.")
        }
        return day
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        let payment = Schema.object([
            "id": Schema.string(format: "uuid"), "sponsorID": Schema.string(format: "uuid"), "payer": Schema.string(),
            "invoiceRef": Schema.string(), "transferRef": Schema.string(), "paidOn": Schema.string(format: "date"), "amount": money,
            "hasProof": Schema.boolean, "recordedBy": Schema.string(), "recordedAt": Schema.string(format: "date-time"),
        ], required: ["id", "payer", "paidOn", "amount", "hasProof", "recordedBy", "recordedAt"])
        let person = Schema.object([
            "proposalID": Schema.string(format: "uuid"), "name": Schema.string(), "village": Schema.string(),
            "state": Schema.string(values: ["covered", "in_arrears", "lapsed"]), "stateName": Schema.string(),
            "unpaidMonths": Schema.integer(), "day": Schema.string(format: "date"),
        ], required: ["proposalID", "name", "village", "state", "stateName", "unpaidMonths", "day"])
        api.app.addAPISchemas([
            "Payment": payment,
            "PaymentList": Schema.object(["items": Schema.array(Schema.ref("Payment"))], required: ["items"]),
            "PaymentInput": Schema.object([
                "sponsorID": Schema.string(format: "uuid"), "invoiceRef": Schema.string(), "transferRef": Schema.string(),
                "paidOn": Schema.string(format: "date"), "amount": money, "note": Schema.string(),
            ], required: ["paidOn", "amount"]),
            "ParticipantMonths": Schema.object([
                "proposalID": Schema.string(format: "uuid"), "name": Schema.string(), "asOf": Schema.string(format: "date"),
                "standing": Schema.string(values: ["covered", "in_arrears", "lapsed"]), "standingName": Schema.string(),
                "months": Schema.array(Schema.object([
                    "month": Schema.string(example: "2026-03"), "monthName": Schema.string(), "amount": money, "bill": Schema.string(),
                    "billName": Schema.string(), "payer": Schema.string(), "due": Schema.string(format: "date"),
                    "paidOn": Schema.string(format: "date"), "state": Schema.string(values: ["paid", "not_yet_due", "overdue", "credited"]),
                    "stateName": Schema.string(),
                ], required: ["month", "monthName", "amount", "bill", "billName", "payer", "due", "state", "stateName"])),
            ], required: ["proposalID", "name", "asOf", "standing", "standingName", "months"]),
            "ProgramStanding": Schema.object([
                "asOf": Schema.string(format: "date"),
                "accounts": Schema.array(Schema.object([
                    "sponsorID": Schema.string(format: "uuid"), "name": Schema.string(), "billed": money, "paid": money, "balance": money,
                    "overdue": money, "overdueLines": Schema.integer(),
                ], required: ["name", "billed", "paid", "balance", "overdue", "overdueLines"])),
                "covered": Schema.integer(), "inArrears": Schema.integer(), "lapsed": Schema.integer(), "warning": Schema.integer(),
                "lapsedPeople": Schema.array(person), "warningPeople": Schema.array(person),
            ], required: ["asOf", "accounts", "covered", "inArrears", "lapsed", "warning", "lapsedPeople", "warningPeople"]),
        ])
        struct PaymentList: Content { let items: [PaymentDTO] }
        api.on(Self.list) { req -> PaymentList in
            let program = try await BillingController.program(req, for: .read)
            return PaymentList(items: try await Self.dtos(program, on: req.db))
        }
        api.on(Self.create) { req -> Response in
            let program = try await BillingController.program(req, for: .prepare)
            let input = try req.content.decodeBounded(APIInput.self)
            let payment = try await Payments(db: req.db, now: req.application.clock.now()).record(
                program: program, PaymentInput(sponsorID: input.sponsorID, invoiceRef: input.invoiceRef, transferRef: input.transferRef,
                                               paidOn: input.paidOn, amount: String(input.amount), note: input.note),
                today: req.application.clock.today, by: req.auditActor)
            let dto = try await Self.dtos(program, on: req.db).first { $0.id == payment.id }!
            let response = Response(status: .created)
            try response.content.encode(dto)
            return response
        }
        api.on(Self.proof) { req -> PaymentDTO in
            let program = try await BillingController.program(req, for: .prepare)
            guard let id = req.parameters.get("paymentId", as: UUID.self), let payment = try await PaymentModel.find(id, on: req.db),
                  payment.programID == program.id else { throw AppError.notFound("Pembayaran") }
            let data = req.body.data.map { Data(buffer: $0) } ?? Data()
            let now = req.application.clock.now(), actor = req.auditActor
            try await req.db.transaction { tx in
                try await Payments.attach(data, name: "bukti", to: id, by: actor, at: now, on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "payment.proof_attach", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                    note: id.uuidString), by: actor)
            }
            return try await Self.dtos(program, on: req.db).first { $0.id == id }!
        }
        api.on(Self.standing) { req -> ProgramStanding in
            let program = try await BillingController.program(req, for: .read)
            let names = BillingController.may(try req.requireActor(), .readLines, in: RegionCode(program.regencyCode)!)
            return try await BillingStandingQueries(db: req.db).standing(program, asOf: try Self.asOf(req), withNames: names)
        }
        api.on(Self.participant) { req -> ParticipantMonths in try await Self.participantMonths(req) }
        registerPages(web: web)
    }
}
