import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// Who asked for a job, as the audit trail will name them.
struct JobOwner: Sendable {
    let userID: UUID?
    let username: String
    let source: String

    init(_ actor: AuditActor) {
        userID = actor.userID
        username = actor.username
        source = actor.source
    }
}

/// Why a job could not be started.
enum JobError: DomainError {
    /// Another job holds the subject: its kind's words and when it started.
    case busy(what: String, since: Date)

    var code: String { "job_busy" }
    var message: String {
        switch self {
        case .busy(let what, let since):
            "\(what) sedang berjalan sejak \(IndonesianTimestamp.format(since)). Tunggu sampai selesai, lalu kirim lagi."
        }
    }
    var kind: DomainErrorKind { .conflict }
}

/// The jobs table: enqueue, claim, report, finish. Every state change is
/// one statement, so two processes sharing a database never both run a job.
struct JobQueue {
    let db: any Database

    /// Records a queued job. When `subject` is already held by a queued or
    /// running job, the partial unique index refuses the row: `JobError.busy`.
    func enqueue(kind: String, subject: String?, parameters: some Encodable, owner: JobOwner, describe: String,
                 at now: Date) async throws -> UUID {
        let job = JobModel()
        job.id = UUID()
        job.kind = kind
        job.subject = subject
        job.ownerUserID = owner.userID
        job.ownerUsername = owner.username
        job.source = String(owner.source.prefix(200))
        job.parameters = String(decoding: try JSONEncoder().encode(parameters), as: UTF8.self)
        job.state = JobModel.State.queued.rawValue
        job.done = 0
        job.total = 0
        job.createdAt = now
        job.attempts = 0
        do {
            try await job.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            let holder = try await JobModel.query(on: db).filter(\.$subject == subject)
                .filter(\.$state ~~ JobModel.State.active.map(\.rawValue)).first()
            throw JobError.busy(what: describe, since: holder?.startedAt ?? holder?.createdAt ?? now)
        }
        return job.id!
    }

    /// Claims a queued job, the given one or the oldest of `kinds`, for
    /// `worker`: one `UPDATE ... RETURNING` that only a queued row passes,
    /// so of two processes claiming at once exactly one gets it. On
    /// PostgreSQL the inner `FOR UPDATE SKIP LOCKED` lets a second claimer
    /// take the next job instead of waiting for the first.
    func claim(_ id: UUID? = nil, kinds: [String], worker: String, at now: Date) async throws -> JobModel? {
        guard !kinds.isEmpty else { return nil }
        let lock: SQLQueryString = db.kind == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        let only: SQLQueryString = id.map { " AND id = \(bind: $0)" } ?? ""
        struct Claimed: Decodable { let id: UUID }
        let claimed = try await db.sql.raw("""
            UPDATE jobs SET state = 'running', worker = \(bind: worker), started_at = \(bind: now), heartbeat_at = \(bind: now),
                attempts = attempts + 1
            WHERE state = 'queued' AND id = (
                SELECT id FROM jobs WHERE state = 'queued' AND kind IN (\(binds: kinds))\(only) ORDER BY created_at LIMIT 1\(lock))
            RETURNING id
            """).first(decoding: Claimed.self)
        guard let claimed else { return nil }
        return try await JobModel.find(claimed.id, on: db)
    }

    /// Progress and heartbeat of a running job (only while `worker` holds it).
    func beat(_ id: UUID, worker: String, done: Int, total: Int, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE jobs SET done = \(bind: done), total = \(bind: total), heartbeat_at = \(bind: now)
            WHERE id = \(bind: id) AND state = 'running' AND worker = \(bind: worker)
            """).run()
    }

    /// Records the result (the kind's JSON) of a job this worker holds.
    func finish(_ id: UUID, worker: String, result json: String, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE jobs SET state = 'done', result = \(bind: json), finished_at = \(bind: now), heartbeat_at = \(bind: now)
            WHERE id = \(bind: id) AND state = 'running' AND worker = \(bind: worker)
            """).run()
    }

    func fail(_ id: UUID, worker: String, error: any Error, at now: Date) async throws {
        let presented = PresentedError(error)
        try await db.sql.raw("""
            UPDATE jobs SET state = 'failed', error_code = \(bind: presented.code), error_message = \(bind: String(presented.message.prefix(2_000))),
                error_status = \(bind: Int(presented.status.code)), finished_at = \(bind: now), heartbeat_at = \(bind: now)
            WHERE id = \(bind: id) AND state = 'running' AND worker = \(bind: worker)
            """).run()
    }

    /// Running jobs whose process stopped beating before `staleBefore` go
    /// back to the queue; after `maxAttempts` they fail instead, saying so.
    /// Returns how many were requeued and failed.
    @discardableResult
    func recover(staleBefore: Date, maxAttempts: Int, at now: Date) async throws -> (requeued: Int, failed: Int) {
        struct Count: Decodable { let n: Int }
        let failed = try await db.sql.raw("""
            UPDATE jobs SET state = 'failed', error_code = 'job_interrupted',
                error_message = \(bind: JobRunner.interruptedMessage), error_status = 500, finished_at = \(bind: now)
            WHERE state = 'running' AND heartbeat_at < \(bind: staleBefore) AND attempts >= \(bind: maxAttempts)
            RETURNING 1 AS n
            """).all(decoding: Count.self).count
        let requeued = try await db.sql.raw("""
            UPDATE jobs SET state = 'queued', worker = NULL
            WHERE state = 'running' AND heartbeat_at < \(bind: staleBefore) AND attempts < \(bind: maxAttempts)
            RETURNING 1 AS n
            """).all(decoding: Count.self).count
        return (requeued, failed)
    }

    /// A job as its owner may see it; nil for anyone else (a 404, not a 403).
    func find(_ id: UUID, ownedBy userID: String) async throws -> JobModel? {
        guard let job = try await JobModel.find(id, on: db), job.ownerUserID?.uuidString == userID else { return nil }
        return job
    }

    /// The owner's latest jobs, newest first.
    func recent(ownedBy userID: UUID, kinds: [String], limit: Int) async throws -> [JobModel] {
        try await JobModel.query(on: db).filter(\.$ownerUserID == userID).filter(\.$kind ~~ kinds)
            .sort(\.$createdAt, .descending).limit(limit).all()
    }
}
