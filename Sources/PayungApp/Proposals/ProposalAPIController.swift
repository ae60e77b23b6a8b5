import Fluent
import Foundation
import PayungCore
import Vapor

/// The proposal workflow over the API.
struct ProposalAPIController {
    static let check = APIOperation(method: .POST, path: "/api/v1/proposals/check", operationID: "checkProposal",
                                    summary: "Run the entry checks without saving", tag: "Usulan",
                                    requestBody: "ProposalInput", response: "CheckResult", errors: [403, 404, 429])
    static let create = APIOperation(method: .POST, path: "/api/v1/proposals", operationID: "createProposal",
                                     summary: "Propose a worker (draft, or submitted with submit=true)", tag: "Usulan",
                                     requestBody: "ProposalInput", response: "Proposal", successStatus: 201, errors: [403, 404])
    static let list = APIOperation(method: .GET, path: "/api/v1/proposals", operationID: "listProposals",
                                   summary: "Proposals within the caller's scope", tag: "Usulan",
                                   query: [.init(name: "program", description: "Program id", schema: Schema.string(format: "uuid")),
                                           .init(name: "status", description: "Comma-separated statuses", schema: Schema.string()),
                                           .init(name: "q", description: "Name contains (2 to 100 characters), or the last 1 to 4 digits of the NIK; a full NIK is refused here (400 nik_in_url): use POST /api/v1/proposals/search", schema: Schema.string())]
                                       + PageRequest.queryParameters,
                                   response: "ProposalPage")
    static let search = APIOperation(method: .POST, path: "/api/v1/proposals/search", operationID: "searchProposals",
                                     summary: "Proposals within the caller's scope whose NIK is exactly the one sent (a NIK never travels in a URL)",
                                     tag: "Usulan", requestBody: "ProposalSearchInput", response: "ProposalPage")
    static let show = APIOperation(method: .GET, path: "/api/v1/proposals/{id}", operationID: "getProposal",
                                   summary: "One proposal (404 outside the caller's scope)", tag: "Usulan",
                                   response: "Proposal", errors: [404])
    static let update = APIOperation(method: .PUT, path: "/api/v1/proposals/{id}", operationID: "updateProposal",
                                     summary: "Correct a draft or returned proposal (and submit it again with submit=true)", tag: "Usulan",
                                     requestBody: "ProposalInput", response: "Proposal", errors: [403, 404, 409])
    static let transition = APIOperation(method: .POST, path: "/api/v1/proposals/{id}/transitions", operationID: "transitionProposal",
                                         summary: "Verify, return, reject, approve, register, activate or end", tag: "Usulan",
                                         requestBody: "TransitionInput", response: "Proposal", errors: [403, 404, 409])
    static let bulk = APIOperation(method: .POST, path: "/api/v1/proposals/bulk", operationID: "bulkTransition",
                                   summary: "The same action on many proposals, each judged on its own", tag: "Usulan",
                                   requestBody: "BulkTransitionInput", response: "BulkResult")
    static let inbox = APIOperation(method: .GET, path: "/api/v1/inbox", operationID: "getInbox",
                                    summary: "What waits for the caller", tag: "Usulan", response: "Inbox")

    func register(api: APIRouter) {
        api.app.addAPISchemas(ProposalSchemas.all)
        api.on(Self.check) { req in
            let actor = try req.requireActor(allowedTo: .propose)
            let input = try req.content.decodeBounded(ProposalInput.self)
            let issues = try await req.proposals.checkForProposer(input, actor: actor, limiter: req.application.rateLimiters.proposalChecks,
                                                                  by: req.auditActor)
            return CheckResultDTO(ok: !issues.contains { $0.severity == .error }, issues: issues)
        }
        api.on(Self.create) { req in
            let actor = try req.requireActor()
            let (proposal, warnings) = try await req.proposals.propose(try req.content.decodeBounded(ProposalInput.self), actor: actor, by: req.auditActor)
            return CreatedResponse(try await dto(proposal, req, warnings: warnings))
        }
        api.on(Self.list) { req in
            let actor = try req.requireActor()
            let statuses = ((try? req.query.get(String.self, at: "status")) ?? "").split(separator: ",")
                .compactMap { ProposalStatus(rawValue: String($0)) }
            let search = try ProposalSearch.parse(req.query[String.self, at: "q"] ?? "")
            if case .fullNIK = search { throw ProposalSearchError.nikInURL }
            let page = try await ProposalQueries(db: req.db).list(
                scopes: Self.readScopes(actor), programID: try req.uuidQuery("program"),
                statuses: statuses, search: search, page: try PageRequest(req))
            let items = try await dtos(page.items, req, fullNIK: false)
            return PageDTO(items.paged(like: page))
        }
        api.on(Self.search) { req in
            let actor = try req.requireActor()
            let body = try req.content.decodeBounded(ProposalSearchInput.self)
            let nik = try NIK(parsing: body.nik, today: req.today)
            let page = try await ProposalQueries(db: req.db).list(
                scopes: Self.readScopes(actor), programID: body.program, statuses: [], search: .fullNIK(nik.digits),
                page: try PageRequest(validating: body.page, size: body.size))
            try await req.audit.record(AuditEntry(action: "proposal.search_nik", entity: "proposal",
                                                  note: "NIK \(nik.masked): \(page.total) found"), by: req.auditActor)
            let items = try await dtos(page.items, req, fullNIK: false)
            return PageDTO(items.paged(like: page))
        }
        api.on(Self.show) { req in
            let actor = try req.requireActor()
            let proposal = try await req.proposals.readable(try id(req), actor: actor)
            // A full-NIK view is audited by `dto`; an auditor's masked view here.
            if !AccessPolicy.may(actor, .readFullNIK, at: proposal.location!), AccessPolicy.mayAnywhere(actor, .readAudit) {
                try await req.audit.record(AuditEntry(action: "proposal.view", entity: "proposal",
                                                      entityID: proposal.id!.uuidString, regionCode: proposal.villageCode), by: req.auditActor)
            }
            return try await dto(proposal, req)
        }
        api.on(Self.update) { req in
            let actor = try req.requireActor()
            let (proposal, warnings) = try await req.proposals.update(try id(req), try req.content.decodeBounded(ProposalInput.self),
                                                                      actor: actor, by: req.auditActor)
            return try await dto(proposal, req, warnings: warnings)
        }
        api.on(Self.transition) { req in
            let actor = try req.requireActor()
            let proposal = try await req.proposals.transition(try id(req), try req.content.decodeBounded(TransitionInput.self),
                                                              actor: actor, by: req.auditActor)
            return try await dto(proposal, req)
        }
        api.on(Self.bulk) { req in
            let actor = try req.requireActor()
            return try await req.proposals.bulk(try req.content.decodeBounded(BulkTransitionInput.self), actor: actor, by: req.auditActor)
        }
        api.on(Self.inbox) { req in
            InboxDTO(items: try await Self.inbox(for: try req.requireActor(), db: req.db))
        }
    }

    /// Where an actor may read proposals: their record scopes plus, for RT
    /// heads, their own RT.
    static func readScopes(_ actor: Actor) -> [AccessScope] {
        Array(Set(AccessPolicy.scopes(of: actor, for: .readRecord) + AccessPolicy.scopes(of: actor, for: .propose)))
    }

    /// Per role, the proposals waiting for it: "12 usulan menunggu verifikasi".
    static func inbox(for actor: Actor, db: any Database) async throws -> [InboxDTO.Item] {
        var items: [InboxDTO.Item] = []
        let queues: [(Role, ProposalStatus, ProposalAction, Action)] = [
            (.rt, .returned, .submit, .propose), (.kelurahan, .submitted, .verify, .verifyKelurahan),
            (.kecamatan, .verifiedKelurahan, .verify, .verifyKecamatan), (.operator, .verifiedKecamatan, .approve, .approve),
            (.kepalaDinas, .verifiedKecamatan, .approve, .approve), (.operator, .approved, .register, .register),
            (.bpjs, .approved, .register, .register),
        ]
        var seen = Set<String>()
        for (role, status, action, policyAction) in queues where actor.roles.contains(role) {
            guard seen.insert("\(status.rawValue)/\(action.rawValue)").inserted else { continue }
            let scopes = AccessPolicy.scopes(of: actor, for: policyAction)
            let count = try await ProposalQueries(db: db).counts(scopes: scopes)[status] ?? 0
            let verb: String = switch action {
            case .submit: "menunggu perbaikan Anda"
            case .verify: "menunggu verifikasi"
            case .approve: "menunggu persetujuan"
            case .register: "menunggu pendaftaran BPJS"
            default: "menunggu"
            }
            items.append(.init(status: status.rawValue, action: action.rawValue, count: count, message: "\(count) usulan \(verb)"))
        }
        return items
    }

    private func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Usulan") }
        return id
    }

    /// One record: the full NIK for those who need it (the read is audited by the caller).
    private func dto(_ proposal: ProposalModel, _ req: Request, warnings: [EntryIssue]? = nil) async throws -> ProposalDTO {
        let full = AccessPolicy.may(try req.requireActor(), .readFullNIK, at: proposal.location!)
        if full {
            // Every answer that shows a full NIK leaves its audit row.
            try await req.audit.record(AuditEntry(action: "proposal.view_full_nik", entity: "proposal",
                                                  entityID: proposal.id!.uuidString, regionCode: proposal.villageCode), by: req.auditActor)
        }
        return try await dtos([proposal], req, fullNIK: full, warnings: warnings)[0]
    }

    /// Lists never show full NIKs.
    private func dtos(_ proposals: [ProposalModel], _ req: Request, fullNIK: Bool, warnings: [EntryIssue]? = nil) async throws -> [ProposalDTO] {
        let actor = try req.requireActor()
        let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ proposals.map(\.workerID)).all()
        let byID = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0) })
        return proposals.map { p in
            let location = p.location!
            return ProposalDTO(p, worker: byID[p.workerID]!, fullNIK: fullNIK,
                               actions: ProposalWorkflow.available(from: p.statusValue, actor: actor, at: location), warnings: warnings)
        }
    }
}

extension Request {
    var proposals: ProposalService {
        ProposalService(db: db, now: application.clock.now(), today: today)
    }
}
