import Fluent
import Foundation
import PayungCore
import Vapor

/// The agency's program pages: live quota use, the waitlist, "approve next N".
struct ProgramWebController {
    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.programs.components, use: list)
        web.get(WebPath.newProgram.components, use: newProgramForm)
        web.post(WebPath.newProgram.components, use: createProgram)
        web.get(WebPath.programs.components + [":id"], use: show)
        web.post(WebPath.programs.components + [":id", "lanjutkan"], use: continueProgram)
        web.post(WebPath.programs.components + [":id", "setujui-berikutnya"], use: approveNext)
    }

    struct Card: Encodable {
        let id: String
        let name: String
        let period: String
        let quota: Int
        let approved: Int
        let percent: Int
        let waiting: Int
        /// "Berjalan", "Akan berjalan", "Selesai".
        let phase: String
        /// Everyone ever registered in the program (registered, active, or ended after registration).
        let realised: Int
    }

    private func card(_ p: ProgramModel, db: any Database, actor: Actor, today: CalendarDate) async throws -> Card {
        let counts = try await ProposalQueries(db: db).counts(scopes: AccessPolicy.scopes(of: actor, for: .readRecord)
                                                              + AccessPolicy.scopes(of: actor, for: .readAggregates), programID: p.id)
        let period = [YearMonth(iso: p.startMonth), YearMonth(iso: p.endMonth)].compactMap { $0?.indonesian }.joined(separator: " – ")
        let realised = try await ProposalQueries(db: db).realised(programID: p.id!)
        let phase = p.phase(today: today)
        // An ended program shows what it achieved, not the slots its departed participants freed.
        let used = phase == .ended ? max(realised, p.approvedCount) : p.approvedCount
        return Card(id: p.id!.uuidString, name: p.name, period: period, quota: p.quota, approved: used,
                    percent: p.quota > 0 ? min(100, used * 100 / p.quota) : 0,
                    waiting: counts[.verifiedKecamatan] ?? 0, phase: phase.indonesianName, realised: realised)
    }

    private func list(_ req: Request) async throws -> View {
        let actor = try req.requireActor()
        let programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
            .filter { ProgramAPIController.visible($0, to: actor) }
        struct Context: Encodable { let page: PageContext; let cards: [Card]; let canSetUp: Bool }
        return try await req.view.render("programs/list", Context(
            page: PageContext(title: "Program", request: req),
            cards: try await programs.asyncMap { try await card($0, db: req.db, actor: actor, today: req.today) },
            canSetUp: AccessPolicy.mayAnywhere(actor, .manageSettings)))
    }

    struct DetailContext: Encodable {
        struct Waiting: Encodable { let id: String; let name: String; let village: String }
        let page: PageContext
        let card: Card
        let legalBasis: String
        let waitlist: [Waiting]
        let waitingTotal: Int
        let canApprove: Bool
        let canSetUp: Bool
        let canRegister: Bool
        let regionQuotas: [String]
        let settings: ProgramSettingsDTO
        let insuredIncomeText: String
        let documentOptions: [Option]
        let orderOptions: [Option]
        let canReadCoverage: Bool
        var canReadBills = false
        var result: BulkResultDTO? = nil
    }

    struct Option: Encodable { let value: String; let label: String }

    private func detail(_ req: Request, result: BulkResultDTO? = nil) async throws -> DetailContext {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              ProgramAPIController.visible(program, to: actor) else { throw AppError.notFound("Program") }
        let canApprove = AccessPolicy.mayAnywhere(actor, .approve)
        let ranked = canApprove ? try await req.proposals.waitlist(programID: id, actor: actor) : []
        let top = Array(ranked.prefix(50))
        let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ top.map(\.workerID)).all()
        let names = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0.name) })
        let quotaRows = try await ProgramRegionQuotaModel.query(on: req.db).filter(\.$programID == id).sort(\.$regionCode).all()
        let regionNames = try await RegionQueries(db: req.db).names(of: top.map(\.villageCode) + quotaRows.map(\.regionCode))
        func place(_ code: String) -> String {
            guard let name = regionNames[code], let region = RegionCode(code) else { return code }
            return region.placeName(name)
        }
        let regency = RegionCode(program.regencyCode)!
        return DetailContext(page: PageContext(title: program.name, request: req),
                             card: try await card(program, db: req.db, actor: actor, today: req.today), legalBasis: program.legalBasis,
                             waitlist: top.map { .init(id: $0.id!.uuidString, name: names[$0.workerID] ?? "?", village: place($0.villageCode)) },
                             waitingTotal: ranked.count, canApprove: canApprove,
                             canSetUp: AccessPolicy.may(actor, .manageSettings, in: RegionCode(program.regencyCode)!),
                             canRegister: AccessPolicy.may(actor, .register, in: RegionCode(program.regencyCode)!),
                             regionQuotas: quotaRows.map { "\(place($0.regionCode)): \($0.quota) orang" },
                             settings: ProgramSettingsDTO(program), insuredIncomeText: Rupiah(program.insuredIncome).formatted,
                             documentOptions: RequiredDocuments.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
                             orderOptions: AllocationOrder.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
                             canReadCoverage: AccessPolicy.may(actor, .manageSettings, in: regency) || AccessPolicy.may(actor, .approve, in: regency)
                                || AccessPolicy.may(actor, .readAudit, in: regency),
                             canReadBills: BillingController.may(actor, .read, in: regency),
                             result: result)
    }

    private func show(_ req: Request) async throws -> View {
        try await req.view.render("programs/show", try await detail(req))
    }

    private func approveNext(_ req: Request) async throws -> View {
        let actor = try req.requireActor(allowedTo: .approve)
                guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Program") }
        struct Form: Content { let count: Int }
        let form = try req.content.decodeBounded(Form.self)
        _ = try await detail(req)
        let result = try await req.proposals.approveNext(form.count, programID: id, actor: actor, by: req.auditActor)
        return try await req.view.render("programs/show", try await detail(req, result: result))
    }
}
