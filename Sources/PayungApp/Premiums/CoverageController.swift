import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A program's coverage months by month: person-months and rupiah, by payer
/// kind, with what is still unfunded; and the run that plans them.
struct CoverageSummaryDTO: Content {
    struct Line: Content {
        let month: String
        let monthName: String
        let personMonths: Int
        let rupiah: Int64
        let unfundedMonths: Int
        let unfundedRupiah: Int64
    }

    struct Payer: Content {
        let kind: String
        let kindName: String
        let personMonths: Int
        let rupiah: Int64
    }

    let programID: UUID
    let months: [Line]
    let payers: [Payer]
    let personMonths: Int
    let rupiah: Int64
}

struct CoverageController {
    static let summary = APIOperation(method: .GET, path: "/api/v1/programs/{id}/coverage", operationID: "getCoverage",
                                      summary: "A program's person-months by month and by payer kind (aggregates only)",
                                      tag: "Premi", response: "CoverageSummary", errors: [403, 404])
    static let run = APIOperation(method: .POST, path: "/api/v1/programs/{id}/coverage/run", operationID: "runCoverage",
                                  summary: "Plan, price and allocate the program's person-months (idempotent)",
                                  tag: "Premi", response: "CoverageRunResult", errors: [403, 404, 409])

    func register(api: APIRouter, web: any RoutesBuilder) {
        api.app.addAPISchemas([
            "CoverageSummary": Schema.object([
                "programID": Schema.string(format: "uuid"),
                "months": Schema.array(Schema.object([
                    "month": Schema.string(example: "2026-05"), "monthName": Schema.string(example: "Mei 2026"),
                    "personMonths": Schema.integer(), "rupiah": Schema.integer(), "unfundedMonths": Schema.integer(),
                    "unfundedRupiah": Schema.integer(),
                ], required: ["month", "monthName", "personMonths", "rupiah", "unfundedMonths", "unfundedRupiah"])),
                "payers": Schema.array(Schema.object([
                    "kind": Schema.string(values: PayerKind.allCases.map(\.rawValue) + ["unfunded"]), "kindName": Schema.string(),
                    "personMonths": Schema.integer(), "rupiah": Schema.integer(),
                ], required: ["kind", "kindName", "personMonths", "rupiah"])),
                "personMonths": Schema.integer(), "rupiah": Schema.integer(),
            ], required: ["programID", "months", "payers", "personMonths", "rupiah"]),
            "CoverageRunResult": Schema.object([
                "programID": Schema.string(format: "uuid"), "participants": Schema.integer(), "planned": Schema.integer(),
                "unfunded": Schema.integer(), "alreadyPriced": Schema.integer(), "removed": Schema.integer(),
                "plannedRupiah": Schema.integer(),
            ], required: ["programID", "participants", "planned", "unfunded", "alreadyPriced", "removed", "plannedRupiah"]),
        ])
        api.on(Self.summary) { req in
            let program = try await Self.program(req, for: .read)
            return try await Self.summary(program, db: req.db)
        }
        api.on(Self.run) { req in
            let program = try await Self.program(req, for: .run)
            return try await Self.runAudited(program, req)
        }
        web.get(WebPath.programs.components + [":id", "cakupan"], use: page)
        web.post(WebPath.programs.components + [":id", "cakupan"], use: runPage)
    }

    enum Need { case read, run }

    /// The program, if the actor may read its money figures (operator,
    /// Kepala Dinas, admin, auditor of its Pemda) or run its coverage
    /// (who manages its settings). Sponsors read their own statement.
    static func program(_ req: Request, for need: Need) async throws -> ProgramModel {
        let actor = try req.requireActor()
        guard let id = req.parameters.get("id", as: UUID.self), let program = try await ProgramModel.find(id, on: req.db),
              let regency = RegionCode(program.regencyCode) else { throw AppError.notFound("Program") }
        let allowed = switch need {
        case .read: AccessPolicy.may(actor, .manageSettings, in: regency) || AccessPolicy.may(actor, .approve, in: regency)
            || AccessPolicy.may(actor, .readAudit, in: regency)
        case .run: AccessPolicy.may(actor, .manageSettings, in: regency)
        }
        guard allowed else {
            if ProgramAPIController.visible(program, to: actor) { throw AccessError.forbidden }
            throw AppError.notFound("Program")
        }
        return program
    }

    static func runAudited(_ program: ProgramModel, _ req: Request) async throws -> CoverageRunResult {
        let result = try await CoverageRun(db: req.db, now: req.application.clock.now()).run(programID: program.id!)
        try await req.audit.record(AuditEntry(action: "coverage.run", entity: "program", entityID: program.id!.uuidString,
                                              regionCode: program.regencyCode,
                                              note: "\(result.planned) person-months planned, \(result.unfunded) unfunded"), by: req.auditActor)
        return result
    }

    static func summary(_ program: ProgramModel, db: any Database) async throws -> CoverageSummaryDTO {
        struct Row: Decodable { let month: String; let payer_kind: String?; let n: Int; let rupiah: Int64 }
        let rows = try await db.sql.raw("""
            SELECT month, payer_kind, COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS rupiah FROM coverage_months
            WHERE program_id = \(bind: program.id!) GROUP BY month, payer_kind ORDER BY month
            """).all(decoding: Row.self)
        var months: [CoverageSummaryDTO.Line] = []
        for (month, group) in Dictionary(grouping: rows, by: \.month).sorted(by: { $0.key < $1.key }) {
            let unfunded = group.filter { $0.payer_kind == nil }
            months.append(.init(month: month, monthName: YearMonth(iso: month)?.indonesian ?? month,
                                personMonths: group.reduce(0) { $0 + $1.n }, rupiah: group.reduce(0) { $0 + $1.rupiah },
                                unfundedMonths: unfunded.reduce(0) { $0 + $1.n }, unfundedRupiah: unfunded.reduce(0) { $0 + $1.rupiah }))
        }
        let payers = Dictionary(grouping: rows, by: { $0.payer_kind ?? "unfunded" }).map { kind, group in
            CoverageSummaryDTO.Payer(kind: kind, kindName: PayerKind(rawValue: kind)?.indonesianName ?? "Belum ada penyandang dana",
                                     personMonths: group.reduce(0) { $0 + $1.n }, rupiah: group.reduce(0) { $0 + $1.rupiah })
        }.sorted { $0.rupiah > $1.rupiah }
        return CoverageSummaryDTO(programID: program.id!, months: months, payers: payers,
                                  personMonths: rows.reduce(0) { $0 + $1.n }, rupiah: rows.reduce(0) { $0 + $1.rupiah })
    }

    // MARK: Page

    struct PageView: Encodable {
        struct Line: Encodable { let month: String; let personMonths: String; let rupiah: String; let unfunded: String; let bar: Int }
        struct Payer: Encodable { let name: String; let personMonths: String; let rupiah: String }
        let page: PageContext
        let programID: String
        let programName: String
        let insuredIncome: String
        let allocationOrder: String
        let lines: [Line]
        let payers: [Payer]
        let total: String
        let personMonths: String
        let canRun: Bool
        var message: String? = nil
    }

    private func page(_ req: Request) async throws -> View {
        try await render(req, message: nil)
    }

    private func runPage(_ req: Request) async throws -> View {
        let program = try await Self.program(req, for: .run)
        let r = try await Self.runAudited(program, req)
        let message = r.planned == 0 && r.removed == 0
            ? "Tidak ada perubahan: semua bulan kepesertaan sudah dihitung."
            : "\(Count.id(r.planned)) orang-bulan baru dihitung (\(Rupiah(r.plannedRupiah).formatted))"
                + (r.unfunded > 0 ? ", \(Count.id(r.unfunded)) belum ada penyandang dananya" : "")
                + (r.removed > 0 ? ", \(Count.id(r.removed)) dihapus karena kepesertaan berakhir" : "") + "."
        return try await render(req, message: message)
    }

    private func render(_ req: Request, message: String?) async throws -> View {
        let program = try await Self.program(req, for: .read)
        let summary = try await Self.summary(program, db: req.db)
        let most = max(1, summary.months.map(\.personMonths).max() ?? 1)
        let actor = try req.requireActor()
        return try await req.view.render("premiums/coverage", PageView(
            page: PageContext(title: "Bulan kepesertaan · \(program.name)", request: req),
            programID: program.id!.uuidString, programName: program.name,
            insuredIncome: Rupiah(program.insuredIncome).formatted,
            allocationOrder: (AllocationOrder(rawValue: program.allocationOrder) ?? .apbdFirst).indonesianName,
            lines: summary.months.map { .init(month: $0.monthName, personMonths: Count.id($0.personMonths), rupiah: Rupiah($0.rupiah).formatted,
                                              unfunded: $0.unfundedMonths > 0 ? Count.id($0.unfundedMonths) : "–",
                                              bar: $0.personMonths * 100 / most) },
            payers: summary.payers.map { .init(name: $0.kindName, personMonths: Count.id($0.personMonths), rupiah: Rupiah($0.rupiah).formatted) },
            total: Rupiah(summary.rupiah).formatted, personMonths: Count.id(summary.personMonths),
            canRun: AccessPolicy.may(actor, .manageSettings, in: RegionCode(program.regencyCode)!), message: message))
    }
}

/// Whole numbers as Indonesians write them: "35.952".
enum Count {
    static func id(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
