import Fluent
import Foundation
import PayungCore
import Vapor

/// `/program/{id}/dasbor` and `GET /api/v1/programs/{id}/dashboard`: the
/// program's figures for the Kepala Dinas, the agency, BPJS and sponsors
/// (who see no count under 5). Live figures, said so on the page.
struct DashboardController {
    static let show = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/dashboard", operationID: "getProgramDashboard",
        summary: "A program's live figures: quota against participants overall and by kecamatan, who they are, the funnel, end and refusal reasons, benefits paid against premiums paid",
        tag: "Laporan", response: "ProgramDashboard", errors: [403, 404])

    static func dashboard(_ req: Request) async throws -> ProgramDashboard {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              let regency = RegionCode(program.regencyCode) else { throw AppError.notFound("Program") }
        guard AccessPolicy.may(actor, .readAggregates, in: regency) else {
            if ProgramAPIController.visible(program, to: actor) { throw AccessError.forbidden }
            throw AppError.notFound("Program")
        }
        return try await ProgramDashboardQueries(db: req.db).dashboard(program, today: req.application.clock.today,
                                                                        suppress: !AccessPolicy.may(actor, .readRecord, in: regency))
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let row = Schema.object(["key": Schema.string(), "name": Schema.string(), "count": Schema.integer("Left out when suppressed"),
                                 "target": Schema.integer(), "percent": Schema.string()], required: ["key", "name"])
        let rows = Schema.array(row)
        api.app.addAPISchemas(["ProgramDashboard": Schema.object([
            "programID": Schema.string(format: "uuid"), "name": Schema.string(), "live": Schema.boolean, "asOf": Schema.string(format: "date"),
            "quota": Schema.integer(), "participants": Schema.integer(), "realisation": Schema.string(),
            "byDistrict": rows, "byOccupation": rows, "bySex": rows, "byAge": rows, "byDisability": rows, "funnel": rows, "ended": rows,
            "rejected": rows, "premiumsPaid": Schema.integer("Whole rupiah"), "benefitsPaid": Schema.integer("Whole rupiah"),
            "benefitRatio": Schema.string(), "claimsPaid": Schema.integer(), "suppressedBelow": Schema.integer(),
        ], required: ["programID", "name", "live", "asOf", "quota", "participants", "byDistrict", "byOccupation", "bySex", "byAge",
                      "byDisability", "funnel", "ended", "rejected", "premiumsPaid", "benefitsPaid", "claimsPaid"])])
        api.on(Self.show) { req -> ProgramDashboard in try await Self.dashboard(req) }
        web.get(WebPath.programs.components + [":id", "dasbor"]) { req async throws -> View in
            let d = try await Self.dashboard(req)
            struct Table: Encodable {
                struct Line: Encodable { let name: String; let count: String; let share: String }
                let title: String; let chart: String; let lines: [Line]
            }
            struct Page: Encodable {
                let page: PageContext; let programID: String; let name: String; let asOf: String; let quota: String; let participants: String
                let realisation: String; let districtChart: String; let districts: [Table.Line]; let tables: [Table]; let funnel: Table
                let premiums: String; let benefits: String; let ratio: String; let claims: String; let suppressed: Bool
            }
            func figure(_ n: Int?) -> String { n.map { Count.id($0) } ?? "disembunyikan" }
            func table(_ id: String, _ title: String, _ rows: [ProgramDashboard.Row], of whole: Int) -> Table {
                Table(title: title,
                      chart: BarChart(id: id, title: title, bars: rows.compactMap { r in
                          r.count.map { BarChart.Bar(label: r.name, value: $0, figure: "\(Count.id($0)) (\(ProgramFigures.percent($0, of: whole) ?? "–"))") }
                      }).svg,
                      lines: rows.map { .init(name: $0.name, count: figure($0.count), share: $0.count.flatMap { ProgramFigures.percent($0, of: whole) } ?? "–") })
            }
            let districtBars = d.byDistrict.compactMap { r in
                r.count.map { n in BarChart.Bar(label: r.name, value: n, target: r.target,
                                                figure: r.target.map { "\(Count.id(n)) dari \(Count.id($0))" } ?? Count.id(n)) }
            }
            let proposed = d.funnel.first?.count ?? 0
            return try await req.view.render("reports/dashboard", Page(
                page: PageContext(title: "Dasbor · \(d.name)", request: req), programID: d.programID.uuidString, name: d.name,
                asOf: CalendarDate(iso: d.asOf)?.indonesian ?? d.asOf, quota: Count.id(d.quota), participants: Count.id(d.participants),
                realisation: d.realisation ?? "–",
                districtChart: BarChart(id: "kecamatan", title: "Peserta per kecamatan", bars: districtBars).svg,
                districts: d.byDistrict.map { r in .init(name: r.name, count: figure(r.count), share: r.target.map { "\(Count.id($0)) · \(r.percent ?? "–")" } ?? "–") },
                tables: [table("pekerjaan", "Menurut jenis pekerjaan", d.byOccupation, of: d.participants),
                         table("kelamin", "Menurut jenis kelamin", d.bySex, of: d.participants),
                         table("usia", "Menurut kelompok usia", d.byAge, of: d.participants),
                         table("disabilitas", "Disabilitas", d.byDisability, of: d.participants),
                         table("berakhir", "Kepesertaan berakhir, menurut alasan", d.ended, of: d.ended.reduce(0) { $0 + ($1.count ?? 0) }),
                         table("ditolak", "Usulan ditolak, menurut alasan", d.rejected, of: d.rejected.reduce(0) { $0 + ($1.count ?? 0) })],
                funnel: table("corong", "Dari usulan sampai peserta aktif", d.funnel, of: proposed),
                premiums: Rupiah(d.premiumsPaid).formatted, benefits: Rupiah(d.benefitsPaid).formatted, ratio: d.benefitRatio ?? "–",
                claims: Count.id(d.claimsPaid), suppressed: d.suppressedBelow != nil))
        }
    }
}
