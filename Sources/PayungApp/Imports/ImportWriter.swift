import Fluent
import Foundation
import PayungCore
import SQLKit

/// Writes the valid rows of an import in one transaction, in multi-row
/// statements: new workers, their heirs, changed workers, new proposals and
/// their first event, and one audit row for the whole import.
struct ImportWriter {
    let db: any Database
    let now: Date

    /// Rows per INSERT: 18 columns x 2,000 stays under PostgreSQL's 65,535
    /// bind limit and SQLite's 250,000.
    static let batch = 2_000

    func apply(_ planned: [ProposalImporter.Planned], program: ProgramModel, actor: Actor?, by auditActor: AuditActor,
               summary: ImportSummary) async throws {
        let proposer = actor.flatMap { UUID(uuidString: $0.userID) }
        try await db.transaction { tx in
            let sql = tx.sql
            var workerIDs: [String: UUID] = [:]
            var newWorkers: [(UUID, ProposalImporter.Planned)] = []
            for p in planned {
                if let existing = p.existing {
                    workerIDs[p.nik.digits] = existing.id
                    let snapshot = WorkerRow(input: p.input, nik: p.nik).snapshot
                    if existing.snapshot != snapshot {
                        try await updateWorker(existing.id, p, on: tx)
                        try await AuditTrail(db: tx, now: now).record(AuditEntry(
                            action: "worker.update", entity: "worker", entityID: existing.id.uuidString,
                            regionCode: p.input.location?.village.dotted,
                            changes: AuditTrail.diff(old: existing.snapshot, new: snapshot), note: "import line \(p.line)"), by: auditActor)
                    }
                } else {
                    let id = UUID()
                    workerIDs[p.nik.digits] = id
                    newWorkers.append((id, p))
                }
            }
            for chunk in newWorkers.chunked(into: Self.batch) {
                var insert = sql.insert(into: "workers").columns(
                    "id", "nik", "name", "kk", "birth_place", "birth_date", "sex", "village_code", "rt", "rw", "street", "phone",
                    "occupation_code", "monthly_income", "disability", "welfare_decile", "created_at", "updated_at")
                for (id, p) in chunk {
                    let w = WorkerRow(input: p.input, nik: p.nik)
                    insert = insert.values(SQLBind(id), SQLBind(w.nik), SQLBind(w.name), SQLBind(w.kk), SQLBind(w.birthPlace),
                                           SQLBind(w.birthDate), SQLBind(w.sex), SQLBind(w.villageCode), SQLBind(w.rt), SQLBind(w.rw),
                                           SQLBind(w.street), SQLBind(w.phone), SQLBind(w.occupationCode), SQLBind(w.monthlyIncome),
                                           SQLBind(w.disability), SQLBind(w.welfareDecile), SQLBind(now), SQLBind(now))
                }
                try await insert.run()
            }
            let heirs = newWorkers.flatMap { id, p in (p.input.heirs ?? []).map { (id, $0) } }
            for chunk in heirs.chunked(into: Self.batch) {
                var insert = sql.insert(into: "heirs").columns("id", "worker_id", "name", "relation", "nik", "phone")
                for (workerID, heir) in chunk {
                    insert = insert.values(SQLBind(UUID()), SQLBind(workerID), SQLBind(heir.name), SQLBind(heir.relation),
                                           SQLBind(heir.nik), SQLBind(heir.phone))
                }
                try await insert.run()
            }
            let proposals = planned.filter { $0.existing?.proposals[program.id!] == nil }.map { (UUID(), $0) }
            for chunk in proposals.chunked(into: Self.batch) {
                var insert = sql.insert(into: "proposals").columns(
                    "id", "program_id", "worker_id", "status", "village_code", "rt", "rw", "proposed_by", "created_at",
                    "submitted_at", "updated_at", "warnings_confirmed")
                var events = sql.insert(into: "proposal_events").columns(
                    "id", "proposal_id", "at", "actor_user_id", "actor_username", "action", "from_status", "to_status", "note")
                for (id, p) in chunk {
                    let location = p.input.location!
                    insert = insert.values(SQLBind(id), SQLBind(program.id!), SQLBind(workerIDs[p.nik.digits]!),
                                           SQLBind(ProposalStatus.submitted.rawValue), SQLBind(location.village.dotted),
                                           SQLBind(location.rt), SQLBind(location.rw), SQLBind(proposer), SQLBind(now), SQLBind(now),
                                           SQLBind(now), SQLBind(true))
                    events = events.values(SQLBind(UUID()), SQLBind(id), SQLBind(now), SQLBind(auditActor.userID),
                                           SQLBind(auditActor.username), SQLBind("import"), SQLBind(ProposalStatus.draft.rawValue),
                                           SQLBind(ProposalStatus.submitted.rawValue), SQLBind("baris \(p.line)"))
                }
                try await insert.run()
                try await events.run()
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "import.proposals", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                note: "\(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.rejected) rejected of \(summary.rows) rows"),
                by: auditActor)
        }
    }

    private func updateWorker(_ id: UUID, _ p: ProposalImporter.Planned, on tx: any Database) async throws {
        guard let worker = try await WorkerModel.find(id, on: tx) else { return }
        WorkerRow(input: p.input, nik: p.nik).apply(to: worker)
        worker.updatedAt = now
        try await worker.update(on: tx)
    }
}
