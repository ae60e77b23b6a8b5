import Fluent
import Foundation
import PayungCore
import SQLKit

/// Writes the valid rows of an import in one transaction through
/// `BulkInsert` (COPY on PostgreSQL): new workers, their heirs, changed
/// workers, new proposals and their first event, and one audit row for the
/// whole import.
struct ImportWriter {
    let db: any Database
    let now: Date

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
            let now = self.now
            try await BulkInsert.insert(
                into: "workers",
                columns: ["id", "nik", "name", "kk", "birth_place", "birth_date", "sex", "village_code", "rt", "rw", "street", "phone",
                          "occupation_code", "monthly_income", "disability", "welfare_decile", "created_at", "updated_at"],
                rows: newWorkers.map { id, p in
                    let w = WorkerRow(input: p.input, nik: p.nik)
                    return [.uuid(id), .text(w.nik), .text(w.name), .text(w.kk), .text(w.birthPlace), .text(w.birthDate), .text(w.sex),
                            .text(w.villageCode), .text(w.rt), .text(w.rw), .text(w.street), .text(w.phone), .text(w.occupationCode),
                            .int(w.monthlyIncome), .text(w.disability), .int(w.welfareDecile), .date(now), .date(now)]
                }, on: tx)
            try await BulkInsert.insert(
                into: "heirs", columns: ["id", "worker_id", "name", "relation", "nik", "phone"],
                rows: newWorkers.flatMap { workerID, p in
                    (p.input.heirs ?? []).map { heir -> [BulkValue] in
                        [.uuid(UUID()), .uuid(workerID), .text(heir.name), .text(heir.relation), .text(heir.nik), .text(heir.phone)]
                    }
                }, on: tx)
            let proposals = planned.filter { $0.existing?.proposals[program.id!] == nil }.map { (UUID(), $0) }
            try await BulkInsert.insert(
                into: "proposals",
                columns: ["id", "program_id", "worker_id", "status", "village_code", "rt", "rw", "proposed_by", "created_at",
                          "submitted_at", "updated_at", "warnings_confirmed"],
                rows: proposals.map { id, p in
                    let location = p.input.location!
                    return [.uuid(id), .uuid(program.id!), .uuid(workerIDs[p.nik.digits]!), .text(ProposalStatus.submitted.rawValue),
                            .text(location.village.dotted), .text(location.rt), .text(location.rw), .uuid(proposer), .date(now), .date(now),
                            .date(now), .bool(true)]
                }, on: tx)
            try await BulkInsert.insert(
                into: "proposal_events",
                columns: ["id", "proposal_id", "at", "actor_user_id", "actor_username", "action", "from_status", "to_status", "note"],
                rows: proposals.map { id, p in
                    [.uuid(UUID()), .uuid(id), .date(now), .uuid(auditActor.userID), .text(auditActor.username), .text("import"),
                     .text(ProposalStatus.draft.rawValue), .text(ProposalStatus.submitted.rawValue), .text("baris \(p.line)")]
                }, on: tx)
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
