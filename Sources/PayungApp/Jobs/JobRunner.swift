import Fluent
import Foundation
import NIOConcurrencyHelpers
import PayungCore
import Vapor

/// A claimed job as its handler sees it.
struct RunningJob: Sendable {
    let id: UUID
    let kind: String
    let parameters: Data
    /// The owner with the grants they hold now (a grant revoked since the
    /// upload no longer applies); nil for a system job.
    let actor: Actor?
    let auditActor: AuditActor
    let app: Application
    /// Rows (or steps) done of total; cheap to call often.
    let progress: @Sendable (_ done: Int, _ total: Int) -> Void

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: parameters)
    }
}

/// Runs recorded jobs in this process: the one it was asked to start at
/// once, and, in a serving process, any queued job it can claim (one left
/// by a process that stopped, one queued by another). Which process runs a
/// job is decided by the database (`JobQueue.claim`), never here.
actor JobRunner {
    typealias Handler = @Sendable (RunningJob) async throws -> Data

    static let interruptedMessage = "Pekerjaan ini terhenti karena server dimulai ulang berkali-kali saat menjalankannya. Kirim ulang berkasnya."

    /// This process, as recorded on the jobs it claims.
    nonisolated let worker: String
    /// Whether progress is written to the database. An in-memory SQLite
    /// database has no other process to take a job over, and a write beside
    /// the job's own transaction would find its tables locked.
    nonisolated let persistsProgress: Bool
    /// A running job is taken as abandoned after this long without a heartbeat.
    nonisolated let staleAfter: TimeInterval
    nonisolated let maxAttempts = 3
    /// Jobs this process runs at once: the machine has few cores and one
    /// SQLite writer.
    nonisolated let capacity = 2

    private var handlers: [String: Handler] = [:]
    private var running: [UUID: Task<Void, Never>] = [:]
    private var sweeper: Task<Void, Never>?
    private let live = NIOLockedValueBox<[UUID: (done: Int, total: Int)]>([:])

    init(persistsProgress: Bool, staleAfter: TimeInterval = 600) {
        self.persistsProgress = persistsProgress
        self.staleAfter = staleAfter
        worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    func register(_ kind: String, _ handler: @escaping Handler) { handlers[kind] = handler }

    var kinds: [String] { handlers.keys.sorted() }

    /// Progress of a job running in this process, fresher than the table's.
    nonisolated func liveProgress(_ id: UUID) -> (done: Int, total: Int)? { live.withLockedValue { $0[id] } }

    /// Records a job and starts it here at once when this process claims it.
    func submit(_ app: Application, kind: String, subject: String?, parameters: some Encodable & Sendable, owner: JobOwner,
                describe: String) async throws -> UUID {
        guard handlers[kind] != nil else { throw AppError(code: "job_kind_unknown", message: "Jenis pekerjaan \(kind) tidak dikenal.", kind: .invalidInput) }
        let id = try await JobQueue(db: app.db).enqueue(kind: kind, subject: subject, parameters: parameters, owner: owner,
                                                          describe: describe, at: Date())
        _ = try await claimAndStart(app, id)
        return id
    }

    /// Claims one queued job (`id`, or the oldest this process knows) and
    /// starts it; false when there was none to claim.
    func claimAndStart(_ app: Application, _ id: UUID? = nil) async throws -> Bool {
        guard let job = try await JobQueue(db: app.db).claim(id, kinds: kinds, worker: worker, at: Date()),
              let handler = handlers[job.kind] else { return false }
        let jobID = job.id!
        running[jobID] = Task.detached { [self] in
            await self.execute(job, handler, app)
            await self.ended(jobID)
        }
        return true
    }

    private func ended(_ id: UUID) {
        running[id] = nil
        live.withLockedValue { $0[id] = nil }
    }

    /// Waits for every job this process runs (tests; shutdown).
    func drain() async {
        while let task = running.values.first { await task.value }
    }

    nonisolated private func execute(_ job: JobModel, _ handler: Handler, _ app: Application) async {
        let id = job.id!, queue = JobQueue(db: app.db), worker = self.worker
        live.withLockedValue { $0[id] = (0, 0) }
        let heartbeat: Task<Void, Never>? = persistsProgress ? Task.detached { [live] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let now = live.withLockedValue { $0[id] } ?? (done: 0, total: 0)
                try? await queue.beat(id, worker: worker, done: now.done, total: now.total, at: Date())
            }
        } : nil
        do {
            let owner = try await Self.owner(of: job, on: app.db)
            let running = RunningJob(id: id, kind: job.kind, parameters: Data(job.parameters.utf8), actor: owner.actor,
                                     auditActor: owner.audit, app: app,
                                     progress: { [live] done, total in live.withLockedValue { $0[id] = (done, total) } })
            let result = try await handler(running)
            heartbeat?.cancel()
            let last = live.withLockedValue { $0[id] } ?? (done: 0, total: 0)
            try await queue.beat(id, worker: worker, done: last.done, total: last.total, at: Date())
            try await queue.finish(id, worker: worker, result: String(decoding: result, as: UTF8.self), at: Date())
        } catch {
            heartbeat?.cancel()
            app.logger.report(error: error)
            do {
                try await queue.fail(id, worker: worker, error: error, at: Date())
            } catch {
                app.logger.error("job \(id): could not record its failure: \(String(reflecting: error))")
            }
        }
    }

    /// The owner as they are now: an account disabled since the upload runs nothing.
    private static func owner(of job: JobModel, on db: any Database) async throws -> (actor: Actor?, audit: AuditActor) {
        guard let userID = job.ownerUserID else {
            return (nil, AuditActor(userID: nil, username: job.ownerUsername, source: job.source))
        }
        guard let auth = try await AccessQueries(db: db).authenticated(userID: userID, method: .session) else {
            throw AccessError.forbidden
        }
        let home = auth.actor.grants.map(\.region).min { $0.segments.count < $1.segments.count }?.dotted
        return (auth.actor, AuditActor(userID: userID, username: auth.actor.username, source: job.source, homeRegion: home))
    }

    // MARK: Sweeping (serving processes)

    /// Every `interval`: jobs abandoned by a stopped process go back to the
    /// queue, and queued jobs are claimed while this process has room.
    func startSweeping(_ app: Application, every interval: Duration = .seconds(2)) {
        guard sweeper == nil else { return }
        sweeper = Task.detached { [self] in
            while !Task.isCancelled {
                await self.sweep(app)
                try? await Task.sleep(for: interval)
            }
        }
    }

    func stopSweeping() {
        sweeper?.cancel()
        sweeper = nil
    }

    func sweep(_ app: Application) async {
        do {
            let now = Date()
            let recovered = try await JobQueue(db: app.db).recover(staleBefore: now.addingTimeInterval(-staleAfter),
                                                                    maxAttempts: maxAttempts, at: now)
            if recovered.requeued + recovered.failed > 0 {
                app.logger.notice("jobs: \(recovered.requeued) requeued, \(recovered.failed) failed after their process stopped")
            }
            while running.count < capacity, try await claimAndStart(app) {}
        } catch {
            app.logger.report(error: error)
        }
    }
}

extension Application {
    private struct JobRunnerKey: StorageKey { typealias Value = JobRunner }

    /// Set once in `configure`, before any request.
    var jobs: JobRunner {
        get { storage[JobRunnerKey.self]! }
        set { storage[JobRunnerKey.self] = newValue }
    }
}

/// Starts and stops the sweeper with a serving process.
struct JobSweeperLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        await application.jobs.startSweeping(application)
    }

    func shutdownAsync(_ application: Application) async {
        await application.jobs.stopSweeping()
    }
}
