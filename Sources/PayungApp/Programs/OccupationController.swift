import Fluent
import Foundation
import PayungCore
import Vapor

/// What an admin sends to add or change an occupation of the catalogue.
struct OccupationInput: Content, Sendable {
    let name: String
    var description: String?
    let risk: Int
    var isActive: Bool?
    /// `transport` or `other` (PP 50/2025 discounts); kept when absent.
    var sector: String?
}

/// The occupation catalogue, editable by admins (web and API).
struct OccupationController {
    static let upsert = APIOperation(method: .PUT, path: "/api/v1/occupations/{code}", operationID: "putOccupation",
                                     summary: "Add or change an occupation of the catalogue (admin)", tag: "Program",
                                     requestBody: "OccupationInput", response: "Occupation", errors: [403])

    func register(api: APIRouter, web: any RoutesBuilder) {
        api.app.addAPISchemas(["OccupationInput": Schema.object([
            "name": Schema.string(), "description": Schema.string(), "risk": Schema.integer("1 to 5"), "isActive": Schema.boolean,
            "sector": Schema.string(values: WorkSector.allCases.map(\.rawValue)),
        ], required: ["name", "risk"])])
        api.on(Self.upsert) { req in
            let actor = try req.requireActor()
            return OccupationDTO(try await save(code: req.parameters.get("code") ?? "", try req.content.decodeBounded(OccupationInput.self),
                                                actor: actor, req: req))
        }
        web.get(WebPath.occupations.components, use: page)
        web.post(WebPath.occupations.components, use: submit)
    }

    /// Admins only: the catalogue is shared by every program of the deployment.
    func save(code raw: String, _ input: OccupationInput, actor: Actor, req: Request) async throws -> OccupationModel {
        guard actor.roles.contains(.admin) else { throw AccessError.forbidden }
        let code = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard (2...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw AppError.invalid("occupation_code_invalid", "Kode pekerjaan 2 sampai 40 karakter: huruf kecil, angka, garis bawah.")
        }
        guard let name = input.name.nilIfBlank else { throw AppError.invalid("occupation_name_missing", "Nama pekerjaan wajib diisi.") }
        guard let risk = RiskClass(rawValue: input.risk) else {
            throw AppError.invalid("occupation_risk_invalid", "Tingkat risiko 1 (sangat rendah) sampai 5 (sangat tinggi).")
        }
        // The catalogue is shared by every Pemda of the deployment: an entry a
        // program already uses changes only for someone who manages the
        // settings of every Pemda whose programs use it.
        if try await OccupationModel.find(code, on: req.db) != nil {
            let users = try await ProgramOccupationModel.query(on: req.db).filter(\.$occupationCode == code).all().map(\.programID)
            let regencies = Set(try await ProgramModel.query(on: req.db).filter(\.$id ~~ users).all().compactMap { RegionCode($0.regencyCode) })
            guard regencies.allSatisfy({ AccessPolicy.may(actor, .manageSettings, in: $0) }) else {
                throw AppError(code: "occupation_used_elsewhere",
                               message: "Jenis pekerjaan ini dipakai program Pemda lain; hanya admin yang mengelola semua Pemda tersebut yang dapat mengubahnya. Tambahkan jenis pekerjaan baru bila perlu.",
                               kind: .forbidden)
            }
        }
        return try await req.db.transaction { tx in
            let existing = try await OccupationModel.find(code, on: tx)
            let row = existing ?? OccupationModel()
            let before: [String: String?] = existing.map { ["name": $0.name, "description": $0.description, "risk": String($0.risk), "is_active": String($0.isActive)] } ?? [:]
            row.id = code
            row.name = name
            row.description = input.description?.nilIfBlank ?? ""
            row.risk = risk.rawValue
            row.isActive = input.isActive ?? true
            row.sector = input.sector.flatMap(WorkSector.init(rawValue:))?.rawValue ?? existing?.sector
                ?? (OccupationCatalogue.transportSector.contains(code) ? WorkSector.transport : .other).rawValue
            try await row.save(on: tx)
            let after: [String: String?] = ["name": row.name, "description": row.description, "risk": String(row.risk), "is_active": String(row.isActive)]
            try await AuditTrail(db: tx, now: req.application.clock.now()).record(AuditEntry(
                action: existing == nil ? "occupation.create" : "occupation.update", entity: "occupation", entityID: code,
                changes: AuditTrail.diff(old: before, new: after)), by: req.auditActor)
            return row
        }
    }

    struct Context: Encodable {
        let page: PageContext
        let occupations: [OccupationDTO]
        let risks: [ProposalWebController.Option]
        var error: String? = nil
    }

    private func context(_ req: Request, error: String? = nil) async throws -> Context {
        Context(page: PageContext(title: "Jenis pekerjaan", request: req),
                occupations: try await OccupationModel.query(on: req.db).sort(\.$name).all().map(OccupationDTO.init),
                risks: RiskClass.allCases.map { .init(value: String($0.rawValue), label: $0.indonesianName) }, error: error)
    }

    private func page(_ req: Request) async throws -> View {
        _ = try req.requireActor(allowedTo: .manageSettings)
        return try await req.view.render("programs/occupations", try await context(req))
    }

    private func submit(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        struct Form: Content { let code: String; let name: String; var description: String?; let risk: Int; var isActive: String?; var sector: String? }
        let form = try req.content.decodeBounded(Form.self)
        do {
            _ = try await save(code: form.code, OccupationInput(name: form.name, description: form.description, risk: form.risk,
                                                                isActive: form.isActive == "1", sector: form.sector), actor: actor, req: req)
            return req.redirect(to: WebPath.occupations.path + "?ok=action_done")
        } catch let error as any DomainError {
            let response = try await req.view.render("programs/occupations", try await context(req, error: error.message)).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }
}
