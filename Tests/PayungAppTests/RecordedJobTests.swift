import Fluent
import Foundation
import NIOConcurrencyHelpers
import PayungCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

/// Recorded jobs as two processes see them: two applications, each with its
/// own connections, on one database (an SQLite file in WAL mode, or a
/// PostgreSQL database), as two `payung serve` would be.
@Suite("Recorded jobs: one run per job, one job per subject, across processes")
struct RecordedJobTests {
    /// Counts the runs of each job, across both processes.
    final class Runs: Sendable {
        let counts = NIOLockedValueBox<[UUID: Int]>([:])
        func record(_ id: UUID) { counts.withLockedValue { $0[id, default: 0] += 1 } }
        var all: [UUID: Int] { counts.withLockedValue { $0 } }
    }

    struct Payload: Codable, Sendable { let n: Int }

    /// Two configured applications on one fresh database; a test handler
    /// `test.count` that records each run and takes a little time.
    func withTwoProcesses(_ db: TestDatabase, _ body: (Application, Application, Runs) async throws -> Void) async throws {
        let location: DatabaseLocation
        var dropPostgres: FreshDatabase?
        let sqlitePath = FileManager.default.temporaryDirectory.appendingPathComponent("payung-jobs-\(UUID().uuidString).sqlite").path
        switch db {
        case .sqlite: location = .sqliteFile(sqlitePath)
        case .postgres:
            let fresh = try await FreshDatabase.make(.postgres)
            dropPostgres = fresh
            location = fresh.location
        }
        let runs = Runs()
        var apps: [Application] = []
        do {
            for index in 0..<2 {
                let app = try await Application.make(.testing)
                apps.append(app)
                try await configure(app, config: AppConfig(database: location, rootDirectory: packageRoot, bcryptCost: 4))
                if index == 0 { try await app.autoMigrate() }
                await app.jobs.register("test.count") { job in
                    runs.record(job.id)
                    // Long enough that a second start in the same instant finds it running.
                    try await Task.sleep(for: .milliseconds(150))
                    return try JSONEncoder().encode(try job.decode(Payload.self))
                }
            }
            try await body(apps[0], apps[1], runs)
        } catch {
            Issue.record(error)
        }
        for app in apps {
            await app.jobs.stopSweeping()
            await app.jobs.drain()
            try? await app.asyncShutdown()
        }
        try? await dropPostgres?.drop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
    }

    static let owner = JobOwner(AuditActor(userID: nil, username: "system", source: "test"))

    func states(_ app: Application) async throws -> [String: Int] {
        struct Row: Decodable { let state: String; let n: Int }
        let rows = try await app.db.sql.raw("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.state, $0.n) })
    }

    @Test("two processes starting a job for the same subject at once: one job is recorded and runs once, the other is told it is busy",
          arguments: TestDatabase.available)
    func sameSubjectAtOnce(db: TestDatabase) async throws {
        try await withTwoProcesses(db) { a, b, runs in
            for round in 0..<5 {
                let subject = "program:round-\(round)"
                @Sendable func attempt(_ app: Application, _ n: Int) async -> Result<UUID, any Error> {
                    do {
                        return .success(try await app.jobs.submit(app, kind: "test.count", subject: subject, parameters: Payload(n: n),
                                                                  owner: Self.owner, describe: "Uji"))
                    } catch {
                        return .failure(error)
                    }
                }
                async let first = attempt(a, 1)
                async let second = attempt(b, 2)
                let outcomes = await [first, second]
                let started = outcomes.compactMap { try? $0.get() }
                let refused = outcomes.compactMap { outcome -> String? in
                    if case .failure(let error) = outcome { return (error as? JobError)?.code ?? "other: \(error)" }
                    return nil
                }
                #expect(started.count == 1 && refused == ["job_busy"], "round \(round): \(outcomes)")
                await a.jobs.drain()
                await b.jobs.drain()
            }
            #expect(runs.all.count == 5 && runs.all.values.allSatisfy { $0 == 1 }, "each round's one job runs once: \(runs.all)")
            let done = try await states(a)["done"]
            #expect(done == runs.all.count)
        }
    }

    @Test("forty queued jobs, two processes sweeping at once: every job runs exactly once", arguments: TestDatabase.available)
    func twoSweepersClaimEachJobOnce(db: TestDatabase) async throws {
        try await withTwoProcesses(db) { a, b, runs in
            var ids: [UUID] = []
            for n in 0..<40 {
                ids.append(try await JobQueue(db: a.db).enqueue(kind: "test.count", subject: nil, parameters: Payload(n: n),
                                                               owner: Self.owner, describe: "Uji", at: Date()))
            }
            await withTaskGroup(of: Void.self) { group in
                for app in [a, b] {
                    group.addTask {
                        for _ in 0..<200 {
                            await app.jobs.sweep(app)
                            if (try? await JobModel.query(on: app.db).filter(\.$state == "queued").count()) == 0 { break }
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
            }
            await a.jobs.drain()
            await b.jobs.drain()
            #expect(Set(runs.all.keys) == Set(ids), "\(ids.count - runs.all.count) jobs never ran")
            #expect(runs.all.values.allSatisfy { $0 == 1 }, "jobs that ran more than once: \(runs.all.filter { $0.value > 1 })")
            #expect(try await states(b) == ["done": 40])
            let workers = try await JobModel.query(on: a.db).all().compactMap(\.worker)
            #expect(Set(workers).isSubset(of: [a.jobs.worker, b.jobs.worker]))
            let result = try #require(try await JobModel.find(ids[7], on: b.db)?.result)
            #expect(try JSONDecoder().decode(Payload.self, from: Data(result.utf8)).n == 7, "the handler's result is stored as it returned it")
        }
    }

    @Test("a job left running by a process that stopped is taken up by another; after three tries it fails, saying why",
          arguments: TestDatabase.available)
    func survivesRestart(db: TestDatabase) async throws {
        try await withTwoProcesses(db) { a, b, runs in
            let queue = JobQueue(db: a.db)
            let id = try await queue.enqueue(kind: "test.count", subject: "program:x", parameters: Payload(n: 3), owner: Self.owner,
                                             describe: "Uji", at: Date())
            // Process A claims it and stops before finishing: its heartbeat is old.
            let claimed = try #require(try await queue.claim(id, kinds: ["test.count"], worker: "a-that-stopped", at: Date()))
            #expect(claimed.stateValue == .running && claimed.attempts == 1)
            #expect(try await queue.claim(id, kinds: ["test.count"], worker: "b", at: Date()) == nil, "a running job is not claimed again")
            let old = Date().addingTimeInterval(-3_600)
            try await a.db.sql.raw("UPDATE jobs SET heartbeat_at = \(bind: old) WHERE id = \(bind: id)").run()
            // The subject stays held while the job waits to be taken up.
            await #expect(throws: JobError.self) {
                _ = try await b.jobs.submit(b, kind: "test.count", subject: "program:x", parameters: Payload(n: 4), owner: Self.owner, describe: "Uji")
            }
            await b.jobs.sweep(b)
            await b.jobs.drain()
            let done = try #require(try await JobModel.find(id, on: b.db))
            #expect(done.stateValue == .done && done.worker == b.jobs.worker && done.attempts == 2)
            #expect(runs.all[id] == 1)
            // A job whose process stopped on every one of three tries fails instead of looping.
            let stuck = try await queue.enqueue(kind: "test.count", subject: nil, parameters: Payload(n: 5), owner: Self.owner,
                                                describe: "Uji", at: Date())
            try await a.db.sql.raw("""
                UPDATE jobs SET state = 'running', attempts = 3, worker = 'gone', heartbeat_at = \(bind: old) WHERE id = \(bind: stuck)
                """).run()
            await a.jobs.sweep(a)
            let failed = try #require(try await JobModel.find(stuck, on: a.db))
            #expect(failed.stateValue == .failed && failed.errorCode == "job_interrupted" && runs.all[stuck] == nil)
            #expect(failed.errorMessage?.contains("Kirim ulang") == true)
        }
    }

    @Test("a web import is a recorded job: an applied import while another holds the program is refused in words, and a job is its owner's alone",
          arguments: TestDatabase.available)
    func webImportIsARecordedJob(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, otherToken) = try await app.makeUser("op2.pekalongan", .operator, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let other = try await BrowserSession.login(app, "op2.pekalongan")
            // An applied import of this program, queued by another process and not yet finished.
            let held = ImportJob.Parameters(kind: .proposals, programID: program.id, fileName: "lain.csv", path: "/nonexistent", dryRun: false)
            _ = try await JobQueue(db: app.db).enqueue(kind: held.kind.jobKind, subject: held.subject, parameters: held,
                                                       owner: Self.owner, describe: "Impor lain ke program ini", at: Date())
            let roster = "NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris\n\(testNIK(serial: 61));Rina Wati;batik_labourer;33.75.01.1002;3;5;Joko Susilo\n"
            func upload(dryRun: Bool) async throws -> (HTTPStatus, String, String) {
                var headers = op.headers
                headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
                var fields = ["_csrf": op.csrf, "kind": "proposals", "programID": program.id!.uuidString]
                if dryRun { fields["dryRun"] = "1" }
                var answer: (HTTPStatus, String, String) = (.ok, "", "")
                try await app.testing().test(.POST, "/impor", headers: headers,
                                             body: ImportWebTests().multipart(fields, file: Data(roster.utf8), name: "usulan.csv")) { res in
                    answer = (res.status, res.body.string, res.headers.first(name: .location) ?? "")
                }
                return answer
            }
            let (status, page, _) = try await upload(dryRun: false)
            #expect(status == .conflict, "\(status)")
            #expect(page.contains("Impor lain ke program ini sedang berjalan") && page.contains("job_busy"))
            #expect(try await ProposalModel.query(on: app.db).count() == 0)
            // A dry run writes nothing and never waits for the program.
            let (dryStatus, _, location) = try await upload(dryRun: true)
            #expect(dryStatus == .seeOther)
            let body = try await ImportWebTests().finished(app, op, location)
            #expect(body.contains("Uji coba"))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let stored = try #require(try await JobModel.find(id, on: app.db))
            #expect(stored.stateValue == .done && stored.kind == "import.proposals" && stored.ownerUsername == "op.pekalongan")
            #expect(stored.result?.contains("\"rows\":1") == true, "the result is kept in the database: \(stored.result?.prefix(200) ?? "nil")")
            try await app.testing().test(.GET, "/api/v1/jobs/\(id)", headers: .bearer(token)) { res in
                #expect(res.status == .ok)
                let job = try res.content.decode(JobController.JobDTO.self)
                #expect(job.state == "done" && job.stateName == "Selesai" && job.done == job.total && job.page == "/impor/\(id)")
            }
            // Someone else, even in the same office, finds neither the job nor its page.
            try await app.testing().test(.GET, "/api/v1/jobs/\(id)", headers: .bearer(otherToken)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/impor/\(id)", headers: other.headers) { res in #expect(res.status == .notFound) }
            // The import page lists the user's own jobs, to find one again after closing the tab.
            try await app.testing().test(.GET, "/impor", headers: op.headers) { res in
                #expect(res.body.string.contains("Impor Anda") && res.body.string.contains("href=\"/impor/\(id)\"") && res.body.string.contains("Selesai"))
            }
            try await app.testing().test(.GET, "/impor", headers: other.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("\(id)") && !res.body.string.contains("usulan.csv"))
            }
            try await app.testing().test(.GET, "/api/v1/jobs/bukan-uuid", headers: .bearer(token)) { res in #expect(res.status == .notFound) }
        }
    }
}
