import Fluent
import Foundation
import PayungCore
import Vapor

/// `/program/{id}/rekonsiliasi`: the upload form and past reconciliations;
/// `/program/{id}/rekonsiliasi/{rid}`: one reconciliation's differences.
extension ReconciliationController {
    struct ListView: Encodable {
        struct Item: Encodable { let id: String; let fileName: String; let months: String; let when: String; let by: String; let differences: String; let clean: Bool }
        let page: PageContext
        let programID: String
        let programName: String
        let items: [Item]
        let pager: PagerContext
        var error: String? = nil
    }

    struct ShowView: Encodable {
        struct Filter: Encodable { let label: String; let href: String; let current: Bool }
        struct Line: Encodable {
            let name: String; let nik: String; let month: String; let kind: String; let expected: String; let billed: String; let paid: String
            let afterEnd: Bool; let inProgram: Bool
        }
        let page: PageContext
        let programID: String
        let programName: String
        let fileName: String
        let months: String
        let when: String
        let by: String
        let rows: String
        let missing: String
        let extra: String
        let amount: String
        let afterEnd: String
        let rejected: String
        let expectedTotal: String
        let billedTotal: String
        let paidTotal: String?
        let filters: [Filter]
        let lines: [Line]
        let pager: PagerContext
        let rejections: [ImportRejection]
        let clean: Bool
    }

    func registerPages(web: any RoutesBuilder) {
        let base = WebPath.programs.components + [":id", "rekonsiliasi"]
        web.get(base) { req async throws -> Response in try await Self.listPage(req, error: nil, status: .ok) }
        web.on(.POST, base, body: .collect(maxSize: APIOperation.spreadsheetMaxSize)) { req async throws -> Response in
            struct Form: Content { var file: File? }
            let program = try await BillingController.program(req, for: .reconcile)
            let form = try req.content.decodeBounded(Form.self)
            do {
                let run = try await Self.importFile(req, program, data: form.file.map { Data(buffer: $0.data) } ?? Data(),
                                                    fileName: String((form.file?.filename ?? "").prefix(200)), sheet: nil)
                return req.redirect(to: "/program/\(program.id!.uuidString)/rekonsiliasi/\(run.id!.uuidString)")
            } catch let error as any DomainError where error.kind == .invalidInput {
                return try await Self.listPage(req, error: error.message, status: .unprocessableEntity)
            }
        }
        web.get(base + [":reconciliationId"], use: Self.showPage)
    }

    static func listPage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let program = try await BillingController.program(req, for: .reconcile)
        let page = try await Self.page(of: program, page: try PageRequest(req, defaultSize: PageRequest.webSize), on: req.db)
        let path = "/program/\(program.id!.uuidString)/rekonsiliasi"
        var view = ListView(
            page: PageContext(title: "Rekonsiliasi BPJS · \(program.name)", request: req), programID: program.id!.uuidString,
            programName: program.name,
            items: page.items.map { r in
                .init(id: r.id!.uuidString, fileName: r.fileName.isEmpty ? "(tanpa nama)" : r.fileName, months: Self.monthNames(r.months),
                      when: IndonesianTimestamp.format(r.createdAt), by: r.createdBy,
                      differences: r.differences == 0 ? "Cocok" : "\(Count.id(r.differences)) selisih", clean: r.differences == 0)
            },
            pager: PagerContext(page, path: path, query: [:]))
        view.error = error
        let response = try await req.view.render("billing/reconciliations", view).encodeResponse(for: req)
        response.status = status
        return response
    }

    static func showPage(_ req: Request) async throws -> Response {
        let program = try await BillingController.program(req, for: .reconcile)
        let r = try await Self.reconciliation(req, program)
        let kind = try Self.kind(req)
        let full = AccessPolicy.may(try req.requireActor(), .readFullNIK, in: RegionCode(program.regencyCode)!)
        let page = try await Self.differences(of: r, kind: kind, page: try PageRequest(req, defaultSize: PageRequest.webSize), fullNIK: full,
                                              on: req.db)
        let path = "/program/\(program.id!.uuidString)/rekonsiliasi/\(r.id!.uuidString)"
        func money(_ v: Int64?) -> String { v.map { Rupiah($0).formatted } ?? "–" }
        let filters: [(String, String?, Int)] = [("Semua", nil, r.differences), ("Tidak ditagih BPJS", "missing", r.missing),
                                                 ("Tidak ada di Payung", "extra", r.extra), ("Jumlah berbeda", "amount", r.amountDiffers),
                                                 ("Sesudah berakhir", "after_end", r.afterEnd)]
        let dto = ReconciliationDTO(r, withRejections: true)
        return try await req.view.render("billing/reconciliation", ShowView(
            page: PageContext(title: "Rekonsiliasi BPJS · \(program.name)", request: req), programID: program.id!.uuidString,
            programName: program.name, fileName: r.fileName.isEmpty ? "(tanpa nama)" : r.fileName, months: Self.monthNames(r.months),
            when: IndonesianTimestamp.format(r.createdAt), by: r.createdBy, rows: Count.id(r.rows), missing: Count.id(r.missing),
            extra: Count.id(r.extra), amount: Count.id(r.amountDiffers), afterEnd: Count.id(r.afterEnd), rejected: Count.id(r.rejected),
            expectedTotal: money(r.expectedTotal), billedTotal: money(r.billedTotal), paidTotal: r.paidTotal.map { money($0) },
            filters: filters.map { label, value, n in
                .init(label: "\(label) (\(Count.id(n)))", href: value.map { "\(path)?kind=\($0)" } ?? path, current: value == kind)
            },
            lines: page.items.map { d in
                .init(name: d.name ?? "(nama tidak ada)", nik: d.nik, month: YearMonth(iso: d.month)?.indonesian ?? d.month, kind: d.kindName,
                      expected: money(d.expected), billed: money(d.billed), paid: money(d.paid), afterEnd: d.afterEnd, inProgram: d.inProgram)
            },
            pager: PagerContext(page, path: path, query: ["kind": kind ?? ""]), rejections: dto.rejections, clean: r.differences == 0)
        ).encodeResponse(for: req)
    }

    static func monthNames(_ months: String) -> String {
        let list = months.split(separator: ",").compactMap { YearMonth(iso: String($0)) }
        guard let first = list.first, let last = list.last else { return "–" }
        return list.count == 1 ? first.indonesian : "\(first.indonesian) – \(last.indonesian) (\(list.count) bulan)"
    }
}
