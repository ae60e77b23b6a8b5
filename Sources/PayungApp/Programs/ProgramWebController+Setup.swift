import Fluent
import Foundation
import PayungCore
import Vapor

/// Setting up a program period on the web, and continuing one into the next.
extension ProgramWebController {
    struct SetupForm: Content {
        var code: String
        var name: String
        var regency: String?
        var startMonth: String
        var endMonth: String
        var legalBasis: String?
        var quota: Int?
        var ageMin: Int?
        var ageMax: Int?
        var occupations: [String]?
    }

    struct SetupContext: Encodable {
        let page: PageContext
        let regencies: [ProposalWebController.Option]
        var occupations: [Choice]
        var form: [String: String] = [:]
        var error: String? = nil
    }

    struct Choice: Encodable {
        let value: String
        let label: String
        var checked: Bool
    }

    func setupContext(_ req: Request, actor: Actor) async throws -> SetupContext {
        let regencies = actor.grants.filter { AccessPolicy.actions[$0.role, default: []].contains(.manageSettings) && $0.region.level == .regency }
            .map(\.region)
        var options: [ProposalWebController.Option] = []
        for code in regencies { options.append(.init(value: code.dotted, label: try await RegionQueries(db: req.db).find(code)?.name ?? code.dotted)) }
        let occupations = try await OccupationModel.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
        return SetupContext(page: PageContext(title: "Program baru", request: req), regencies: options,
                            occupations: occupations.map { Choice(value: $0.id!, label: $0.name, checked: false) })
    }

    func newProgramForm(_ req: Request) async throws -> View {
        let actor = try req.requireActor(allowedTo: .manageSettings)
        return try await req.view.render("programs/new", try await setupContext(req, actor: actor))
    }

    func createProgram(_ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .manageSettings)
        let form = try req.content.decodeBounded(SetupForm.self)
        let input = ProgramInput(code: form.code.trimmingCharacters(in: .whitespaces), regency: form.regency ?? "", name: form.name,
                                 startMonth: form.startMonth, endMonth: form.endMonth, legalBasis: form.legalBasis,
                                 quota: form.quota ?? 0, ageMin: form.ageMin, ageMax: form.ageMax, occupations: form.occupations ?? [])
        do {
            let program = try await ProgramService(db: req.db, now: req.application.clock.now()).create(input, actor: actor, by: req.auditActor)
            return req.redirect(to: WebPath.program(program.id!).path + "?ok=action_done")
        } catch let error as any DomainError {
            var context = try await setupContext(req, actor: actor)
            context.form = ["code": form.code, "name": form.name, "regency": form.regency ?? "", "startMonth": form.startMonth,
                            "endMonth": form.endMonth, "legalBasis": form.legalBasis ?? "", "quota": form.quota.map(String.init) ?? "",
                            "ageMin": form.ageMin.map(String.init) ?? "15", "ageMax": form.ageMax.map(String.init) ?? "65"]
            let chosen = Set(form.occupations ?? [])
            for i in context.occupations.indices { context.occupations[i].checked = chosen.contains(context.occupations[i].value) }
            context.error = error.message
            let response = try await req.view.render("programs/new", context).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }

    func continueProgram(_ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .manageSettings)
        let id = try req.uuidParameter("id", thing: "Program")
        guard let previous = try await ProgramModel.find(id, on: req.db), ProgramAPIController.visible(previous, to: actor) else {
            throw AppError.notFound("Program")
        }
        let form = try req.content.decodeBounded(SetupForm.self)
        let occupations = try await ProgramOccupationModel.query(on: req.db).filter(\.$programID == id).all().map(\.occupationCode)
        let input = ProgramInput(code: form.code, regency: previous.regencyCode, name: form.name, startMonth: form.startMonth,
                                 endMonth: form.endMonth, legalBasis: previous.legalBasis, benefits: previous.benefitList.map(\.rawValue),
                                 quota: form.quota ?? 0, ageMin: previous.ageMin, ageMax: previous.ageMax,
                                 occupations: form.occupations ?? occupations, waitlistOrder: previous.waitlistCriteria.map(\.rawValue))
        let (next, _) = try await ProgramService(db: req.db, now: req.application.clock.now())
            .continueProgram(from: id, as: input, actor: actor, by: req.auditActor)
        return req.redirect(to: WebPath.program(next.id!).path + "?ok=action_done")
    }
}
