import Fluent
import Foundation
import PayungCore
import Vapor

/// The settings of a running program that its operator may change: the
/// documents required before approval, the insured income person-months
/// are priced on, JHT, and who pays first. Blank fields keep their value.
struct ProgramSettingsInput: Content, Sendable {
    var requiredDocuments: String?
    /// Whole rupiah.
    var insuredIncome: Int64?
    var includeJHT: Bool?
    var allocationOrder: String?
    /// Claims: arrears paid after an event make it covered (default no).
    var claimsLatePaymentCounts: Bool?
    /// Claims: a death frees the participant's quota slot (default yes).
    var deathFreesQuota: Bool?
}

struct ProgramSettingsDTO: Content {
    let requiredDocuments: String
    let requiredDocumentsName: String
    let insuredIncome: Int64
    let includeJHT: Bool
    let allocationOrder: String
    let allocationOrderName: String
    let claimsLatePaymentCounts: Bool
    let deathFreesQuota: Bool

    init(_ p: ProgramModel) {
        let documents = RequiredDocuments(rawValue: p.requiredDocuments) ?? .none
        let order = AllocationOrder(rawValue: p.allocationOrder) ?? .apbdFirst
        requiredDocuments = documents.rawValue
        requiredDocumentsName = documents.indonesianName
        insuredIncome = p.insuredIncome
        includeJHT = p.includeJHT
        allocationOrder = order.rawValue
        allocationOrderName = order.indonesianName
        claimsLatePaymentCounts = p.claimsLatePaymentCounts
        deathFreesQuota = p.deathFreesQuota
    }

    static let schema: JSON = Schema.object([
        "requiredDocuments": Schema.string(values: RequiredDocuments.allCases.map(\.rawValue)),
        "requiredDocumentsName": Schema.string(), "insuredIncome": Schema.integer("Whole rupiah"), "includeJHT": Schema.boolean,
        "allocationOrder": Schema.string(values: AllocationOrder.allCases.map(\.rawValue)), "allocationOrderName": Schema.string(),
        "claimsLatePaymentCounts": Schema.boolean, "deathFreesQuota": Schema.boolean,
    ], required: ["requiredDocuments", "requiredDocumentsName", "insuredIncome", "includeJHT", "allocationOrder", "allocationOrderName",
                  "claimsLatePaymentCounts", "deathFreesQuota"])

    static let inputSchema: JSON = Schema.object([
        "requiredDocuments": Schema.string(values: RequiredDocuments.allCases.map(\.rawValue)),
        "insuredIncome": Schema.integer("Whole rupiah, inside a known income bracket"), "includeJHT": Schema.boolean,
        "allocationOrder": Schema.string(values: AllocationOrder.allCases.map(\.rawValue)),
        "claimsLatePaymentCounts": Schema.boolean, "deathFreesQuota": Schema.boolean,
    ])
}

extension ProgramService {
    /// Changes a program's settings (who manages its Pemda's settings only),
    /// audited field by field. The insured income must fall in a bracket the
    /// tariff knows; months already priced keep the basis they were priced on.
    func updateSettings(_ programID: UUID, _ input: ProgramSettingsInput, actor: Actor, by auditActor: AuditActor) async throws -> ProgramModel {
        guard let program = try await ProgramModel.find(programID, on: db), let regency = RegionCode(program.regencyCode) else {
            throw AppError.notFound("Program")
        }
        guard AccessPolicy.may(actor, .manageSettings, in: regency) else { throw AccessError.forbidden }
        var changes: [String: FieldChange] = [:]
        if let raw = input.requiredDocuments {
            guard let documents = RequiredDocuments(rawValue: raw) else {
                throw AppError.invalid("required_documents_invalid",
                                       "Dokumen wajib: \(RequiredDocuments.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if documents.rawValue != program.requiredDocuments {
                changes["required_documents"] = .init(old: program.requiredDocuments, new: documents.rawValue)
                program.requiredDocuments = documents.rawValue
            }
        }
        if let income = input.insuredIncome {
            guard (0...1_000_000_000).contains(income) else {
                throw AppError.invalid("insured_income_invalid", "Upah yang didaftarkan harus antara Rp0 dan Rp1.000.000.000.")
            }
            let book = try await TariffQueries(db: db).book()
            guard let month = YearMonth(iso: program.startMonth) else { throw AppError.invalid("program_period_invalid", "Periode program tidak sah.") }
            if let problem = book.problem(pricing: Rupiah(income), in: month) {
                throw AppError.invalid(problem.code, problem.message)
            }
            if income != program.insuredIncome {
                changes["insured_income"] = .init(old: String(program.insuredIncome), new: String(income))
                program.insuredIncome = income
            }
        }
        if let jht = input.includeJHT, jht != program.includeJHT {
            changes["include_jht"] = .init(old: String(program.includeJHT), new: String(jht))
            program.includeJHT = jht
        }
        if let raw = input.allocationOrder {
            guard let order = AllocationOrder(rawValue: raw) else {
                throw AppError.invalid("allocation_order_invalid",
                                       "Urutan penyandang dana: \(AllocationOrder.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if order.rawValue != program.allocationOrder {
                changes["allocation_order"] = .init(old: program.allocationOrder, new: order.rawValue)
                program.allocationOrder = order.rawValue
            }
        }
        if let late = input.claimsLatePaymentCounts, late != program.claimsLatePaymentCounts {
            changes["claims_late_payment_counts"] = .init(old: String(program.claimsLatePaymentCounts), new: String(late))
            program.claimsLatePaymentCountsValue = late
        }
        if let frees = input.deathFreesQuota, frees != program.deathFreesQuota {
            changes["death_frees_quota"] = .init(old: String(program.deathFreesQuota), new: String(frees))
            program.deathFreesQuotaValue = frees
        }
        guard !changes.isEmpty else { return program }
        let recorded = changes
        try await db.transaction { tx in
            try await program.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "program.settings", entity: "program", entityID: programID.uuidString, regionCode: program.regencyCode,
                changes: recorded), by: auditActor)
        }
        return program
    }
}

/// The settings over the API and as a form on the program page.
struct ProgramSettingsController {
    static let update = APIOperation(method: .POST, path: "/api/v1/programs/{id}/settings", operationID: "updateProgramSettings",
                                     summary: "Change a program's settings (documents required, insured income, JHT, allocation order)",
                                     tag: "Program", requestBody: "ProgramSettingsInput", response: "ProgramSettings", errors: [403, 404, 409])

    func register(api: APIRouter, web: any RoutesBuilder) {
        api.app.addAPISchemas(["ProgramSettings": ProgramSettingsDTO.schema, "ProgramSettingsInput": ProgramSettingsDTO.inputSchema])
        api.on(Self.update) { req in
            let actor = try req.requireActor()
            let id = try req.uuidParameter("id", thing: "Program")
            let program = try await ProgramService(db: req.db, now: req.application.clock.now())
                .updateSettings(id, try req.content.decodeBounded(ProgramSettingsInput.self), actor: actor, by: req.auditActor)
            return ProgramSettingsDTO(program)
        }
        web.post(WebPath.programs.components + [":id", "pengaturan"]) { req async throws -> Response in
            let actor = try req.requireActor()
            let id = try req.uuidParameter("id", thing: "Program")
            struct Form: Content {
                var requiredDocuments: String?; var insuredIncome: String?; var includeJHT: String?; var allocationOrder: String?
                var claimsLatePaymentCounts: String?; var deathFreesQuota: String?
            }
            let form = try req.content.decodeBounded(Form.self)
            var income: Int64?
            if let text = form.insuredIncome?.nilIfBlank {
                guard let parsed = Rupiah(parsing: text) else {
                    throw AppError.invalid("insured_income_invalid", "Upah yang didaftarkan ditulis seperti 1000000 atau Rp1.000.000.")
                }
                income = parsed.amount
            }
            _ = try await ProgramService(db: req.db, now: req.application.clock.now()).updateSettings(
                id, ProgramSettingsInput(requiredDocuments: form.requiredDocuments?.nilIfBlank, insuredIncome: income,
                                         includeJHT: form.includeJHT == "1", allocationOrder: form.allocationOrder?.nilIfBlank,
                                         claimsLatePaymentCounts: form.claimsLatePaymentCounts == "1", deathFreesQuota: form.deathFreesQuota == "1"),
                actor: actor, by: req.auditActor)
            return req.redirect(to: WebPath.program(id).path + "?ok=settings_saved")
        }
    }
}
