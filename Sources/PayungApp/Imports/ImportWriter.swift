import Fluent
import Foundation
import PayungCore
import SQLKit

/// Writes the valid rows of an import in one transaction through
/// `BulkInsert` (COPY on PostgreSQL, one prepared statement on SQLite): new
/// workers, their heirs, changed workers, new proposals pointing at the
/// import run (their first history entry), the run itself, and one audit
/// row for the whole import.
struct ImportWriter {
    let db: any Database
    let now: Date

    func apply(_ planned: [ProposalImporter.Planned], program: ProgramModel, fileName: String, actor: Actor?,
               by auditActor: AuditActor, summary: ImportSummary) async throws {
        let proposer = actor.flatMap { UUID(uuidString: $0.userID) }
        try await db.transaction { tx in
            let runID = try await ImportRunModel.record("proposals", program: program.id, fileName: fileName, summary: summary,
                                                        by: auditActor, at: now, on: tx)
            try await BulkInsert.withLargeCache(on: tx, rows: planned.count) {
                try await write(planned, programID: program.id!, programRegency: program.regencyCode, runID: runID, proposer: proposer, by: auditActor, on: tx)
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "import.proposals", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                note: "\(fileName) (import run \(runID.uuidString)): \(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.rejected) rejected of \(summary.rows) rows"),
                by: auditActor)
        }
    }

    private func write(_ planned: [ProposalImporter.Planned], programID: UUID, programRegency: String, runID: UUID, proposer: UUID?, by auditActor: AuditActor,
                       on tx: any Database) async throws {
        var ids = TimeOrderedUUIDs()
        var newWorkers: [(id: UUID, row: WorkerRow)] = []
        var heirs: [(id: UUID, workerID: UUID, heir: HeirInput)] = []
        var proposals: [(id: UUID, workerID: UUID, village: String, rt: String?, rw: String?, line: Int)] = []
        newWorkers.reserveCapacity(planned.count)
        heirs.reserveCapacity(planned.count)
        proposals.reserveCapacity(planned.count)
        for p in planned {
            let workerID: UUID
            if let existing = p.existing {
                workerID = existing.id
                let changes = PersonRecordMerge.merge(p.worker.fields, into: existing.fields, from: .proposalImport).changes
                if !changes.isEmpty {
                    try await updateWorker(existing.id, p, on: tx)
                    try await AuditTrail(db: tx, now: now).record(AuditEntry(
                        action: "worker.update", entity: "worker", entityID: existing.id.uuidString,
                        regionCode: p.location.village.dotted,
                        changes: AuditTrail.changes(changes), note: "import line \(p.line)"), by: auditActor)
                }
            } else {
                workerID = ids.next()
                newWorkers.append((workerID, p.worker))
                for heir in p.heirs { heirs.append((ids.next(), workerID, heir)) }
            }
            if p.existing?.proposals[programID] == nil {
                proposals.append((ids.next(), workerID, p.worker.villageCode ?? p.location.village.dotted,
                                  p.location.rt, p.location.rw, p.line))
            }
        }
        let now = self.now
        let pemda = programRegency
        try await BulkInsert.insert(
            into: "workers",
            columns: ["id", "pemda_code", "nik", "name", "kk", "birth_place", "birth_date", "sex", "village_code", "rt", "rw", "street", "phone",
                      "occupation_code", "monthly_income", "disability", "welfare_decile", "created_at", "updated_at"],
            count: newWorkers.count, on: tx
        ) { [newWorkers] i, row in
            let (id, w) = newWorkers[i]
            row.uuid(id); row.text(pemda); row.text(w.nik); row.text(w.name); row.text(w.kk); row.text(w.birthPlace); row.text(w.birthDate)
            row.text(w.sex); row.text(w.villageCode); row.text(w.rt); row.text(w.rw); row.text(w.street); row.text(w.phone)
            row.text(w.occupationCode); row.int(w.monthlyIncome); row.text(w.disability); row.int(w.welfareDecile)
            row.date(now); row.date(now)
        }
        try await BulkInsert.insert(
            into: "heirs", columns: ["id", "worker_id", "name", "relation", "nik", "phone"], count: heirs.count, on: tx
        ) { [heirs] i, row in
            let (id, workerID, heir) = heirs[i]
            row.uuid(id); row.uuid(workerID); row.text(heir.name); row.text(heir.relation); row.text(heir.nik); row.text(heir.phone)
        }
        let submitted = ProposalStatus.submitted.rawValue
        try await BulkInsert.insert(
            into: "proposals",
            columns: ["id", "program_id", "worker_id", "status", "village_code", "rt", "rw", "proposed_by", "created_at",
                      "submitted_at", "updated_at", "warnings_confirmed", "import_run_id", "import_line"],
            count: proposals.count, on: tx
        ) { [proposals] i, row in
            let p = proposals[i]
            row.uuid(p.id); row.uuid(programID); row.uuid(p.workerID); row.text(submitted); row.text(p.village)
            row.text(p.rt); row.text(p.rw); row.uuid(proposer); row.date(now); row.date(now); row.date(now)
            row.bool(true); row.uuid(runID); row.int(p.line)
        }
    }

    private func updateWorker(_ id: UUID, _ p: ProposalImporter.Planned, on tx: any Database) async throws {
        guard let worker = try await WorkerModel.find(id, on: tx) else { return }
        worker.merge(p.worker.fields, from: .proposalImport)
        worker.updatedAt = now
        try await worker.update(on: tx)
    }
}
