import Fluent
import Foundation
import PayungCore
import Vapor

/// Programs, quota use, the waitlist and the occupation catalogue over the API.
struct ProgramAPIController {
    static let list = APIOperation(method: .GET, path: "/api/v1/programs", operationID: "listPrograms",
                                   summary: "Programs of the caller's regions, with quota use", tag: "Program", response: "ProgramList")
    static let create = APIOperation(method: .POST, path: "/api/v1/programs", operationID: "createProgram",
                                     summary: "Set up a program period (operator, admin)", tag: "Program",
                                     requestBody: "ProgramInput", response: "Program", successStatus: 201, errors: [403, 409])
    static let show = APIOperation(method: .GET, path: "/api/v1/programs/{id}", operationID: "getProgram",
                                   summary: "One program with live quota use", tag: "Program", response: "Program", errors: [404])
    static let continueProgram = APIOperation(method: .POST, path: "/api/v1/programs/{id}/continue", operationID: "continueProgram",
                                              summary: "Next period from this one, carrying active participants over", tag: "Program",
                                              requestBody: "ContinueProgramInput", response: "ContinuedProgram", successStatus: 201,
                                              errors: [403, 404, 409])
    static let waitlist = APIOperation(method: .GET, path: "/api/v1/programs/{id}/waitlist", operationID: "getWaitlist",
                                       summary: "Verified proposals waiting for a slot, best first", tag: "Program",
                                       response: "ProposalPage", errors: [403, 404])
    static let approveNext = APIOperation(method: .POST, path: "/api/v1/programs/{id}/approve-next", operationID: "approveNext",
                                          summary: "Approve the next N of the waitlist", tag: "Program",
                                          requestBody: "ApproveNextInput", response: "BulkResult", errors: [403, 404])
    static let occupations = APIOperation(method: .GET, path: "/api/v1/occupations", operationID: "listOccupations",
                                          summary: "The occupation catalogue", tag: "Program", response: "OccupationList")

    func register(api: APIRouter) {
        api.app.addAPISchemas(ProgramSchemas.all)
        api.on(Self.list) { req in
            let actor = try req.requireActor()
            let programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
                .filter { p in Self.visible(p, to: actor) }
            return ListDTO(items: try await programs.asyncMap { try await dto($0, req) })
        }
        api.on(Self.create) { req in
            let actor = try req.requireActor(allowedTo: .manageSettings)
                        let program = try await ProgramService(db: req.db, now: req.application.clock.now())
                .create(try req.content.decodeBounded(ProgramInput.self), actor: actor, by: req.auditActor)
            return CreatedResponse(try await dto(program, req))
        }
        api.on(Self.show) { req in
            try await dto(try await program(req), req)
        }
        api.on(Self.continueProgram) { req in
            let actor = try req.requireActor()
            let previous = try await program(req)
            guard AccessPolicy.may(actor, .manageSettings, in: RegionCode(previous.regencyCode)!) else { throw AccessError.forbidden }
            let body = try req.content.decodeBounded(ContinueProgramInput.self)
            var occupations = body.occupations ?? []
            if body.occupations == nil {
                occupations = try await ProgramOccupationModel.query(on: req.db).filter(\.$programID == previous.id!).all().map(\.occupationCode)
            }
            let input = ProgramInput(code: body.code, regency: previous.regencyCode, name: body.name, startMonth: body.startMonth,
                                     endMonth: body.endMonth, legalBasis: body.legalBasis ?? previous.legalBasis,
                                     benefits: previous.benefitList.map(\.rawValue), quota: body.quota, ageMin: previous.ageMin,
                                     ageMax: previous.ageMax, occupations: occupations,
                                     waitlistOrder: previous.waitlistCriteria.map(\.rawValue))
            let (next, carried) = try await ProgramService(db: req.db, now: req.application.clock.now())
                .continueProgram(from: previous.id!, as: input, actor: actor, by: req.auditActor)
            return CreatedResponse(ContinuedProgramDTO(program: try await dto(next, req), carriedOver: carried))
        }
        api.on(Self.waitlist) { req in
            let actor = try req.requireActor(allowedTo: .approve)
            let program = try await program(req)
                        let ranked = try await req.proposals.waitlist(programID: program.id!, actor: actor)
            let page = try PageRequest(req)
            let slice = Array(ranked.dropFirst(page.offset).prefix(page.size))
            let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ slice.map(\.workerID)).all()
            let byID = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0) })
            let items = slice.map { ProposalDTO($0, worker: byID[$0.workerID]!, fullNIK: false,
                                                actions: ProposalWorkflow.available(from: $0.statusValue, actor: actor, at: $0.location!)) }
            return PageDTO(Page(items: items, page: page, total: ranked.count))
        }
        api.on(Self.approveNext) { req in
            let actor = try req.requireActor(allowedTo: .approve)
            let program = try await program(req)
                        let body = try req.content.decodeBounded(ApproveNextInput.self)
            return try await req.proposals.approveNext(body.count, programID: program.id!, actor: actor, by: req.auditActor)
        }
        api.on(Self.occupations) { req in
            _ = try req.requireActor()
            return ListDTO(items: try await OccupationModel.query(on: req.db).sort(\.$name).all().map(OccupationDTO.init))
        }
    }

    /// A program is visible to anyone holding a grant inside or over its regency.
    static func visible(_ program: ProgramModel, to actor: Actor) -> Bool {
        guard let regency = RegionCode(program.regencyCode) else { return false }
        return actor.grants.contains { $0.region.isWithin(regency) || regency.isWithin($0.region) }
    }

    private func program(_ req: Request) async throws -> ProgramModel {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              Self.visible(program, to: actor) else { throw AppError.notFound("Program") }
        return program
    }

    private func dto(_ program: ProgramModel, _ req: Request) async throws -> ProgramDTO {
        let occupations = try await ProgramOccupationModel.query(on: req.db).filter(\.$programID == program.id!).all()
        var dto = ProgramDTO(program, occupations: occupations.map(\.occupationCode))
        let phase = program.phase(today: req.today)
        dto.phase = phase.rawValue
        dto.phaseName = phase.indonesianName
        dto.realised = try await ProposalQueries(db: req.db).realised(programID: program.id!)
        return dto
    }
}
