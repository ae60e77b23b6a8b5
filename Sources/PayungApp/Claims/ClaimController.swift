import Fluent
import Foundation
import PayungCore
import Vapor

/// Claims in the API (issue 14): reporting an event, the case's steps,
/// heirs, documents, BPJS's payments, lists and totals. Every route reads
/// and writes only cases whose participant the caller may see; reading a
/// case (its health or death details) and its documents is audited.
struct ClaimController {
    static let tag = "Klaim"
    static let list = APIOperation(
        method: .GET, path: "/api/v1/claims", operationID: "listClaims",
        summary: "Claim cases in the caller's regions, newest first; stuckDays lists those waiting longer at one step, oldest first", tag: tag,
        query: [
            .init(name: "status", description: "Status code", schema: Schema.string(values: ClaimStatus.allCases.map(\.rawValue))),
            .init(name: "kind", description: "Kind code", schema: Schema.string(values: ClaimKind.allCases.map(\.rawValue))),
            .init(name: "district", description: "Kecamatan code, 33.75.01", schema: Schema.string()),
            .init(name: "program", description: "Program id", schema: Schema.string(format: "uuid")),
            .init(name: "stuckDays", description: "Only cases at an open step for more than this many days", schema: Schema.integer()),
            .init(name: "page", description: "Page number, from 1", schema: Schema.integer()),
            .init(name: "size", description: "Rows per page, 1 to 500", schema: Schema.integer()),
        ],
        response: "ClaimPage", errors: [400, 403])
    static let totals = APIOperation(
        method: .GET, path: "/api/v1/claims/totals", operationID: "claimTotals",
        summary: "Cases and amounts paid by kind, status and kecamatan; a sponsor sees them with small counts suppressed", tag: tag,
        response: "ClaimTotals", errors: [403])
    static let search = APIOperation(
        method: .POST, path: "/api/v1/claims/participants", operationID: "findClaimParticipant",
        summary: "Participants the caller may report for, by NIK or name (in the body, never the URL)", tag: tag,
        requestBody: "ClaimParticipantQuery", response: "ClaimParticipantList", errors: [403])
    static let report = APIOperation(
        method: .POST, path: "/api/v1/claims", operationID: "reportClaim",
        summary: "Report a death or an accident; the coverage check is made at once and stored with the case", tag: tag,
        requestBody: "ClaimReportInput", response: "ClaimDetail", successStatus: 201, errors: [403, 404, 409, 422])
    static let show = APIOperation(
        method: .GET, path: "/api/v1/claims/{id}", operationID: "getClaim",
        summary: "One case: coverage check, benefit, documents, heirs, scholarships, history (the read is audited)", tag: tag,
        response: "ClaimDetail", errors: [404])
    static let transition = APIOperation(
        method: .POST, path: "/api/v1/claims/{id}/transitions", operationID: "moveClaim",
        summary: "Move a case one step (documents complete, verify, submit, BPJS approve/reject/pay, close), checked on the server", tag: tag,
        requestBody: "ClaimStepInput", response: "ClaimDetail", errors: [403, 404, 409, 422])
    static let heirs = APIOperation(
        method: .POST, path: "/api/v1/claims/{id}/heirs", operationID: "addClaimHeir",
        summary: "Add an heir: relationship, priority, share, a child's birth date and school level, bank account", tag: tag,
        requestBody: "ClaimHeirInput", response: "ClaimDetail", successStatus: 201, errors: [403, 404, 409, 422])
    static let document = APIOperation(
        method: .PUT, path: "/api/v1/claims/{id}/documents/{kind}", operationID: "attachClaimDocument",
        summary: "Attach a document of the checklist (PDF or image, 5 MB at most); for proof of enrolment name the child and school year", tag: tag,
        query: [.init(name: "heirId", description: "The child (enrolment only)", schema: Schema.string(format: "uuid")),
                .init(name: "schoolYear", description: "The July the school year starts (enrolment only)", schema: Schema.integer())],
        response: "ClaimDetail", successStatus: 201, errors: [403, 404, 409, 422], documentBody: true)
    static let payment = APIOperation(
        method: .POST, path: "/api/v1/claims/{id}/payments", operationID: "recordClaimPayment",
        summary: "BPJS records a scholarship year paid (after proof of enrolment) or a hospital bill for a work accident", tag: tag,
        requestBody: "ClaimPaymentInput", response: "ClaimDetail", successStatus: 201, errors: [403, 404, 409, 422])

    struct ParticipantQuery: Content { let query: String }
    struct Participant: Content {
        let proposalID: UUID
        let name: String
        let nikMasked: String
        let village: String
        let villageName: String
        let program: String
        let status: String
        let statusName: String
    }
    struct ParticipantList: Content { let items: [Participant] }

    static func service(_ req: Request) -> ClaimService {
        ClaimService(db: req.db, now: req.application.clock.now(), today: req.application.clock.today)
    }

    static func caseID(_ req: Request) throws -> UUID { try req.uuidParameter("id", thing: "Kasus klaim") }

    /// The case, whole, for someone who may read it; the read is audited (health and death details, UU 27/2022).
    static func detail(_ req: Request, _ claim: ClaimCaseModel, audit: Bool) async throws -> ClaimDetailDTO {
        let actor = try req.requireActor()
        if audit {
            try await req.audit.record(AuditEntry(action: "claim.read", entity: "claim", entityID: claim.id!.uuidString,
                                                  regionCode: claim.villageCode), by: req.auditActor)
        }
        return try await ClaimDetailDTO.build(claim, actor: actor, on: req.db, today: req.application.clock.today)
    }

    static func participants(_ req: Request, _ text: String) async throws -> [Participant] {
        let actor = try req.requireActor(allowedTo: .reportClaim)
        let found = try await service(req).participants(matching: String(text.prefix(100)), actor: actor)
        guard !found.isEmpty else { return [] }
        let workers = Dictionary(uniqueKeysWithValues: try await WorkerModel.query(on: req.db).filter(\.$id ~~ found.map(\.workerID)).all().map { ($0.id!, $0) })
        let programs = Dictionary(uniqueKeysWithValues: try await ProgramModel.query(on: req.db).filter(\.$id ~~ Array(Set(found.map(\.programID)))).all()
            .map { ($0.id!, $0.name) })
        let names = try await RegionQueries(db: req.db).names(of: Array(Set(found.map(\.villageCode))))
        return found.compactMap { p in
            guard let w = workers[p.workerID] else { return nil }
            return Participant(proposalID: p.id!, name: w.name, nikMasked: NIK.mask(w.nik), village: p.villageCode,
                               villageName: names[p.villageCode] ?? p.villageCode, program: programs[p.programID] ?? "",
                               status: p.status, statusName: p.statusValue.indonesianName)
        }
    }

    /// Totals for staff who read records; for a sponsor (aggregates only) the same with cells under 5 hidden.
    static func totals(_ req: Request) async throws -> ClaimQueries.Totals {
        let actor = try req.requireActor()
        let queries = ClaimQueries(db: req.db, today: req.application.clock.today)
        let scopes = AccessPolicy.scopes(of: actor, for: .readRecord)
        if !scopes.isEmpty { return try await queries.totals(scopes: scopes) }
        let aggregate = AccessPolicy.scopes(of: actor, for: .readAggregates)
        guard !aggregate.isEmpty else { throw AccessError.forbidden }
        return suppressed(try await queries.totals(scopes: aggregate))
    }

    /// Small counts hidden (`SmallCounts`), with the amounts of hidden cells; deaths are sensitive (DOMAIN.md, "Publishing figures").
    static func suppressed(_ t: ClaimQueries.Totals) -> ClaimQueries.Totals {
        func hide(_ rows: [ClaimQueries.Totals.Row]) -> [ClaimQueries.Totals.Row] {
            let hidden = SmallCounts.hidden(rows.map { $0.cases ?? 0 })
            return rows.enumerated().map { i, r in hidden.contains(i) ? .init(key: r.key, name: r.name, cases: nil, paid: nil) : r }
        }
        func small(_ n: Int?) -> Bool { (n ?? 0) > 0 && (n ?? 0) < SmallCounts.threshold }
        let paidHidden = small(t.cases) || small(t.paidCases)
        return .init(cases: small(t.cases) ? nil : t.cases, paidCases: paidHidden ? nil : t.paidCases, paid: paidHidden ? nil : t.paid,
                     suppressedBelow: SmallCounts.threshold, byKind: hide(t.byKind), byStatus: hide(t.byStatus), byDistrict: hide(t.byDistrict))
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        Self.addSchemas(api.app)
        api.on(Self.list) { req -> PageDTO<ClaimSummaryDTO> in
            let actor = try req.requireActor(allowedTo: .readRecord)
            let page = try PageRequest(req)
            let filter = try ClaimQueries.filter(req)
            return PageDTO(try await ClaimQueries(db: req.db, today: req.application.clock.today)
                .list(scopes: AccessPolicy.scopes(of: actor, for: .readRecord), filter, page: page))
        }
        api.on(Self.totals) { req -> ClaimQueries.Totals in try await Self.totals(req) }
        api.on(Self.search) { req -> ParticipantList in
            let input = try req.content.decodeBounded(ParticipantQuery.self)
            return ParticipantList(items: try await Self.participants(req, input.query))
        }
        api.on(Self.report) { req -> Response in
            let actor = try req.requireActor(allowedTo: .reportClaim)
            let input = try req.content.decodeBounded(ClaimReportInput.self)
            let claim = try await Self.service(req).report(input, actor: actor, by: req.auditActor)
            let response = Response(status: .created)
            try response.content.encode(try await Self.detail(req, claim, audit: false))
            return response
        }
        api.on(Self.show) { req -> ClaimDetailDTO in
            let claim = try await Self.service(req).readable(try Self.caseID(req), actor: try req.requireActor())
            return try await Self.detail(req, claim, audit: true)
        }
        api.on(Self.transition) { req -> ClaimDetailDTO in
            let input = try req.content.decodeBounded(ClaimStepInput.self)
            let claim = try await Self.service(req).transition(try Self.caseID(req), input, actor: try req.requireActor(), by: req.auditActor)
            return try await Self.detail(req, claim, audit: false)
        }
        api.on(Self.heirs) { req -> Response in
            let input = try req.content.decodeBounded(ClaimHeirInput.self)
            let id = try Self.caseID(req)
            _ = try await Self.service(req).addHeir(id, input, actor: try req.requireActor(), by: req.auditActor)
            let response = Response(status: .created)
            try response.content.encode(try await Self.detail(req, try await Self.service(req).readable(id, actor: try req.requireActor()), audit: false))
            return response
        }
        api.on(Self.document) { req -> Response in
            let id = try Self.caseID(req)
            let data = req.body.data.map { Data(buffer: $0) } ?? Data()
            let year = try req.query[String.self, at: "schoolYear"]?.nilIfBlank.map { text -> Int in
                guard text.count <= 4, let y = Int(text) else { throw AppError.badRequest("claim_school_year_invalid", "Tahun ajaran: 4 angka, misalnya 2026.") }
                return y
            }
            _ = try await Self.service(req).attach(data, kind: req.parameters.get("kind") ?? "", name: nil, heirID: try req.uuidQuery("heirId"),
                                                   schoolYear: year, to: id, actor: try req.requireActor(), by: req.auditActor)
            let response = Response(status: .created)
            try response.content.encode(try await Self.detail(req, try await Self.service(req).readable(id, actor: try req.requireActor()), audit: false))
            return response
        }
        api.on(Self.payment) { req -> Response in
            let id = try Self.caseID(req)
            let input = try req.content.decodeBounded(ClaimExtraPaymentInput.self)
            _ = try await Self.service(req).recordPayment(id, input, actor: try req.requireActor(), by: req.auditActor)
            let response = Response(status: .created)
            try response.content.encode(try await Self.detail(req, try await Self.service(req).readable(id, actor: try req.requireActor()), audit: false))
            return response
        }
        registerPages(web: web)
    }
}
