import Fluent
import Foundation
import PayungCore
import Vapor

/// Monthly bills of a program: the operator prepares (a recorded job),
/// the Kepala Dinas issues; the agency, BPJS and auditors read.
struct BillingController {
    static let list = APIOperation(method: .GET, path: "/api/v1/programs/{id}/bills", operationID: "listBills",
                                   summary: "A program's monthly bills, newest first", tag: "Tagihan", response: "BillList", errors: [403, 404])
    static let prepare = APIOperation(method: .POST, path: "/api/v1/programs/{id}/bills", operationID: "prepareBill",
                                      summary: "Prepare (or refresh, while unissued) a month's bill, as a recorded job; idempotent once issued",
                                      tag: "Tagihan", requestBody: "BillPrepareInput", response: "Job", successStatus: 202, errors: [403, 404, 409, 422])
    static let show = APIOperation(method: .GET, path: "/api/v1/programs/{id}/bills/{month}", operationID: "getBill",
                                   summary: "A month's bill with totals by kind, sponsor and BPJS segment", tag: "Tagihan",
                                   response: "Bill", errors: [403, 404])
    static let lines = APIOperation(method: .GET, path: "/api/v1/programs/{id}/bills/{month}/lines", operationID: "listBillLines",
                                    summary: "A bill's lines, one per person-month (NIK masked unless the caller may see it)", tag: "Tagihan",
                                    query: PageRequest.queryParameters, response: "BillLinePage", errors: [400, 403, 404])
    static let issue = APIOperation(method: .POST, path: "/api/v1/programs/{id}/bills/{month}/issue", operationID: "issueBill",
                                    summary: "Issue a prepared bill (never by who prepared it); it is then fixed and booked in the ledger",
                                    tag: "Tagihan", response: "Bill", errors: [403, 404])

    static let jobKind = "billing.prepare"

    struct PrepareInput: Content { let month: String }

    struct JobParameters: Codable, Sendable {
        let programID: UUID
        let month: String
    }

    enum Need { case read, readLines, prepare, issue, reconcile }

    /// The program, if the actor may do `need` in its Pemda; 403 when they
    /// can see the program but not this, 404 otherwise.
    static func program(_ req: Request, for need: Need) async throws -> ProgramModel {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              let regency = RegionCode(program.regencyCode) else { throw AppError.notFound("Program") }
        guard may(actor, need, in: regency) else {
            if ProgramAPIController.visible(program, to: actor) { throw AccessError.forbidden }
            throw AppError.notFound("Program")
        }
        return program
    }

    static func may(_ actor: Actor, _ need: Need, in regency: RegionCode) -> Bool {
        switch need {
        case .read:
            [.prepareBills, .issueBills, .register, .readAudit].contains { AccessPolicy.may(actor, $0, in: regency) }
        case .readLines: AccessPolicy.may(actor, .readRecord, in: regency) && may(actor, .read, in: regency)
        case .prepare: AccessPolicy.may(actor, .prepareBills, in: regency)
        case .issue: AccessPolicy.may(actor, .issueBills, in: regency)
        // The operator or BPJS's officer compares BPJS's invoice with Payung's months, NIK by NIK.
        case .reconcile: [.prepareBills, .register].contains { AccessPolicy.may(actor, $0, in: regency) } && may(actor, .readLines, in: regency)
        }
    }

    static func month(_ req: Request) throws -> YearMonth {
        guard let text = req.parameters.get("month"), text.count == 7, let month = YearMonth(iso: text) else { throw AppError.notFound("Tagihan") }
        return month
    }

    static func run(_ req: Request, _ program: ProgramModel) async throws -> BillingRunModel {
        guard let run = try await BillingQueries(db: req.db).run(program: program.id!, month: try month(req).iso) else {
            throw AppError.notFound("Tagihan")
        }
        return run
    }

    /// Records the prepare job and starts it.
    static func submit(_ req: Request, _ program: ProgramModel, month text: String) async throws -> UUID {
        guard text.count == 7, let month = YearMonth(iso: text) else {
            throw AppError.invalid("month_invalid", "Bulan tagihan tidak terbaca; tulis seperti 2026-05.")
        }
        // Said at once rather than by a failed job; the run checks again in its transaction.
        if let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth), month < start || month > end {
            throw AppError.invalid("billing_month_outside", "Bulan \(month.indonesian) di luar periode program (\(start.indonesian) – \(end.indonesian)).")
        }
        guard month <= req.application.clock.today.yearMonth else {
            throw AppError.invalid("billing_month_future", "Tagihan \(month.indonesian) belum dapat disiapkan: bulannya belum tiba.")
        }
        let parameters = JobParameters(programID: program.id!, month: month.iso)
        return try await req.application.jobs.submit(
            req.application, kind: jobKind, subject: "billing:\(program.id!.uuidString):\(month.iso)", parameters: parameters,
            owner: JobOwner(req.auditActor), describe: "Penyiapan tagihan \(month.indonesian) untuk program ini")
    }

    static func register(on runner: JobRunner) async {
        await runner.register(jobKind) { job in
            let p = try job.decode(JobParameters.self)
            // A person's job runs with their grants as they are now; a system job (the CLI, no user) as the server.
            guard let program = try await ProgramModel.find(p.programID, on: job.app.db), let regency = RegionCode(program.regencyCode),
                  job.actor.map({ may($0, .prepare, in: regency) }) ?? (job.auditActor.userID == nil),
                  let month = YearMonth(iso: p.month) else { throw AccessError.forbidden }
            let result = try await BillingRun(db: job.app.db, now: job.app.clock.now())
                .prepare(programID: program.id!, month: month, by: job.auditActor, today: job.app.clock.today)
            job.progress(result.lines, result.lines)
            return try JSONEncoder().encode(result)
        }
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        let group = Schema.object(["key": Schema.string(), "name": Schema.string(), "lines": Schema.integer(), "total": money],
                                  required: ["key", "name", "lines", "total"])
        api.app.addAPISchemas([
            "BillPrepareInput": Schema.object(["month": Schema.string(example: "2026-05")], required: ["month"]),
            "Bill": Schema.object([
                "programID": Schema.string(format: "uuid"), "month": Schema.string(example: "2026-05"), "monthName": Schema.string(),
                "state": Schema.string(values: ["prepared", "issued"]), "stateName": Schema.string(), "dueDate": Schema.string(format: "date"),
                "preparedBy": Schema.string(), "preparedAt": Schema.string(format: "date-time"), "issuedBy": Schema.string(),
                "issuedAt": Schema.string(format: "date-time"), "lines": Schema.integer(), "total": money,
                "byKind": Schema.array(group), "bySponsor": Schema.array(group), "bySegment": Schema.array(group),
            ], required: ["programID", "month", "monthName", "state", "stateName", "dueDate", "preparedBy", "preparedAt", "lines", "total",
                          "byKind", "bySponsor", "bySegment"]),
            "BillList": Schema.object(["items": Schema.array(Schema.ref("Bill"))], required: ["items"]),
            "BillLine": Schema.object([
                "kind": Schema.string(values: BillComposition.Kind.allCases.map(\.rawValue)), "kindName": Schema.string(),
                "month": Schema.string(), "nik": Schema.string(), "name": Schema.string(), "sponsor": Schema.string(), "segment": Schema.string(),
                "jkk": money, "jkm": money, "jht": money, "amount": money,
            ], required: ["kind", "kindName", "month", "nik", "name", "sponsor", "jkk", "jkm", "jht", "amount"]),
            "BillLinePage": PageDTO<BillLineDTO>.schema(of: "BillLine"),
        ])
        struct BillList: Content { let items: [BillDTO] }
        api.on(Self.list) { req -> BillList in
            let program = try await Self.program(req, for: .read)
            let queries = BillingQueries(db: req.db)
            var items: [BillDTO] = []
            for run in try await queries.runs(program: program.id!) { items.append(try await queries.dto(run)) }
            return BillList(items: items)
        }
        api.on(Self.prepare) { req -> Response in
            let program = try await Self.program(req, for: .prepare)
            let input = try req.content.decodeBounded(PrepareInput.self)
            let id = try await Self.submit(req, program, month: input.month)
            let response = Response(status: .accepted)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/jobs/\(id.uuidString)")
            try response.content.encode(try await JobController.dto(id, req))
            return response
        }
        api.on(Self.show) { req -> BillDTO in
            let program = try await Self.program(req, for: .read)
            return try await BillingQueries(db: req.db).dto(try await Self.run(req, program))
        }
        api.on(Self.lines) { req -> PageDTO<BillLineDTO> in
            let program = try await Self.program(req, for: .readLines)
            let run = try await Self.run(req, program)
            let full = AccessPolicy.may(try req.requireActor(), .readFullNIK, in: RegionCode(program.regencyCode)!)
            return PageDTO(try await BillingQueries(db: req.db).lines(run, page: try PageRequest(req), fullNIK: full))
        }
        api.on(Self.issue) { req -> BillDTO in
            let program = try await Self.program(req, for: .issue)
            let run = try await Self.run(req, program)
            let issued = try await BillingRun(db: req.db, now: req.application.clock.now()).issue(runID: run.id!, by: req.auditActor)
            return try await BillingQueries(db: req.db).dto(issued)
        }
        registerPages(web: web)
    }
}
