import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import Vapor
@testable import PayungApp

/// `kill -9` of `payung billing run` in the middle of a month's bill: the
/// database keeps nothing of it, the recorded job is taken over once its
/// process is known to be gone, and the bill it then writes is the bill a
/// clean run writes: sum of lines = bill total = the month's person-months.
@Suite("Billing run killed mid-way: nothing half-written, the rerun gives the same bill")
struct BillingCrashTests {
    struct Totals: Decodable, Equatable { let n: Int; let total: Int64 }

    static let participants = 300_000

    @Test("kill -9 during the INSERT ... SELECT leaves no bill and no line; the job is requeued and the rerun bills every person-month once",
          arguments: TestDatabase.available)
    func killNine(db: TestDatabase) async throws {
        let binary = packageRoot + "/.build/debug/payung"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("\(binary) is missing: swift build first") }
            else { print("SKIPPED kill -9 test: build the payung executable first") }
            return
        }
        let sqlitePath = FileManager.default.temporaryDirectory.appendingPathComponent("payung-crash-\(UUID().uuidString).sqlite").path
        var fresh: FreshDatabase?
        let location: DatabaseLocation, url: String
        switch db {
        case .sqlite:
            location = .sqliteFile(sqlitePath)
            url = "sqlite://" + sqlitePath
        case .postgres:
            fresh = try await FreshDatabase.make(.postgres)
            location = fresh!.location
            guard case .postgres(let u) = location else { return }
            url = u
        }
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
        }
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: location, rootDirectory: packageRoot, bcryptCost: 4))
            try await app.autoMigrate()
            let program = try await BillingBenchmark.seed(app.db, participants: Self.participants)
            let expected = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS total FROM coverage_months WHERE program_id = \(bind: program)
                """).first(decoding: Totals.self)!

            // The run, in its own process; killed once its job has been running a little while.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["billing", "run", "--program", "bench-billing", "--month", "2026-05"]
            process.environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": url, "LOG_LEVEL": "error"]) { $1 }
            process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            struct State: Decodable { let state: String }
            var running = false
            for _ in 0..<600 where !running {
                try await Task.sleep(for: .milliseconds(20))
                running = try await app.db.sql.raw("SELECT state FROM jobs").all(decoding: State.self).contains { $0.state == "running" }
                if !process.isRunning { break }
            }
            try await Task.sleep(for: .milliseconds(400))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(running, "the job never ran")
            #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed: make it larger")

            // Nothing half-written.
            let after = try await app.db.sql.raw("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM bill_lines")
                .first(decoding: Totals.self)!
            #expect(after == Totals(n: 0, total: 0))
            #expect(try await BillingRunModel.query(on: app.db).count() == 0)
            #expect(try await LedgerEntryModel.query(on: app.db).count() == 0)

            // Once its heartbeat is stale the job goes back to the queue and runs again (here in the test's process).
            let recovered = try await JobQueue(db: app.db).recover(staleBefore: Date().addingTimeInterval(1), maxAttempts: 3, at: Date())
            #expect(recovered.requeued == 1)
            #expect(try await app.jobs.claimAndStart(app))
            await app.jobs.drain()
            let job = try #require(try await JobModel.query(on: app.db).first())
            #expect(job.stateValue == .done && job.attempts == 2, "\(job.state) \(job.errorMessage ?? "")")
            let run = try #require(try await BillingRunModel.query(on: app.db).first())
            let lines = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines WHERE run_id = \(bind: run.id!)
                """).first(decoding: Totals.self)!
            #expect(lines == expected)
            #expect(Totals(n: run.lineCount, total: run.total) == expected)
            // And once more: an unissued month prepared again is the same bill.
            let again = try await BillingRun(db: app.db, now: Date()).prepare(programID: program, month: BillingBenchmark.month, by: .cli("t"),
                                                                              today: CalendarDate(Date()))
            #expect(Totals(n: again.lines, total: again.total) == expected)
        } catch {
            Issue.record(error)
        }
        await app.jobs.drain()
        try? await app.asyncShutdown()
        try? await fresh?.drop()
    }
}
