import Fluent
import Foundation
import PayungCore
import Vapor

/// `/program/{id}/pembayaran` (accounts, payments, the payment form) and
/// `/program/{id}/tunggakan` (arrears and lapses on a day).
extension PaymentController {
    struct Field: Encodable { let value: String; let error: String? }

    struct PaymentsView: Encodable {
        struct Account: Encodable { let name: String; let billed: String; let paid: String; let balance: String; let overdue: String; let late: Bool }
        struct Payment: Encodable { let id: String; let payer: String; let refs: String; let day: String; let amount: String; let hasProof: Bool; let by: String }
        let page: PageContext
        let programID: String
        let programName: String
        let accounts: [Account]
        let payments: [Payment]
        let canRecord: Bool
        let sponsors: [ProposalWebController.Option]
        var form: [String: Field] = [:]
        var problems: [String] = []
        let today: String
    }

    struct StandingView: Encodable {
        struct Person: Encodable { let name: String; let village: String; let state: String; let href: String }
        let page: PageContext
        let programID: String
        let programName: String
        let asOf: String
        let asOfName: String
        let covered: String
        let inArrears: String
        let lapsed: String
        let warning: String
        let lapsedPeople: [Person]
        let warningPeople: [Person]
        let showNames: Bool
        let today: String
    }

    func registerPages(web: any RoutesBuilder) {
        let base = WebPath.programs.components + [":id", "pembayaran"]
        web.get(base) { req async throws -> Response in try await Self.paymentsPage(req, form: [:], problems: [], status: .ok) }
        web.on(.POST, base, body: .collect(maxSize: APIOperation.documentMaxSize)) { req async throws -> Response in
            struct Form: Content {
                var sponsorID: String?; var invoiceRef: String?; var transferRef: String?; var paidOn: String?; var amount: String?
                var note: String?; var proof: File?
            }
            let program = try await BillingController.program(req, for: .prepare)
            let form = try req.content.decodeBounded(Form.self)
            let proof = form.proof.map { Data(buffer: $0.data) } ?? Data()
            let input = PaymentInput(sponsorID: form.sponsorID.flatMap(UUID.init(uuidString:)), invoiceRef: form.invoiceRef,
                                     transferRef: form.transferRef, paidOn: form.paidOn ?? "", amount: form.amount ?? "",
                                     note: form.note, proof: proof, proofName: form.proof?.filename)
            let typed: [String: String] = ["sponsorID": form.sponsorID ?? "", "invoiceRef": form.invoiceRef ?? "",
                                           "transferRef": form.transferRef ?? "", "paidOn": form.paidOn ?? "", "amount": form.amount ?? "",
                                           "note": form.note ?? ""]
            do {
                _ = try await Payments(db: req.db, now: req.application.clock.now())
                    .record(program: program, input, today: req.application.clock.today, by: req.auditActor)
            } catch let problems as PaymentProblems {
                var fields = typed.mapValues { Field(value: $0, error: nil) }
                for p in problems.problems { fields[p.field] = Field(value: typed[p.field] ?? "", error: p.message) }
                return try await Self.paymentsPage(req, form: fields, problems: problems.problems.map(\.message), status: .unprocessableEntity)
            }
            return req.redirect(to: "/program/\(program.id!.uuidString)/pembayaran?ok=payment_recorded")
        }
        web.get(base + [":paymentId", "bukti"]) { req async throws -> Response in
            let program = try await BillingController.program(req, for: .read)
            guard let id = req.parameters.get("paymentId", as: UUID.self), let payment = try await PaymentModel.find(id, on: req.db),
                  payment.programID == program.id, let proof = try await PaymentProofModel.find(id, on: req.db) else {
                throw AppError.notFound("Bukti bayar")
            }
            try await req.audit.record(AuditEntry(action: "payment.proof_view", entity: "program", entityID: program.id!.uuidString,
                                                  regionCode: program.regencyCode, note: id.uuidString), by: req.auditActor)
            let response = Response(status: .ok, body: .init(data: proof.data))
            let parts = proof.contentType.split(separator: "/").map(String.init)
            response.headers.contentType = parts.count == 2 ? HTTPMediaType(type: parts[0], subType: parts[1]) : .binary
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
            return response
        }
        web.get(WebPath.programs.components + [":id", "tunggakan"], use: Self.standingPage)
        web.get(WebPath.programs.components + [":id", "tunggakan", ":proposalId"]) { req async throws -> View in
            let months = try await Self.participantMonths(req)
            let program = try await BillingController.program(req, for: .readLines)
            struct Row: Encodable { let month: String; let bill: String; let payer: String; let amount: String; let state: String; let code: String }
            struct ParticipantView: Encodable {
                let page: PageContext; let programID: String; let programName: String; let name: String; let standing: String
                let lapsed: Bool; let asOf: String; let asOfName: String; let today: String; let months: [Row]; let proposalID: String
            }
            let day = CalendarDate(iso: months.asOf)!
            return try await req.view.render("billing/participant", ParticipantView(
                page: PageContext(title: "Iuran \(months.name)", request: req), programID: program.id!.uuidString, programName: program.name,
                name: months.name, standing: months.standingName, lapsed: months.standing == "lapsed", asOf: months.asOf,
                asOfName: day.indonesian, today: req.application.clock.today.iso,
                months: months.months.map { m in
                    .init(month: m.monthName, bill: m.bill == m.month ? "tagihan bulan itu" : "tagihan \(m.billName) (susulan)", payer: m.payer,
                          amount: Rupiah(m.amount).formatted, state: m.stateName, code: m.state)
                }, proposalID: months.proposalID.uuidString))
        }
    }

    static func paymentsPage(_ req: Request, form: [String: Field], problems: [String], status: HTTPStatus) async throws -> Response {
        let program = try await BillingController.program(req, for: .read)
        let actor = try req.requireActor()
        let regency = RegionCode(program.regencyCode)!
        let standing = try await BillingStandingQueries(db: req.db).standing(program, asOf: req.application.clock.today, withNames: false)
        let sponsors = try await SponsorModel.query(on: req.db).filter(\.$pemdaCode == program.regencyCode).sort(\.$name).all()
        var fields = form
        if fields.isEmpty { fields = ["paidOn": Field(value: req.application.clock.today.iso, error: nil)] }
        let view = PaymentsView(
            page: PageContext(title: "Pembayaran · \(program.name)", request: req), programID: program.id!.uuidString, programName: program.name,
            accounts: standing.accounts.map { a in
                .init(name: a.name, billed: Rupiah(a.billed).formatted, paid: Rupiah(a.paid).formatted,
                      balance: a.balance < 0 ? "lebih bayar \(Rupiah(-a.balance).formatted)" : Rupiah(a.balance).formatted,
                      overdue: a.overdue > 0 ? "\(Rupiah(a.overdue).formatted) (\(Count.id(a.overdueLines)) orang-bulan)" : "–", late: a.overdue > 0)
            },
            payments: try await Self.dtos(program, on: req.db).prefix(100).map { p in
                .init(id: p.id.uuidString, payer: p.payer, refs: [p.invoiceRef, p.transferRef].compactMap { $0 }.joined(separator: " · "),
                      day: CalendarDate(iso: p.paidOn)?.indonesian ?? p.paidOn, amount: Rupiah(p.amount).formatted, hasProof: p.hasProof,
                      by: p.recordedBy)
            },
            canRecord: BillingController.may(actor, .prepare, in: regency),
            sponsors: [.init(value: "", label: "APBD Pemda (bulan tanpa penyandang dana)")] + sponsors.map { .init(value: $0.id!.uuidString, label: $0.name) },
            form: fields, problems: problems, today: req.application.clock.today.iso)
        let response = try await req.view.render("billing/payments", view).encodeResponse(for: req)
        response.status = status
        return response
    }

    static func standingPage(_ req: Request) async throws -> Response {
        let program = try await BillingController.program(req, for: .read)
        let actor = try req.requireActor()
        let day = try asOf(req)
        let names = BillingController.may(actor, .readLines, in: RegionCode(program.regencyCode)!)
        let s = try await BillingStandingQueries(db: req.db).standing(program, asOf: day, withNames: names)
        func people(_ list: [ProgramStanding.Person]) -> [StandingView.Person] {
            list.map { .init(name: $0.name, village: $0.village, state: $0.stateName,
                             href: "/program/\(program.id!.uuidString)/tunggakan/\($0.proposalID.uuidString)?asOf=\(day.iso)") }
        }
        return try await req.view.render("billing/standing", StandingView(
            page: PageContext(title: "Tunggakan · \(program.name)", request: req), programID: program.id!.uuidString, programName: program.name,
            asOf: day.iso, asOfName: day.indonesian, covered: Count.id(s.covered), inArrears: Count.id(s.inArrears), lapsed: Count.id(s.lapsed),
            warning: Count.id(s.warning), lapsedPeople: people(s.lapsedPeople), warningPeople: people(s.warningPeople), showNames: names,
            today: req.application.clock.today.iso)).encodeResponse(for: req)
    }
}
