import Fluent
import Foundation
import PayungCore
import Vapor

/// The proposal pages: the RT head's phone form, the verifiers' queue with
/// one-click and bulk actions, one proposal with its history.
struct ProposalWebController {
    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.proposals.components, use: list)
        web.post(WebPath.proposals.components + ["cari-nik"], use: searchNIK)
        web.get(WebPath.newProposal.components, use: newForm)
        web.post(WebPath.newProposal.components, use: create)
        web.post(WebPath.bulkProposals.components, use: bulk)
        web.get(WebPath.proposals.components + [":id"], use: show)
        web.post(WebPath.proposals.components + [":id", "aksi"], use: act)
        web.get(WebPath.proposals.components + [":id", "ubah"], use: editForm)
        web.post(WebPath.proposals.components + [":id", "ubah"], use: saveEdit)
    }

    // MARK: Queue

    struct Row: Encodable {
        let id: String
        let name: String
        let nik: String
        let village: String
        let status: String
        let statusName: String
        let actions: [String]
        let canVerify: Bool
        let canApprove: Bool
    }

    struct ListContext: Encodable {
        let page: PageContext
        let inbox: [InboxDTO.Item]
        let rows: [Row]
        let statuses: [Option]
        let programs: [Option]
        let filter: [String: String]
        let pager: PagerContext
        let canPropose: Bool
        let bulkActions: [Option]
        /// The masked NIK of a "Cari NIK lengkap" search being shown.
        var nikSearched: String? = nil
    }

    struct Option: Encodable {
        let value: String
        let label: String
    }

    private func list(_ req: Request) async throws -> View {
        let search = (try? req.query.get(String.self, at: "q")) ?? ""
        let parsed = try ProposalSearch.parse(search)
        if case .fullNIK = parsed { throw ProposalSearchError.nikInURL }
        return try await renderList(req, search: parsed, searchText: search, page: try PageRequest(req))
    }

    /// "Cari NIK lengkap": the NIK comes in the form body, never in the URL;
    /// the search is audited.
    private func searchNIK(_ req: Request) async throws -> View {
        struct Form: Content { var nik: String? }
        let raw = try req.content.decodeBounded(Form.self).nik ?? ""
        let nik = try NIK(parsing: String(raw.prefix(40)), today: req.today)
        let view = try await renderList(req, search: .fullNIK(nik.digits), searchText: "", page: PageRequest(), nikSearched: nik.masked)
        try await req.audit.record(AuditEntry(action: "proposal.search_nik", entity: "proposal", note: "NIK \(nik.masked)"),
                                   by: req.auditActor)
        return view
    }

    private func renderList(_ req: Request, search: ProposalSearch?, searchText: String, page pageRequest: PageRequest,
                            nikSearched: String? = nil) async throws -> View {
        let actor = try req.requireActor()
        let status = (try? req.query.get(String.self, at: "status")).flatMap(ProposalStatus.init(rawValue:))
        let programID = try req.uuidQuery("program")
        let page = try await ProposalQueries(db: req.db).list(
            scopes: ProposalAPIController.readScopes(actor), programID: programID, statuses: status.map { [$0] } ?? [],
            search: search, page: pageRequest)
        let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ page.items.map(\.workerID)).all()
        let byID = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0) })
        // Villages by name, as people read them (the code stays in the detail page).
        let villageNames = Dictionary(uniqueKeysWithValues: try await RegionModel.query(on: req.db)
            .filter(\.$id ~~ Array(Set(page.items.map(\.villageCode)))).all().map { ($0.id!, $0.name) })
        let rows = page.items.map { p in
            let actions = ProposalWorkflow.available(from: p.statusValue, actor: actor, at: p.location!)
            return Row(id: p.id!.uuidString, name: byID[p.workerID]?.name ?? "?", nik: NIK.mask(byID[p.workerID]?.nik ?? ""),
                       village: (villageNames[p.villageCode] ?? p.villageCode) + (p.rt.map { ", RT \($0)" } ?? "") + (p.rw.map { "/RW \($0)" } ?? ""),
                       status: p.status, statusName: p.statusValue.indonesianName, actions: actions.map(\.rawValue),
                       canVerify: actions.contains(.verify), canApprove: actions.contains(.approve))
        }
        let programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
            .filter { ProgramAPIController.visible($0, to: actor) }
        let filter = ["status": status?.rawValue ?? "", "program": programID?.uuidString ?? "", "q": searchText]
        var bulkActions: [Option] = []
        if AccessPolicy.mayAnywhere(actor, .verifyKelurahan) || AccessPolicy.mayAnywhere(actor, .verifyKecamatan) {
            bulkActions.append(Option(value: "verify", label: "Verifikasi yang dipilih"))
        }
        if AccessPolicy.mayAnywhere(actor, .approve) { bulkActions.append(Option(value: "approve", label: "Setujui yang dipilih")) }
        return try await req.view.render("proposals/list", ListContext(
            page: PageContext(title: "Usulan", request: req),
            inbox: try await ProposalAPIController.inbox(for: actor, db: req.db),
            rows: rows,
            statuses: ProposalStatus.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            programs: programs.map { Option(value: $0.id!.uuidString, label: $0.labelWithPhase(today: req.today)) },
            filter: filter, pager: PagerContext(page, path: WebPath.proposals.path, query: filter),
            canPropose: AccessPolicy.mayAnywhere(actor, .propose), bulkActions: bulkActions, nikSearched: nikSearched))
    }

    private func bulk(_ req: Request) async throws -> View {
        let actor = try req.requireActor()
        struct Form: Content { let action: String; var ids: [UUID]?; var note: String? }
        let form = try req.content.decodeBounded(Form.self)
        let result = try await req.proposals.bulk(BulkTransitionInput(ids: form.ids ?? [], action: form.action, note: form.note),
                                              actor: actor, by: req.auditActor)
        struct Context: Encodable { let page: PageContext; let result: BulkResultDTO }
        return try await req.view.render("proposals/bulk-result", Context(page: PageContext(title: "Hasil tindakan massal", request: req), result: result))
    }
}
