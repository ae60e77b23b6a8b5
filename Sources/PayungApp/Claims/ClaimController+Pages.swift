import Fluent
import Foundation
import PayungCore
import Vapor

/// The claim pages: `/klaim` (the list, the stuck cases, the totals),
/// `/klaim/lapor` (report an event: find the participant by NIK or name in
/// a POST, never a URL) and `/klaim/{id}` (one case, with the step its
/// reader may take).
extension ClaimController {
    typealias Option = ProposalWebController.Option

    struct ListView: Encodable {
        struct Row: Encodable {
            let href: String; let number: String; let name: String; let village: String; let kind: String; let status: String
            let eventDate: String; let days: String; let stuck: Bool; let covered: Bool; let uncovered: String?; let waiting: String?
            let deadline: String?; let deadlineNear: Bool; let amount: String?
        }
        struct Total: Encodable { let name: String; let cases: String; let paid: String }
        let page: PageContext
        let rows: [Row]
        let pager: PagerContext?
        let showList: Bool
        let canReport: Bool
        let statuses: [Option]
        let kinds: [Option]
        let status: String
        let kind: String
        let stuck: Bool
        let stuckDays: Int
        let totalCases: String
        let totalPaid: String
        let byKind: [Total]
        let byStatus: [Total]
        let byDistrict: [Total]
        let suppressed: Bool
    }

    struct ReportView: Encodable {
        struct Candidate: Encodable { let id: String; let label: String; let checked: Bool }
        let page: PageContext
        let query: String
        let searched: Bool
        let candidates: [Candidate]
        let kinds: [Option]
        let form: [String: String]
        let problem: String?
        let previousCaseID: String?
        let today: String
    }

    func registerPages(web: any RoutesBuilder) {
        web.get(WebPath.claims.components, use: Self.listPage)
        web.get(WebPath.newClaim.components) { req async throws -> Response in
            _ = try req.requireActor(allowedTo: .reportClaim)
            let previous = try req.uuidQuery("sebelumnya")
            var candidates: [Participant] = []
            if let previous {
                // Reopening a refused case: the same participant, found from it.
                let old = try await Self.service(req).readable(previous, actor: try req.requireActor())
                try await ClaimService.reopenable(old, on: req.db)
                if let worker = try await WorkerModel.find(old.workerID, on: req.db) {
                    candidates = try await Self.participants(req, worker.nik).filter { $0.proposalID == old.proposalID }
                }
            }
            return try await Self.reportPage(req, query: "", candidates: candidates, form: [:], problem: nil, previous: previous, status: .ok)
        }
        web.post(WebPath.newClaim.components + ["cari"]) { req async throws -> Response in
            struct Form: Content { var q: String?; var previousCaseID: String? }
            let form = try req.content.decodeBounded(Form.self)
            let q = String((form.q ?? "").prefix(100))
            let found = try await Self.participants(req, q)
            return try await Self.reportPage(req, query: q, candidates: found, form: [:],
                                             problem: found.isEmpty ? "Tidak ada peserta dengan NIK atau nama itu di wilayah Anda." : nil,
                                             previous: form.previousCaseID.flatMap(UUID.init(uuidString:)), status: .ok)
        }
        web.post(WebPath.newClaim.components) { req async throws -> Response in
            struct Form: Content {
                var proposalID: String?; var kind: String?; var eventDate: String?; var place: String?; var account: String?
                var trafficAccident: String?; var previousCaseID: String?
            }
            let actor = try req.requireActor(allowedTo: .reportClaim)
            let form = try req.content.decodeBounded(Form.self)
            let typed = ["proposalID": form.proposalID ?? "", "kind": form.kind ?? "", "eventDate": form.eventDate ?? "", "place": form.place ?? "",
                         "account": form.account ?? "", "trafficAccident": form.trafficAccident ?? ""]
            let input = ClaimReportInput(proposalID: form.proposalID.flatMap(UUID.init(uuidString:)), nik: nil, kind: form.kind ?? "",
                                         eventDate: form.eventDate ?? "", place: form.place, account: form.account,
                                         trafficAccident: form.trafficAccident == "on", previousCaseID: form.previousCaseID.flatMap(UUID.init(uuidString:)))
            do {
                guard input.proposalID != nil else {
                    throw AppError.invalid("claim_participant_required", "Cari dan pilih dulu peserta yang mengalami kejadian.")
                }
                let claim = try await Self.service(req).report(input, actor: actor, by: req.auditActor)
                return req.redirect(to: WebPath.claim(claim.id!).path + "?ok=claim_reported")
            } catch {
                let presented = PresentedError(error)
                guard presented.status.code < 500 else { throw error }
                var candidates: [Participant] = []
                if let id = input.proposalID, let p = try? await Self.service(req).participation(input, eventDay: req.application.clock.today, actor: actor) {
                    candidates = try await Self.participants(req, (try await WorkerModel.find(p.workerID, on: req.db))?.nik ?? "").filter { $0.proposalID == id }
                }
                return try await Self.reportPage(req, query: "", candidates: candidates, form: typed, problem: presented.message,
                                                 previous: input.previousCaseID, status: presented.status)
            }
        }
        let one = WebPath.claims.components + [":id"]
        web.get(one) { req async throws -> Response in try await Self.casePage(req, problem: nil, status: .ok) }
        web.post(one + ["langkah"]) { req async throws -> Response in
            struct Form: Content {
                var action: String?; var note: String?; var bpjsClaimNumber: String?; var reason: String?; var approvedAmount: String?
                var disabilityPercent: String?; var incapacityMonths: String?; var paidOn: String?; var amount: String?; var heirID: String?
            }
            let form = try req.content.decodeBounded(Form.self)
            return try await Self.act(req, ok: "claim_step_done") {
                func int64(_ text: String?) throws -> Int64? {
                    guard let text = text?.nilIfBlank else { return nil }
                    guard let r = Rupiah(parsing: text) else { throw ClaimService.amountInvalid }
                    return r.amount
                }
                func int(_ text: String?, _ code: String, _ message: String) throws -> Int? {
                    guard let text = text?.nilIfBlank else { return nil }
                    guard text.count <= 3, let v = Int(text) else { throw AppError.invalid(code, message) }
                    return v
                }
                let input = ClaimStepInput(
                    action: form.action ?? "", note: form.note, bpjsClaimNumber: form.bpjsClaimNumber, reason: form.reason,
                    approvedAmount: try int64(form.approvedAmount),
                    disabilityPercent: try int(form.disabilityPercent, "disability_percent_invalid", "Persentase cacat harus 1 sampai 100."),
                    incapacityMonths: try int(form.incapacityMonths, "incapacity_months_invalid", "Lama tidak mampu bekerja harus 0 sampai 120 bulan."),
                    paidOn: form.paidOn, amount: try int64(form.amount), heirID: form.heirID.flatMap(UUID.init(uuidString:)))
                _ = try await Self.service(req).transition(try Self.caseID(req), input, actor: try req.requireActor(), by: req.auditActor)
            }
        }
        web.post(one + ["ahli-waris"]) { req async throws -> Response in
            struct Form: Content {
                var name: String?; var relation: String?; var priority: String?; var sharePercent: String?; var birthDate: String?
                var schoolLevel: String?; var yearInLevel: String?; var bank: String?; var account: String?; var accountHolder: String?
            }
            let form = try req.content.decodeBounded(Form.self)
            return try await Self.act(req, ok: "claim_heir_added") {
                func int(_ text: String?, _ code: String, _ message: String) throws -> Int? {
                    guard let text = text?.nilIfBlank else { return nil }
                    guard text.count <= 3, let v = Int(text) else { throw AppError.invalid(code, message) }
                    return v
                }
                let input = ClaimHeirInput(
                    name: form.name ?? "", relation: form.relation ?? "",
                    priority: try int(form.priority, "heir_priority_invalid", "Urutan ahli waris 1 sampai 20."),
                    sharePercent: try int(form.sharePercent, "heir_share_invalid", "Bagian ahli waris 0 sampai 100 persen."),
                    birthDate: form.birthDate, schoolLevel: form.schoolLevel,
                    yearInLevel: try int(form.yearInLevel, "heir_year_in_level_invalid", "Kelas/tahun ke- di jenjang itu: 1 sampai 8."),
                    endedOn: nil, bank: form.bank, account: form.account, accountHolder: form.accountHolder)
                _ = try await Self.service(req).addHeir(try Self.caseID(req), input, actor: try req.requireActor(), by: req.auditActor)
            }
        }
        web.on(.POST, one + ["dokumen"], body: .collect(maxSize: APIOperation.documentMaxSize)) { req async throws -> Response in
            struct Form: Content { var kind: String?; var heirID: String?; var schoolYear: String?; var file: File? }
            let form = try req.content.decodeBounded(Form.self)
            return try await Self.act(req, ok: "claim_document_added") {
                let year = try form.schoolYear?.nilIfBlank.map { text -> Int in
                    guard text.count <= 4, let y = Int(text) else { throw AppError.invalid("claim_school_year_invalid", "Tahun ajaran: 4 angka, misalnya 2026.") }
                    return y
                }
                _ = try await Self.service(req).attach(form.file.map { Data(buffer: $0.data) } ?? Data(), kind: form.kind ?? "", name: form.file?.filename,
                                                       heirID: form.heirID.flatMap(UUID.init(uuidString:)), schoolYear: year,
                                                       to: try Self.caseID(req), actor: try req.requireActor(), by: req.auditActor)
            }
        }
        web.post(one + ["pembayaran"]) { req async throws -> Response in
            struct Form: Content { var kind: String?; var paidOn: String?; var amount: String?; var heirID: String?; var schoolYear: String?; var payee: String? }
            let form = try req.content.decodeBounded(Form.self)
            return try await Self.act(req, ok: "claim_payment_recorded") {
                guard let amount = form.amount.flatMap(Rupiah.init(parsing:)) else { throw ClaimService.amountInvalid }
                let year = form.schoolYear?.nilIfBlank.flatMap { $0.count <= 4 ? Int($0) : nil }
                let input = ClaimExtraPaymentInput(kind: form.kind ?? "", paidOn: form.paidOn ?? "", amount: amount.amount,
                                                   heirID: form.heirID.flatMap(UUID.init(uuidString:)), schoolYear: year, payee: form.payee)
                _ = try await Self.service(req).recordPayment(try Self.caseID(req), input, actor: try req.requireActor(), by: req.auditActor)
            }
        }
        web.get(one + ["dokumen", ":documentId"]) { req async throws -> Response in
            let claim = try await Self.service(req).readable(try Self.caseID(req), actor: try req.requireActor())
            let docID = try req.uuidParameter("documentId", thing: "Dokumen")
            guard let doc = try await ClaimDocumentModel.find(docID, on: req.db), doc.caseID == claim.id else { throw AppError.notFound("Dokumen") }
            try await req.audit.record(AuditEntry(action: "claim.document_view", entity: "claim", entityID: claim.id!.uuidString,
                                                  regionCode: claim.villageCode, note: doc.kind), by: req.auditActor)
            let response = Response(status: .ok, body: .init(data: doc.data))
            let parts = doc.contentType.split(separator: "/").map(String.init)
            response.headers.contentType = parts.count == 2 ? HTTPMediaType(type: parts[0], subType: parts[1]) : .binary
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
            // Saved, never rendered in Payung's origin, whatever the bytes after the first ones.
            let safeName = String(doc.name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }.prefix(80))
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(safeName.isEmpty ? "dokumen" : safeName)\"")
            return response
        }
    }

    /// Runs a form's change; on success back to the case with a notice, on a
    /// user's mistake the case again with the message (never a 500).
    static func act(_ req: Request, ok: String, _ body: () async throws -> Void) async throws -> Response {
        let id = try caseID(req)
        do {
            try await body()
            return req.redirect(to: WebPath.claim(id).path + "?ok=\(ok)")
        } catch {
            let presented = PresentedError(error)
            guard presented.status.code < 500, presented.status != .notFound else { throw error }
            return try await casePage(req, problem: presented.message, status: presented.status)
        }
    }

    static func listPage(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let readScopes = AccessPolicy.scopes(of: actor, for: .readRecord)
        let today = req.application.clock.today
        let queries = ClaimQueries(db: req.db, today: today)
        var filter = try ClaimQueries.filter(req)
        let stuck = req.query[String.self, at: "tertahan"] == "1"
        if stuck, filter.stuckDays == nil { filter.stuckDays = ClaimQueue.defaultStuckDays }
        var rows: [ListView.Row] = []
        var pager: PagerContext?
        if !readScopes.isEmpty {
            let page = try await queries.list(scopes: readScopes, filter, page: try PageRequest(req, defaultSize: PageRequest.webSize))
            rows = page.items.map { c in
                ListView.Row(href: WebPath.claim(c.id).path, number: c.number, name: c.name, village: c.villageName, kind: c.kindName,
                             status: c.statusName, eventDate: CalendarDate(iso: c.eventDate)?.indonesian ?? c.eventDate,
                             days: "\(c.daysAtStep) hari", stuck: c.stuck, covered: c.covered, uncovered: c.uncoveredReasonName,
                             waiting: c.waitingFor, deadline: c.suspectedWorkAccident ? c.decisionDeadline.flatMap(CalendarDate.init(iso:))?.indonesian : nil,
                             deadlineNear: c.decisionDeadlineNear, amount: c.paidAmount.map { Rupiah($0).formatted })
            }
            pager = PagerContext(page, path: WebPath.claims.path,
                                 query: ["status": filter.status?.rawValue ?? "", "kind": filter.kind?.rawValue ?? "", "tertahan": stuck ? "1" : ""])
        }
        let totals = try await totals(req)
        func number(_ n: Int?) -> String { n.map { Count.id($0) } ?? "disembunyikan" }
        func money(_ n: Int64?) -> String { n.map { Rupiah($0).formatted } ?? "disembunyikan" }
        func total(_ rows: [ClaimQueries.Totals.Row]) -> [ListView.Total] { rows.map { .init(name: $0.name, cases: number($0.cases), paid: money($0.paid)) } }
        let view = ListView(
            page: PageContext(title: "Klaim", request: req), rows: rows, pager: pager, showList: !readScopes.isEmpty,
            canReport: AccessPolicy.mayAnywhere(actor, .reportClaim),
            statuses: [Option(value: "", label: "Semua status")] + ClaimStatus.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            kinds: [Option(value: "", label: "Semua jenis")] + ClaimKind.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            status: filter.status?.rawValue ?? "", kind: filter.kind?.rawValue ?? "", stuck: stuck, stuckDays: ClaimQueue.defaultStuckDays,
            totalCases: number(totals.cases), totalPaid: money(totals.paid), byKind: total(totals.byKind), byStatus: total(totals.byStatus),
            byDistrict: total(totals.byDistrict), suppressed: totals.suppressedBelow != nil)
        return try await req.view.render("claims/index", view).encodeResponse(for: req)
    }

    static func reportPage(_ req: Request, query: String, candidates: [Participant], form: [String: String], problem: String?,
                           previous: UUID?, status: HTTPStatus) async throws -> Response {
        let view = ReportView(
            page: PageContext(title: "Laporkan kejadian", request: req), query: query.allSatisfy(\.isNumber) && query.count == 16 ? "" : query,
            searched: !query.isEmpty,
            candidates: candidates.map { c in
                .init(id: c.proposalID.uuidString,
                      label: "\(c.name) · NIK \(c.nikMasked) · \(c.villageName) · \(c.program) · \(c.statusName)",
                      checked: candidates.count == 1 || form["proposalID"] == c.proposalID.uuidString)
            },
            kinds: ClaimKind.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) }, form: form, problem: problem,
            previousCaseID: previous?.uuidString, today: req.application.clock.today.iso)
        let response = try await req.view.render("claims/report", view).encodeResponse(for: req)
        response.status = status
        return response
    }
}
