import Fluent
import Foundation
import PayungCore
import SQLKit

/// What a prepare did.
struct BillingPrepareResult: Codable, Sendable {
    enum Outcome: String, Codable, Sendable {
        /// A new bill was prepared.
        case prepared
        /// An unissued bill was prepared again from the coverage as it stands.
        case refreshed
        /// The month's bill was already issued: nothing changed.
        case alreadyIssued = "already_issued"
    }
    let runID: UUID
    let programID: UUID
    let month: String
    let outcome: Outcome
    let lines: Int
    let total: Int64
}

/// A program's monthly bill (`BillComposition`): prepared by the agency's
/// operator, issued by another person (`MakerChecker`), then fixed. Each
/// step is one transaction; the lines are written with set-based SQL, so a
/// month of a million person-months is a few statements, and a process
/// killed in the middle leaves nothing (the transaction rolls back).
struct BillingRun {
    let db: any Database
    let now: Date

    /// Prepares (or refreshes, while unissued) the bill of `month`.
    func prepare(programID: UUID, month: YearMonth, by actor: AuditActor, today: CalendarDate) async throws -> BillingPrepareResult {
        try await db.transaction { (tx: any Database) async throws -> BillingPrepareResult in
            // Serialise bills and coverage runs of one program (SQLite: the write lock; PostgreSQL: the row lock).
            try await tx.sql.raw("UPDATE programs SET approved_count = approved_count WHERE id = \(bind: programID)").run()
            guard let program = try await ProgramModel.find(programID, on: tx),
                  let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth)
            else { throw AppError.notFound("Program") }
            guard month >= start, month <= end else {
                throw AppError.invalid("billing_month_outside", "Bulan \(month.indonesian) di luar periode program (\(start.indonesian) – \(end.indonesian)).")
            }
            guard month <= today.yearMonth else {
                throw AppError.invalid("billing_month_future", "Tagihan \(month.indonesian) belum dapat disiapkan: bulannya belum tiba.")
            }
            let runs = try await BillingRunModel.query(on: tx).filter(\.$programID == programID).all()
            if let existing = runs.first(where: { $0.month == month.iso }), existing.isIssued {
                return BillingPrepareResult(runID: existing.id!, programID: programID, month: month.iso, outcome: .alreadyIssued,
                                            lines: existing.lineCount, total: existing.total)
            }
            if let later = runs.filter({ $0.month > month.iso }).map(\.month).max() {
                throw AppError(code: "billing_later_exists",
                               message: "Tagihan \(YearMonth(iso: later)?.indonesian ?? later) sudah ada; bulan yang belum ditagih masuk ke tagihan berikutnya sebagai penyesuaian.",
                               kind: .conflict)
            }
            if let open = runs.first(where: { $0.month < month.iso && !$0.isIssued }) {
                throw AppError(code: "billing_earlier_unissued",
                               message: "Tagihan \(YearMonth(iso: open.month)?.indonesian ?? open.month) belum diterbitkan. Terbitkan dulu, lalu siapkan bulan berikutnya.",
                               kind: .conflict)
            }
            let run: BillingRunModel
            let outcome: BillingPrepareResult.Outcome
            if let existing = runs.first(where: { $0.month == month.iso }) {
                try await tx.sql.raw("DELETE FROM bill_lines WHERE run_id = \(bind: existing.id!)").run()
                run = existing
                outcome = .refreshed
            } else {
                run = BillingRunModel()
                run.id = UUID()
                run.programID = programID
                run.month = month.iso
                outcome = .prepared
            }
            run.dueDate = (program.dueDay.flatMap { PaymentWindow(dueDay: $0) } ?? .bpu).dueDate(of: month).iso
            run.preparedAt = now
            run.preparedByUserID = actor.userID
            run.preparedBy = actor.username
            run.lineCount = 0
            run.total = 0
            try await run.save(on: tx)
            try await Self.writeLines(run: run.id!, program: programID, month: month, on: tx)
            struct Totals: Decodable { let n: Int; let total: Int64 }
            let totals = try await tx.sql.raw("""
                SELECT COUNT(*) AS n, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM bill_lines WHERE run_id = \(bind: run.id!)
                """).first(decoding: Totals.self) ?? Totals(n: 0, total: 0)
            run.lineCount = totals.n
            run.total = totals.total
            try await run.save(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "billing.prepare", entity: "program", entityID: programID.uuidString, regionCode: program.regencyCode,
                changes: ["month": .init(old: nil, new: month.iso), "total": .init(old: nil, new: String(totals.total))],
                note: "\(totals.n) lines"), by: actor)
            return BillingPrepareResult(runID: run.id!, programID: programID, month: month.iso, outcome: outcome,
                                        lines: totals.n, total: totals.total)
        }
    }

    /// The lines of `BillComposition`, as two `INSERT ... SELECT`.
    /// Runs inside the prepare transaction.
    static func writeLines(run: UUID, program: UUID, month: YearMonth, on db: any Database) async throws {
        if db.kind == .postgresql {
            // A program's first bill finds `bill_lines` (nearly) empty in the statistics, and PostgreSQL
            // then picks a nested-loop anti-join that rescans the table the statement is filling:
            // quadratic (2.2 s for 20,000 lines, measured). Hash anti-joins for this transaction only.
            try await db.sql.raw("SET LOCAL enable_nestloop = off").run()
        }
        try await db.sql.raw("""
            INSERT INTO bill_lines (run_id, program_id, kind, coverage_month_id, proposal_id, nik, month, sponsor_id, payer_kind, segment,
                                    tariff_version_id, income_basis, jkk, jkm, jht, amount, village_code, occupation_code)
            SELECT \(bind: run), c.program_id, CASE WHEN c.month = \(bind: month.iso) THEN 'charge' ELSE 'late' END, c.id, c.proposal_id,
                   c.nik, c.month, c.sponsor_id, c.payer_kind, c.segment, c.tariff_version_id, c.income_basis, c.jkk, c.jkm, c.jht,
                   c.total, c.village_code, c.occupation_code
            FROM coverage_months c
            WHERE c.program_id = \(bind: program) AND c.month <= \(bind: month.iso)
              AND NOT EXISTS (SELECT 1 FROM bill_lines b WHERE b.coverage_month_id = c.id AND b.kind IN ('charge', 'late'))
            """).run()
        try await db.sql.raw("""
            INSERT INTO bill_lines (run_id, program_id, kind, coverage_month_id, proposal_id, nik, month, sponsor_id, payer_kind, segment,
                                    tariff_version_id, income_basis, jkk, jkm, jht, amount, village_code, occupation_code)
            SELECT \(bind: run), b.program_id, 'credit', b.coverage_month_id, b.proposal_id, b.nik, b.month, b.sponsor_id, b.payer_kind,
                   b.segment, b.tariff_version_id, b.income_basis, -b.jkk, -b.jkm, -b.jht, -b.amount, b.village_code, b.occupation_code
            FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id AND r.issued_at IS NOT NULL
            WHERE b.program_id = \(bind: program) AND b.kind IN ('charge', 'late')
              AND NOT EXISTS (SELECT 1 FROM coverage_months c WHERE c.id = b.coverage_month_id)
              AND NOT EXISTS (SELECT 1 FROM bill_lines x WHERE x.coverage_month_id = b.coverage_month_id AND x.kind = 'credit')
            """).run()
    }

    /// Issues a prepared bill: fixed from now on, and owed in the ledger,
    /// per sponsor (charges as `issued`, adjustments as `adjusted`).
    /// Issuing an issued bill changes nothing.
    func issue(runID: UUID, by actor: AuditActor) async throws -> BillingRunModel {
        try await db.transaction { (tx: any Database) async throws -> BillingRunModel in
            guard let run = try await BillingRunModel.find(runID, on: tx) else { throw AppError.notFound("Tagihan") }
            if run.isIssued { return run }
            do {
                try MakerChecker.check(preparedBy: run.preparedByUserID?.uuidString ?? run.preparedBy,
                                       approvedBy: actor.userID?.uuidString ?? actor.username)
            } catch let refusal as MakerChecker.Refusal {
                throw AppError(code: refusal.code, message: refusal.message, kind: .forbidden)
            }
            let program = try await ProgramModel.find(run.programID, on: tx)
            struct Issued: Decodable { let id: UUID }
            // Compare-and-set: of two issuers at once, one issues.
            let won = try await tx.sql.raw("""
                UPDATE billing_runs SET issued_at = \(bind: now), issued_by_user_id = \(bind: actor.userID), issued_by = \(bind: actor.username)
                WHERE id = \(bind: runID) AND issued_at IS NULL RETURNING id
                """).first(decoding: Issued.self)
            guard won != nil else { return try await BillingRunModel.find(runID, on: tx)! }
            struct Sum: Decodable { let sponsor_id: UUID?; let kind: String; let total: Int64 }
            let sums = try await tx.sql.raw("""
                SELECT sponsor_id, kind, CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines WHERE run_id = \(bind: runID)
                GROUP BY sponsor_id, kind
                """).all(decoding: Sum.self)
            let today = CalendarDate(now).iso
            for sum in sums where sum.total != 0 {
                let entry = LedgerEntryModel()
                entry.id = UUID()
                entry.programID = run.programID
                entry.sponsorID = sum.sponsor_id
                entry.runID = runID
                entry.kind = (sum.kind == BillComposition.Kind.charge.rawValue ? LedgerEntryModel.Kind.issued : .adjusted).rawValue
                entry.amount = sum.total
                entry.month = run.month
                entry.effectiveOn = today
                entry.recordedAt = now
                entry.recordedByUserID = actor.userID
                entry.recordedBy = actor.username
                entry.note = BillComposition.Kind(rawValue: sum.kind)?.indonesianName
                try await entry.create(on: tx)
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "billing.issue", entity: "program", entityID: run.programID.uuidString, regionCode: program?.regencyCode,
                changes: ["month": .init(old: nil, new: run.month), "total": .init(old: nil, new: String(run.total))],
                note: "prepared by \(run.preparedBy)"), by: actor)
            return try await BillingRunModel.find(runID, on: tx)!
        }
    }
}
