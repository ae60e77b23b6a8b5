import Fluent
import Foundation
import PayungCore
import Vapor

/// One proposal: what verifiers read before they act, its documents and history.
extension ProposalWebController {
    struct DetailContext: Encodable {
        struct Event: Encodable { let at: String; let actor: String; let action: String; let to: String; let note: String }
        let page: PageContext
        let proposal: ProposalDTO
        let programName: String
        let villageName: String
        let birthDate: String
        let occupationName: String
        let bpjsStart: String
        let events: [Event]
        let actions: [String]
        let rejectionReasons: [Option]
        let endReasons: [Option]
        let canEdit: Bool
        let documents: [Document]
        let canUpload: Bool
        var error: String? = nil

        struct Document: Encodable { let kind: String; let label: String; let present: Bool; let canView: Bool }
    }

    func show(_ req: Request) async throws -> Response {
        try await renderDetail(req, error: nil, status: .ok)
    }

    private func renderDetail(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Usulan") }
        let proposal = try await req.proposals.readable(id, actor: actor)
        let worker = try await WorkerModel.find(proposal.workerID, on: req.db)!
        let full = AccessPolicy.may(actor, .readFullNIK, at: proposal.location!)
        if full || AccessPolicy.mayAnywhere(actor, .readAudit) {
            try await req.audit.record(AuditEntry(action: full ? "proposal.view_full_nik" : "proposal.view", entity: "proposal",
                                                  entityID: id.uuidString, regionCode: proposal.villageCode), by: req.auditActor)
        }
        let actions = ProposalWorkflow.available(from: proposal.statusValue, actor: actor, at: proposal.location!)
        let present = Set(try await WorkerDocumentModel.query(on: req.db).filter(\.$workerID == worker.id!).field(\.$id).field(\.$kind).all().map(\.kind))
        var events = try await ProposalEventModel.query(on: req.db).filter(\.$proposalID == id).sort(\.$at).all().map { e in
            DetailContext.Event(at: CalendarDate(e.at).indonesian, actor: e.actorUsername,
                                action: ProposalAction(rawValue: e.action)?.indonesianName ?? e.action,
                                to: ProposalStatus(rawValue: e.toStatus)?.indonesianName ?? e.toStatus,
                                note: [e.reason, e.note].compactMap { $0 }.joined(separator: ": "))
        }
        if let runID = proposal.importRunID, let run = try await ImportRunModel.find(runID, on: req.db) {
            let source = [run.fileName.isEmpty ? nil : "berkas \(run.fileName)", proposal.importLine.map { "baris \($0)" }]
            events.insert(DetailContext.Event(at: CalendarDate(run.at).indonesian, actor: run.actorUsername, action: "Impor",
                                              to: ProposalStatus.submitted.indonesianName,
                                              note: source.compactMap { $0 }.joined(separator: ", ")), at: 0)
        }
        let context = DetailContext(
            page: PageContext(title: worker.name, request: req),
            proposal: ProposalDTO(proposal, worker: worker, fullNIK: full, actions: actions),
            programName: try await ProgramModel.find(proposal.programID, on: req.db)?.name ?? "",
            villageName: try await RegionQueries(db: req.db).find(RegionCode(proposal.villageCode)!)?.name ?? proposal.villageCode,
            birthDate: CalendarDate(iso: worker.birthDate)?.indonesian ?? worker.birthDate,
            occupationName: try await worker.occupationCode.asyncMap { try await OccupationModel.find($0, on: req.db)?.name ?? $0 } ?? "",
            bpjsStart: proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:))?.indonesian ?? "",
            events: events, actions: actions.map(\.rawValue),
            rejectionReasons: RejectionReason.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            endReasons: EndReason.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            canEdit: [.draft, .returned].contains(proposal.statusValue) && AccessPolicy.may(actor, .propose, at: proposal.location!),
            documents: WorkerDocument.kinds.sorted { $0.key > $1.key }.map { kind, label in
                DetailContext.Document(kind: kind, label: label, present: present.contains(kind), canView: full && present.contains(kind))
            },
            canUpload: AccessPolicy.may(actor, .propose, at: proposal.location!) || AccessPolicy.may(actor, .importExport, at: proposal.location!),
            error: error)
        let response = try await req.view.render("proposals/show", context).encodeResponse(for: req)
        response.status = status
        return response
    }

    func act(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Usulan") }
        let input = try req.content.decodeBounded(TransitionInput.self)
        do {
            _ = try await req.proposals.transition(id, input, actor: actor, by: req.auditActor)
            return req.redirect(to: WebPath.proposal(id).path + "?ok=action_done")
        } catch let error as any DomainError where error.kind != .notFound {
            return try await renderDetail(req, error: error.message, status: error.kind.status)
        }
    }
}
