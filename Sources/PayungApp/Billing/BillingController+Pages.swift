import Fluent
import Foundation
import PayungCore
import Vapor

/// The bill pages: `/program/{id}/tagihan` (the months, the prepare form)
/// and `/program/{id}/tagihan/{month}` (a bill, its lines, the issue button).
extension BillingController {
    struct ListView: Encodable {
        struct Bill: Encodable { let month: String; let monthName: String; let state: String; let issued: Bool; let total: String; let lines: String; let due: String }
        let page: PageContext
        let programID: String
        let programName: String
        let bills: [Bill]
        let canPrepare: Bool
        let canReconcile: Bool
        /// The month the form suggests: the one after the latest bill, at most this month.
        let nextMonth: String
        let maxMonth: String
        var error: String? = nil
    }

    struct BillView: Encodable {
        struct Group: Encodable { let name: String; let lines: String; let total: String }
        struct Line: Encodable { let kind: String; let credit: Bool; let month: String; let name: String; let nik: String; let sponsor: String; let amount: String }
        let page: PageContext
        let programID: String
        let programName: String
        let month: String
        let monthName: String
        let stateName: String
        let issued: Bool
        let due: String
        let total: String
        let lineCount: String
        let prepared: String
        let issuedText: String
        let byKind: [Group]
        let bySponsor: [Group]
        let bySegment: [Group]
        let lines: [Line]
        let showLines: Bool
        let pager: PagerContext?
        let canIssue: Bool
        let canPrepare: Bool
        /// Who prepared it may not issue it: said before the button is pressed.
        let ownWork: Bool
    }

    func registerPages(web: any RoutesBuilder) {
        let base = WebPath.programs.components + [":id", "tagihan"]
        web.get(base) { req async throws -> Response in
            try await Self.listPage(req, error: nil, status: .ok)
        }
        web.post(base) { req async throws -> Response in
            struct Form: Content { var month: String? }
            let program = try await Self.program(req, for: .prepare)
            let month = String((try req.content.decodeBounded(Form.self).month ?? "").prefix(7))
            do {
                let id = try await Self.submit(req, program, month: month)
                try await Task.sleep(for: .milliseconds(200))
                return req.redirect(to: "/program/\(program.id!.uuidString)/tagihan/\(month)?tugas=\(id.uuidString)")
            } catch let error as any DomainError where error.kind == .invalidInput || error.kind == .conflict {
                return try await Self.listPage(req, error: error.message, status: error.kind == .conflict ? .conflict : .unprocessableEntity)
            }
        }
        web.get(base + [":month"], use: Self.billPage)
        web.post(base + [":month", "terbitkan"]) { req async throws -> Response in
            struct Form: Content { var confirm: String? }
            let program = try await Self.program(req, for: .issue)
            let run = try await Self.run(req, program)
            guard try req.content.decodeBounded(Form.self).confirm == "1" else {
                throw AppError.invalid("confirm_required", "Centang \"Saya sudah memeriksa tagihan ini\" untuk menerbitkan tagihan.")
            }
            _ = try await BillingRun(db: req.db, now: req.application.clock.now()).issue(runID: run.id!, by: req.auditActor)
            return req.redirect(to: "/program/\(program.id!.uuidString)/tagihan/\(run.month)?ok=bill_issued")
        }
    }

    static func listPage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let program = try await Self.program(req, for: .read)
        let actor = try req.requireActor()
        let runs = try await BillingQueries(db: req.db).runs(program: program.id!)
        let today = req.application.clock.today.yearMonth
        let start = YearMonth(iso: program.startMonth) ?? today
        let next = runs.first.flatMap { YearMonth(iso: $0.month)?.advanced(by: 1) } ?? start
        let view = ListView(
            page: PageContext(title: "Tagihan · \(program.name)", request: req), programID: program.id!.uuidString, programName: program.name,
            bills: runs.map { run in
                .init(month: run.month, monthName: YearMonth(iso: run.month)?.indonesian ?? run.month, state: BillingQueries.stateName(run),
                      issued: run.isIssued, total: Rupiah(run.total).formatted, lines: Count.id(run.lineCount),
                      due: CalendarDate(iso: run.dueDate)?.indonesian ?? run.dueDate)
            },
            canPrepare: may(actor, .prepare, in: RegionCode(program.regencyCode)!),
            canReconcile: may(actor, .reconcile, in: RegionCode(program.regencyCode)!),
            nextMonth: min(next, today).iso, maxMonth: today.iso, error: error)
        let response = try await req.view.render("billing/index", view).encodeResponse(for: req)
        response.status = status
        return response
    }

    static func billPage(_ req: Request) async throws -> Response {
        let program = try await Self.program(req, for: .read)
        let actor = try req.requireActor()
        let regency = RegionCode(program.regencyCode)!
        // Following a prepare job: wait for it, or say why it failed.
        if let jobText = req.query[String.self, at: "tugas"], let jobID = UUID(uuidString: jobText),
           let job = try await JobQueue(db: req.db).find(jobID, ownedBy: actor.userID), job.kind == Self.jobKind {
            switch job.stateValue {
            case .queued, .running:
                struct Preparing: Encodable { let page: PageContext; let programID: String; let programName: String }
                let response = try await req.view.render("billing/preparing", Preparing(
                    page: PageContext(title: "Menyiapkan tagihan", request: req), programID: program.id!.uuidString,
                    programName: program.name)).encodeResponse(for: req)
                response.headers.replaceOrAdd(name: "Refresh", value: "2")
                return response
            case .failed:
                return try await Self.listPage(req, error: job.errorMessage ?? "Tagihan gagal disiapkan.",
                                               status: HTTPStatus(statusCode: job.errorStatus.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 500))
            case .done: break
            }
        }
        let run = try await Self.run(req, program)
        let queries = BillingQueries(db: req.db)
        let dto = try await queries.dto(run)
        let showLines = may(actor, .readLines, in: regency)
        var lines: [BillView.Line] = []
        var pager: PagerContext?
        if showLines {
            let page = try await queries.lines(run, page: try PageRequest(req, defaultSize: PageRequest.webSize),
                                               fullNIK: false)
            lines = page.items.map { l in
                .init(kind: l.kindName, credit: l.amount < 0, month: YearMonth(iso: l.month)?.indonesian ?? l.month, name: l.name, nik: l.nik,
                      sponsor: l.sponsor, amount: Rupiah(l.amount).formatted)
            }
            pager = PagerContext(page, path: "/program/\(program.id!.uuidString)/tagihan/\(run.month)", query: [:])
        }
        func groups(_ g: [BillDTO.Group]) -> [BillView.Group] { g.map { .init(name: $0.name, lines: Count.id($0.lines), total: Rupiah($0.total).formatted) } }
        let me = actor.userID
        return try await req.view.render("billing/show", BillView(
            page: PageContext(title: "Tagihan \(dto.monthName) · \(program.name)", request: req),
            programID: program.id!.uuidString, programName: program.name, month: run.month, monthName: dto.monthName,
            stateName: dto.stateName, issued: run.isIssued, due: CalendarDate(iso: run.dueDate)?.indonesian ?? run.dueDate,
            total: Rupiah(run.total).formatted, lineCount: Count.id(run.lineCount),
            prepared: "\(run.preparedBy), \(IndonesianTimestamp.format(run.preparedAt))",
            issuedText: run.issuedAt.map { "\(run.issuedBy ?? ""), \(IndonesianTimestamp.format($0))" } ?? "",
            byKind: groups(dto.byKind), bySponsor: groups(dto.bySponsor), bySegment: groups(dto.bySegment),
            lines: lines, showLines: showLines, pager: pager,
            canIssue: !run.isIssued && may(actor, .issue, in: regency),
            canPrepare: !run.isIssued && may(actor, .prepare, in: regency),
            ownWork: run.preparedByUserID?.uuidString == me)).encodeResponse(for: req)
    }
}
