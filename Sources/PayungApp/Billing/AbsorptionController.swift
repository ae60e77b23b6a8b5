import Fluent
import Foundation
import PayungCore
import Vapor

/// Budget absorption (*serapan anggaran*) of a program: the API, the page
/// `/program/{id}/serapan` (table and chart) and its XLSX. Read by whoever
/// reads the program's standing (`BillingController.may(_, .read, _)`),
/// with every payer; and by a sponsor's own users (a sponsor-role user
/// linked to a sponsor of the program's Pemda), with that sponsor's rows
/// only. Anyone else of the Pemda: 403; of another Pemda: 404.
struct AbsorptionController {
    static let show = APIOperation(method: .GET, path: "/api/v1/programs/{id}/absorption", operationID: "getBudgetAbsorption",
                                   summary: "Budget absorption per payer and contribution month: pledged, billed (issued bills), paid, outstanding, absorption %",
                                   tag: "Tagihan", response: "BudgetAbsorption", errors: [403, 404])

    /// The program and the payers the caller may see (nil: all of them).
    static func readable(_ req: Request) async throws -> (program: ProgramModel, sponsors: Set<UUID>?) {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              let regency = RegionCode(program.regencyCode) else { throw AppError.notFound("Program") }
        if BillingController.may(actor, .read, in: regency) { return (program, nil) }
        if AccessPolicy.may(actor, .readAggregates, in: regency), let userID = UUID(uuidString: actor.userID) {
            let linked = try await SponsorUserModel.query(on: req.db).filter(\.$userID == userID).all().map(\.sponsorID)
            let own = linked.isEmpty ? [] : try await SponsorModel.query(on: req.db).filter(\.$id ~~ linked)
                .filter(\.$pemdaCode == program.regencyCode).all().compactMap(\.id)
            if !own.isEmpty { return (program, Set(own)) }
        }
        if ProgramAPIController.visible(program, to: actor) { throw AccessError.forbidden }
        throw AppError.notFound("Program")
    }

    static func figures(_ req: Request) async throws -> BudgetAbsorption {
        let (program, sponsors) = try await readable(req)
        return try await BudgetAbsorptionQueries(db: req.db).absorption(program, sponsors: sponsors, today: req.application.clock.today)
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        let month = Schema.object([
            "month": Schema.string("YYYY-MM, or \"total\"", example: "2026-05"), "monthName": Schema.string(), "pledged": money,
            "billed": money, "paid": money,
            "outstanding": Schema.integer("Cumulative billed − cumulative paid at the month's end; absent for a month not begun"),
            "absorption": Schema.integer("billed ÷ pledged, whole percent rounded toward zero; absent when nothing was pledged"),
        ], required: ["month", "monthName", "pledged", "billed", "paid"])
        let account = Schema.object([
            "sponsorID": Schema.string("Absent: months no sponsor funds (APBD)", format: "uuid"), "name": Schema.string(),
            "months": Schema.array(month), "total": month,
        ], required: ["name", "months", "total"])
        api.app.addAPISchemas([
            "BudgetAbsorption": Schema.object([
                "programID": Schema.string(format: "uuid"), "programName": Schema.string(),
                "scope": Schema.string("program: every payer; sponsor: the caller's own sponsor, totals are its share", values: ["program", "sponsor"]),
                "asOf": Schema.string(format: "date"), "accounts": Schema.array(account), "program": account,
            ], required: ["programID", "programName", "scope", "asOf", "accounts", "program"]),
        ])
        api.on(Self.show) { req -> BudgetAbsorption in try await Self.figures(req) }
        web.get(WebPath.programs.components + [":id", "serapan"], use: Self.page)
        web.get(WebPath.programs.components + [":id", "serapan.xlsx"], use: Self.spreadsheet)
    }

    /// The same figures as the page, one row per payer and month, then the
    /// payer's total, then the program's months and total; rupiah and
    /// percent as numbers.
    static func spreadsheet(_ req: Request) async throws -> Response {
        let a = try await figures(req)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-serapan-\(UUID().uuidString).xlsx")
        let writer = try XLSXWriter(url: url, sheetName: "Serapan anggaran", headers: Self.columns)
        for account in a.accounts + [a.program] {
            for m in account.months + [account.total] { try writer.append(Self.cells(account.name, m)) }
        }
        try writer.finish()
        let program = try await ProgramModel.find(a.programID, on: req.db)
        return try await ExportController.download(url, name: "serapan-\(program?.code ?? "program").xlsx", format: .xlsx, req)
    }

    static let columns = ["Penyandang dana", "Bulan iuran", "Komitmen (Rp)", "Ditagih (Rp)", "Dibayar (Rp)", "Sisa tagihan (Rp)", "Serapan (%)"]

    static func cells(_ payer: String, _ m: BudgetAbsorption.Month) -> [ExportCell] {
        [.text(payer), .text(m.month == "total" ? "Jumlah" : m.month), .number(m.pledged), .number(m.billed), .number(m.paid),
         m.outstanding.map { .number($0) } ?? .empty, m.absorption.map { .number(Int64($0)) } ?? .empty]
    }
}
