import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// The billing-run benchmark (not a test): a month's bill for N covered
/// participants, on SQLite and PostgreSQL, printed beside its floor in the
/// same run: one raw `INSERT ... SELECT` writing the same lines into
/// `bill_lines`, committed. Run it with
/// `swift run -c release payung-bench billing [participants]`.
public enum BillingBenchmark {
    public static func main(arguments: [String]) async throws {
        let participants = arguments.dropFirst(2).first.flatMap(Int.init).map { min(max($0, 1), 5_000_000) } ?? 1_000_000
        let directory = URL(fileURLWithPath: "bench-data", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines: [String] = []
        let sqlitePath = directory.appendingPathComponent("billing.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
        lines.append(try await measure("SQLite", .sqliteFile(sqlitePath), participants: participants))
        if let url = ProcessInfo.processInfo.environment["PAYUNG_BENCH_POSTGRES_URL"] {
            lines.append(try await measure("PostgreSQL", .postgres(url), participants: participants))
        } else {
            lines.append("PostgreSQL: skipped (set PAYUNG_BENCH_POSTGRES_URL to a database the benchmark may fill)")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("""

            | database | covered participants | Payung billing run (s) | lines/s | floor: raw INSERT ... SELECT (s) | Payung / floor |
            |---|---|---|---|---|---|
            """)
        for line in lines { print(line) }
        print(String(format: "peak memory (max RSS of the whole benchmark process, seeding included): %.0f MB (target < 500 MB)",
                     Double(usage.ru_maxrss) / 1024))
    }

    static let month = YearMonth(year: 2026, month: 5)!

    static func measure(_ name: String, _ location: DatabaseLocation, participants: Int) async throws -> String {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: location, rootDirectory: DirectoryConfiguration.detect().workingDirectory))
            try await app.autoRevert()
            try await app.autoMigrate()
            let program = try await seed(app.db, participants: participants)
            // Floor: the same lines, one statement, no rule, committed; then removed again (the bill is not issued).
            let floorRun = UUID()
            let floorStarted = Date()
            try await app.db.transaction { tx in
                try await tx.sql.raw("""
                    INSERT INTO billing_runs (id, program_id, month, due_date, prepared_at, prepared_by, line_count, total)
                    VALUES (\(bind: floorRun), \(bind: program), '2026-04', '2026-04-15', \(bind: Date()), 'floor', 0, 0)
                    """).run()
                try await tx.sql.raw("""
                    INSERT INTO bill_lines (run_id, program_id, kind, coverage_month_id, proposal_id, nik, month, sponsor_id, payer_kind, segment,
                                            tariff_version_id, income_basis, jkk, jkm, jht, amount, village_code, occupation_code)
                    SELECT \(bind: floorRun), c.program_id, 'charge', c.id, c.proposal_id, c.nik, c.month, c.sponsor_id, c.payer_kind, c.segment,
                           c.tariff_version_id, c.income_basis, c.jkk, c.jkm, c.jht, c.total, c.village_code, c.occupation_code
                    FROM coverage_months c WHERE c.program_id = \(bind: program) AND c.month <= \(bind: month.iso)
                    """).run()
            }
            let floor = Date().timeIntervalSince(floorStarted)
            try await app.db.transaction { tx in
                try await tx.sql.raw("DELETE FROM bill_lines WHERE run_id = \(bind: floorRun)").run()
                try await tx.sql.raw("DELETE FROM billing_runs WHERE id = \(bind: floorRun)").run()
            }
            if app.db.kind == .postgresql { try await app.db.sql.raw("VACUUM ANALYZE bill_lines").run() }

            let started = Date()
            let result = try await BillingRun(db: app.db, now: Date())
                .prepare(programID: program, month: month, by: .cli("bench"), today: CalendarDate(Date()))
            let seconds = Date().timeIntervalSince(started)
            guard result.lines == participants else { throw CommandFailure("billing run wrote \(result.lines) lines, expected \(participants)") }
            // Again: an unchanged month is idempotent (same lines, same total).
            let againStarted = Date()
            let again = try await BillingRun(db: app.db, now: Date())
                .prepare(programID: program, month: month, by: .cli("bench"), today: CalendarDate(Date()))
            let againSeconds = Date().timeIntervalSince(againStarted)
            guard again.lines == result.lines, again.total == result.total else { throw CommandFailure("a re-run changed the bill") }
            try await app.asyncShutdown()
            return String(format: "| %@ | %d | %.1f | %.0f | %.1f | %.2fx |", name, participants, seconds, Double(participants) / seconds,
                          floor, seconds / floor) + String(format: " (re-run of the unissued month: %.1f s, same %d lines)", againSeconds, again.lines)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// A program for May 2026 with `participants` priced person-months, written
    /// set-based by the database. All months point at one real proposal: the
    /// billing run reads only `coverage_months` and `bill_lines`.
    static func seed(_ db: any Database, participants: Int) async throws -> UUID {
        _ = try await RegionImporter(db: db).importFile(at: "Tests/PayungAppTests/Fixtures/pilot-regions.csv")
        let program = try await ProgramService(db: db, now: Date()).create(
            ProgramInput(code: "bench-billing", regency: "33.75", name: "Benchmark tagihan", startMonth: "2026-01", endMonth: "2026-12",
                         quota: 5_000_000, occupations: OccupationCatalogue.seed.map(\.code)), actor: nil, by: .cli("bench"))
        let one = TabularFile(rows: [
            .init(line: 1, cells: ["NIK", "Nama", "Jenis Pekerjaan", "Kelurahan", "RT", "RW"]),
            .init(line: 2, cells: ["3375014506850001", "Pekerja Satu", "becak_driver", "Medono", "3", "5"]),
        ])
        _ = try await ProposalImporter(db: db, now: Date(), today: CalendarDate(Date()))
            .run(one, program: program, fileName: "bench", actor: nil, by: .cli("bench"), dryRun: false)
        struct ID: Decodable { let id: UUID }
        guard let proposal = try await db.sql.raw("SELECT id FROM proposals WHERE program_id = \(bind: program.id!)").first(decoding: ID.self)?.id else {
            throw CommandFailure("the benchmark's proposal was not imported")
        }
        let started = Date()
        let values: SQLQueryString = """
            \(bind: program.id!), \(bind: proposal), '2026-05', 'apbd', 'SG', 'bpu-2015', 1000000, 10000, 6800, 0, 16800, '33.75.01.1002', \(bind: Date())
            """
        if db.kind == .postgresql {
            try await db.sql.raw("""
                INSERT INTO coverage_months (id, nik, program_id, proposal_id, month, payer_kind, segment, tariff_version_id, income_basis,
                                             jkk, jkm, jht, total, village_code, planned_at)
                SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, '3375' || lpad(n::text, 12, '0'), \(values)
                FROM generate_series(1, \(unsafeRaw: String(participants))) AS n
                """).run()
            try await db.sql.raw("ANALYZE").run()
        } else {
            try await BulkInsert.withLargeCache(on: db, rows: participants) {
                try await db.sql.raw("""
                    INSERT INTO coverage_months (id, nik, program_id, proposal_id, month, payer_kind, segment, tariff_version_id, income_basis,
                                                 jkk, jkm, jht, total, village_code, planned_at)
                    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < \(unsafeRaw: String(participants)))
                    SELECT printf('00000000-0000-4000-8000-%012X', n), printf('3375%012d', n), \(values) FROM s
                    """).run()
            }
            try await db.sql.raw("ANALYZE").run()
        }
        print(String(format: "%@: %d person-months seeded in %.1f s", db.kind == .postgresql ? "PostgreSQL" : "SQLite", participants,
                     Date().timeIntervalSince(started)))
        return program.id!
    }
}
