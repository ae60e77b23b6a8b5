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

    /// One proposal as a row on a desk and a card on a phone.
    struct Row: Encodable {
        let id: String
        let name: String
        let nik: String
        let village: String
        let neighbourhood: String
        let status: String
        let statusName: String
        /// A returned or rejected proposal's reason, for the RT head.
        let note: String
        /// The one thing the viewer does next with it.
        let action: RowAction?
        let selectable: Bool
    }

    /// A button (one-click verify or approve, posted from the queue) or a link.
    struct RowAction: Encodable {
        let label: String
        /// Set for a button: the value of `one` ("verify:<id>").
        var post: String? = nil
        var href: String? = nil
    }

    struct ListContext: Encodable {
        let page: PageContext
        let inbox: [InboxDTO.Item]
        let rows: [Row]
        let statuses: [Option]
        let programs: [Option]
        let villages: [OptionGroup]
        let filter: [String: String]
        let pager: PagerContext
        let canPropose: Bool
        let bulkActions: [Option]
        /// The export links carry the list's filters: the sheet is the list.
        let exportQuery: String
        /// The masked NIK of a "Cari NIK lengkap" search being shown.
        var nikSearched: String? = nil
        /// What a one-click or bulk action just did, person by person.
        var outcome: BulkOutcome? = nil
        var error: String? = nil
    }

    struct Option: Encodable {
        let value: String
        let label: String
    }

    struct OptionGroup: Encodable {
        let label: String
        let options: [Option]
    }

    /// The queue's filters, read from the query or from the bulk form's
    /// hidden fields, so an action leaves the verifier where they were.
    struct ListFilter {
        var status: ProposalStatus?
        var programID: UUID?
        var village: RegionCode?
        var search: ProposalSearch?
        var searchText = ""
        var page = PageRequest(size: PageRequest.webSize)

        var query: [String: String] {
            ["status": status?.rawValue ?? "", "program": programID?.uuidString ?? "", "village": village?.dotted ?? "", "q": searchText]
        }

        init() {}

        init(status: String?, program: String?, village: String?, q: String?, page: PageRequest) throws {
            self.status = status.flatMap(ProposalStatus.init(rawValue:))
            if let program, !program.isEmpty {
                guard let id = UUID(uuidString: program) else {
                    throw AppError.invalid("query_invalid", "Parameter \"program\" harus berupa ID (UUID).")
                }
                programID = id
            }
            if let village, !village.isEmpty {
                guard let code = RegionCode(String(village.prefix(20))) else {
                    throw AppError.invalid("village_invalid", "Kelurahan yang dipilih tidak dikenal.")
                }
                self.village = code
            }
            searchText = String((q ?? "").prefix(100))
            search = try ProposalSearch.parse(searchText)
            if case .fullNIK = search { throw ProposalSearchError.nikInURL }
            self.page = page
        }
    }

    private func list(_ req: Request) async throws -> View {
        let filter = try ListFilter(status: try? req.query.get(String.self, at: "status"),
                                    program: try? req.query.get(String.self, at: "program"),
                                    village: try? req.query.get(String.self, at: "village"),
                                    q: try? req.query.get(String.self, at: "q"), page: try PageRequest(req, defaultSize: PageRequest.webSize))
        return try await renderList(req, filter: filter)
    }

    /// "Cari NIK lengkap": the NIK comes in the form body, never in the URL;
    /// the search is audited.
    private func searchNIK(_ req: Request) async throws -> View {
        struct Form: Content { var nik: String? }
        let raw = try req.content.decodeBounded(Form.self).nik ?? ""
        let nik = try NIK(parsing: String(raw.prefix(40)), today: req.today)
        var filter = ListFilter()
        filter.search = .fullNIK(nik.digits)
        let view = try await renderList(req, filter: filter, nikSearched: nik.masked)
        try await req.audit.record(AuditEntry(action: "proposal.search_nik", entity: "proposal", note: "NIK \(nik.masked)"),
                                   by: req.auditActor)
        return view
    }

    func renderList(_ req: Request, filter: ListFilter, nikSearched: String? = nil, outcome: BulkOutcome? = nil,
                    error: String? = nil) async throws -> View {
        let actor = try req.requireActor()
        let scopes = ProposalAPIController.readScopes(actor)
        let page = try await ProposalQueries(db: req.db).list(
            scopes: scopes, programID: filter.programID, statuses: filter.status.map { [$0] } ?? [],
            search: filter.search, region: filter.village, page: filter.page)
        let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ page.items.map(\.workerID)).all()
        let byID = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0) })
        // Villages by name, as people read them (the code stays in the detail page).
        let villageNames = Dictionary(uniqueKeysWithValues: try await RegionModel.query(on: req.db)
            .filter(\.$id ~~ Array(Set(page.items.map(\.villageCode)))).all().map { ($0.id!, $0.name) })
        let rows = page.items.map { p in
            let actions = ProposalWorkflow.available(from: p.statusValue, actor: actor, at: p.location!)
            let id = p.id!.uuidString
            let action: RowAction? =
                if actions.contains(.verify) { RowAction(label: "Verifikasi", post: "verify:\(id)") }
                else if actions.contains(.approve) { RowAction(label: "Setujui", post: "approve:\(id)") }
                else if actions.contains(.register) { RowAction(label: "Catat KPJ", href: WebPath.proposal(p.id!).path) }
                else if p.statusValue == .returned || p.statusValue == .draft, actions.contains(.submit) {
                    RowAction(label: p.statusValue == .draft ? "Lanjutkan" : "Perbaiki", href: WebPath.proposal(p.id!).path + "/ubah")
                } else { nil }
            return Row(id: id, name: byID[p.workerID]?.name ?? "?", nik: NIK.mask(byID[p.workerID]?.nik ?? ""),
                       village: villageNames[p.villageCode] ?? p.villageCode,
                       neighbourhood: [p.rt.map { "RT \($0)" }, p.rw.map { "RW \($0)" }].compactMap { $0 }.joined(separator: "/"),
                       status: p.status, statusName: p.statusValue.indonesianName,
                       note: [.returned, .rejected].contains(p.statusValue) ? (p.lastNote ?? "") : "",
                       action: action, selectable: actions.contains(.verify) || actions.contains(.approve))
        }
        let programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
            .filter { ProgramAPIController.visible($0, to: actor) }
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
            villages: try await villageGroups(scopes, req),
            filter: filter.query, pager: PagerContext(page, path: WebPath.proposals.path, query: filter.query),
            canPropose: AccessPolicy.mayAnywhere(actor, .propose), bulkActions: bulkActions,
            exportQuery: Self.queryString(filter.query),
            nikSearched: nikSearched, outcome: outcome, error: error))
    }

    /// The kelurahan a viewer may filter by, grouped by kecamatan; none for
    /// someone who sees one kelurahan only.
    private func villageGroups(_ scopes: [AccessScope], _ req: Request) async throws -> [OptionGroup] {
        let villages = try await RegionQueries(db: req.db).villages(within: scopes.map(\.region))
        guard villages.count > 1 else { return [] }
        var groups: [OptionGroup] = []
        for (district, members) in Dictionary(grouping: villages, by: \.district).sorted(by: { $0.key < $1.key }) {
            groups.append(OptionGroup(label: district.isEmpty ? "Kelurahan" : "Kecamatan \(district)",
                                      options: members.map { Option(value: $0.village.id!, label: $0.village.name) }))
        }
        return groups
    }

    static func queryString(_ query: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }
}
