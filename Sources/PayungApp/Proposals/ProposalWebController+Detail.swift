import Fluent
import Foundation
import PayungCore
import Vapor

/// One proposal: what verifiers read before they act, its documents and history.
extension ProposalWebController {
    struct DetailContext: Encodable {
        struct Event: Encodable { let at: String; let sentence: String }
        struct Heir: Encodable { let name: String; let relation: String; let phone: String }
        struct Document: Encodable { let kind: String; let label: String; let present: Bool; let canView: Bool; let required: Bool }
        let page: PageContext
        let proposal: ProposalDTO
        let programName: String
        let villageName: String
        let districtName: String
        let villageCode: String
        let street: String
        let phone: String
        let disability: String
        let income: String
        let decile: String
        let heirs: [Heir]
        let issues: [EntryIssue]
        let birthDate: String
        let occupationName: String
        let bpjsStart: String
        let reasonWords: String
        /// "15 Maret 2026": the day participation ended, when it has.
        let endedOn: String
        /// For the end form's date field (never later than today).
        let today: String
        let events: [Event]
        let actions: [String]
        let rejectionReasons: [Option]
        let endReasons: [Option]
        let canEdit: Bool
        let documents: [Document]
        let missingRequired: String
        let canUpload: Bool
        var error: String? = nil
    }

    func show(_ req: Request) async throws -> Response {
        try await renderDetail(req, error: nil, status: .ok)
    }

    func renderDetail(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Usulan") }
        let proposal = try await req.proposals.readable(id, actor: actor)
        let worker = try await WorkerModel.find(proposal.workerID, on: req.db)!
        let location = proposal.location!
        let full = AccessPolicy.may(actor, .readFullNIK, at: location)
        if full || AccessPolicy.mayAnywhere(actor, .readAudit) {
            try await req.audit.record(AuditEntry(action: full ? "proposal.view_full_nik" : "proposal.view", entity: "proposal",
                                                  entityID: id.uuidString, regionCode: proposal.villageCode), by: req.auditActor)
        }
        let actions = ProposalWorkflow.available(from: proposal.statusValue, actor: actor, at: location)
        let present = Set(try await WorkerDocumentModel.query(on: req.db).filter(\.$workerID == worker.id!).field(\.$id).field(\.$kind).all().map(\.kind))
        let program = try await ProgramModel.find(proposal.programID, on: req.db)
        let required = program.flatMap { RequiredDocuments(rawValue: $0.requiredDocuments) } ?? .none
        let heirs = try await HeirModel.query(on: req.db).filter(\.$workerID == worker.id!).all()
        // The entry checks as they stand today: what the verifier should weigh.
        var issues: [EntryIssue] = []
        if let program, proposal.statusValue.isOpen {
            let input = ProposalInput(programID: program.id!, nik: worker.nik, name: worker.name, village: proposal.villageCode,
                                      rt: proposal.rt, rw: proposal.rw, occupation: worker.occupationCode,
                                      heirs: heirs.map { HeirInput(name: $0.name, relation: $0.relation) })
            issues = try await req.proposals.check(input, program: program, excluding: id)
        }
        let events = try await history(of: proposal, req)
        let village = RegionCode(proposal.villageCode)!
        let names = try await RegionQueries(db: req.db).names(of: [village.dotted] + (village.parent.map { [$0.dotted] } ?? []))
        let context = DetailContext(
            page: PageContext(title: worker.name, request: req),
            proposal: ProposalDTO(proposal, worker: worker, fullNIK: full, actions: actions),
            programName: program?.name ?? "",
            villageName: names[village.dotted].map { village.placeName($0) } ?? village.dotted,
            districtName: village.parent.flatMap { d in names[d.dotted].map { d.placeName($0) } } ?? "",
            villageCode: village.dotted,
            street: worker.street ?? "", phone: worker.phone ?? "", disability: worker.disability ?? "",
            income: worker.monthlyIncome.map { Rupiah($0).formatted + " per bulan" } ?? "",
            decile: worker.welfareDecile.map { "Desil \($0)" } ?? "",
            heirs: heirs.map { .init(name: $0.name, relation: HeirRelation.words(for: $0.relation), phone: $0.phone ?? "") },
            issues: issues,
            birthDate: CalendarDate(iso: worker.birthDate)?.indonesian ?? worker.birthDate,
            occupationName: try await worker.occupationCode.asyncMap { try await OccupationModel.find($0, on: req.db)?.name ?? $0 } ?? "",
            bpjsStart: proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:))?.indonesian ?? "",
            reasonWords: ProposalHistory.reasonWords(proposal.rejectionReason ?? proposal.endReason) ?? "",
            endedOn: proposal.endedOn.flatMap(CalendarDate.init(iso:))?.indonesian ?? "",
            today: req.application.clock.today.iso,
            events: events, actions: actions.map(\.rawValue),
            rejectionReasons: RejectionReason.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            endReasons: EndReason.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            canEdit: [.draft, .returned].contains(proposal.statusValue) && AccessPolicy.may(actor, .propose, at: location),
            documents: WorkerDocument.kinds.sorted { $0.key > $1.key }.map { kind, label in
                DetailContext.Document(kind: kind, label: label, present: present.contains(kind), canView: full && present.contains(kind),
                                       required: required.kinds.contains(kind))
            },
            missingRequired: required.missing(present: present).map { WorkerDocument.kinds[$0] ?? $0 }.joined(separator: " dan "),
            canUpload: AccessPolicy.may(actor, .propose, at: location) || AccessPolicy.may(actor, .importExport, at: location),
            error: error)
        let response = try await req.view.render("proposals/show", context).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// The history as sentences: who (their role and region in words), did
    /// what, why. The import that created a proposal comes first.
    private func history(of proposal: ProposalModel, _ req: Request) async throws -> [DetailContext.Event] {
        let rows = try await ProposalEventModel.query(on: req.db).filter(\.$proposalID == proposal.id!).sort(\.$at).all()
        let actorIDs = Array(Set(rows.compactMap(\.actorUserID)))
        let grants = try await RoleGrantModel.query(on: req.db).filter(\.$user.$id ~~ actorIDs).all()
        let regionNames = try await RegionQueries(db: req.db).names(of: Array(Set(grants.map(\.regionCode))))
        var who: [UUID: String] = [:]
        for (user, userGrants) in Dictionary(grouping: grants, by: { $0.$user.id }) {
            // The grant that covers this proposal names the actor best.
            let cores = userGrants.compactMap(\.coreGrant)
            let grant = cores.first { $0.covers(proposal.location!) } ?? cores.first
            if let grant { who[user] = grant.actorName(regionName: regionNames[grant.region.dotted]) }
        }
        var events = rows.map { e in
            DetailContext.Event(at: CalendarDate(e.at).indonesian,
                                sentence: ProposalHistory.sentence(actor: e.actorUserID.flatMap { who[$0] } ?? ProposalHistory.actorWords(e.actorUsername),
                                                                   action: e.action, reason: ProposalHistory.reasonWords(e.reason),
                                                                   note: e.note))
        }
        if let runID = proposal.importRunID, let run = try await ImportRunModel.find(runID, on: req.db) {
            let source = [run.fileName.isEmpty ? nil : "berkas \(run.fileName)", proposal.importLine.map { "baris \($0)" }]
            events.insert(DetailContext.Event(at: CalendarDate(run.at).indonesian,
                                              sentence: ProposalHistory.sentence(actor: run.actorUsername, action: "import", reason: nil,
                                                                                 note: source.compactMap { $0 }.joined(separator: ", "))), at: 0)
        }
        return events
    }

    func act(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Usulan") }
        let input = try req.content.decodeBounded(TransitionInput.self)
        // Rejecting or ending someone is asked twice on the page: the box must be ticked.
        struct Confirmation: Content { var confirm: String? }
        if [ProposalAction.reject.rawValue, ProposalAction.end.rawValue].contains(input.action),
           (try? req.content.decode(Confirmation.self))?.confirm != "1" {
            return try await renderDetail(req, error: "Centang \"Saya yakin\" untuk menolak atau mengakhiri, lalu kirim lagi.",
                                          status: .unprocessableEntity)
        }
        do {
            _ = try await req.proposals.transition(id, input, actor: actor, by: req.auditActor)
            return req.redirect(to: WebPath.proposal(id).path + "?ok=action_done")
        } catch let error as any DomainError where error.kind != .notFound {
            return try await renderDetail(req, error: error.message, status: error.kind.status)
        }
    }
}
