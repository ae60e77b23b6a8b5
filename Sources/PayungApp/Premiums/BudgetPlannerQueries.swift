import Fluent
import Foundation
import PayungCore
import SQLKit

/// What the rest-of-year planner reads: a program's planned coverage months
/// and its pledges for a year, and the programs a caller may plan for.
struct BudgetPlannerQueries {
    let db: any Database

    /// Person-months and rupiah per month of `year`, from `coverage_months`.
    func planned(program: UUID, year: Int) async throws -> [RestOfYear.Month] {
        struct Row: Decodable { let month: String; let n: Int64; let rupiah: Int64 }
        let from = String(format: "%04d-01", year), through = String(format: "%04d-12", year)
        let rows = try await db.sql.raw("""
            SELECT month, COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS rupiah FROM coverage_months
            WHERE program_id = \(bind: program) AND month >= \(bind: from) AND month <= \(bind: through) GROUP BY month
            """).all(decoding: Row.self)
        return rows.compactMap { row in
            YearMonth(iso: row.month).map { RestOfYear.Month($0, personMonths: row.n, rupiah: Rupiah(row.rupiah)) }
        }
    }

    /// The program's pledges with a readable period and size.
    func pledges(program: UUID) async throws -> [RestOfYear.PledgeSpan] {
        try await PledgeModel.query(on: db).filter(\.$programID == program).all().compactMap { row in
            guard let from = YearMonth(iso: row.fromMonth), let through = YearMonth(iso: row.throughMonth) else { return nil }
            if let amount = row.amount { return .init(.amount(Rupiah(amount)), from: from, through: through) }
            if let n = row.participants, let m = row.months { return .init(.participants(n, months: m), from: from, through: through) }
            return nil
        }
    }

    /// Programs whose money figures the actor may read, newest first.
    func readablePrograms(for actor: Actor) async throws -> [ProgramModel] {
        try await ProgramModel.query(on: db).sort(\.$startMonth, .descending).sort(\.$code).all()
            .filter { program in RegionCode(program.regencyCode).map { BudgetPlannerController.mayRead(actor, in: $0) } ?? false }
    }
}
