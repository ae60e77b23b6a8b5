import Fluent
import Foundation
import PayungCore
import SQLKit

/// BPJS's answer to a registration batch: per row a KPJ number and start
/// date (the participant becomes `registered`), or a rejection reason (the
/// proposal goes back to its proposer with the reason, and frees its slot).
/// All rows in one transaction.
struct BPJSResultImport {
    let db: any Database
    let now: Date
    let today: CalendarDate

    func run(_ file: TabularFile, program: ProgramModel, fileName: String = "", by auditActor: AuditActor, dryRun: Bool) async throws -> ImportResult {
        let started = Date()
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik]) ?? ColumnMapping.detect(file.rows, required: [.proposalID]) else {
            throw ImportError.headerNotFound(required: [.nik], seen: file.rows.first?.cells ?? [])
        }
        var result = ImportResult(mapping: mapping, dryRun: dryRun)
        let cell = mapping.value
        let rules = try await program.rules(on: db)
        let approved = try await ProposalModel.query(on: db).filter(\.$programID == program.id!)
            .filter(\.$status == ProposalStatus.approved.rawValue).all()
        let workers = try await WorkerModel.query(on: db).filter(\.$id ~~ approved.map(\.workerID)).all()
        let nikByWorker = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0.nik) })
        var byNIK: [String: ProposalModel] = [:]
        var byID: [UUID: ProposalModel] = [:]
        for p in approved {
            byID[p.id!] = p
            if let nik = nikByWorker[p.workerID] { byNIK[nik] = p }
        }
        enum Outcome { case registered(ProposalModel, String, CalendarDate), returned(ProposalModel, String) }
        var outcomes: [Outcome] = []
        var registeredLines: [(line: Int, cells: [String])] = []
        for row in file.rows.dropFirst(mapping.headerRowIndex + 1) {
            result.summary.rows += 1
            func reject(_ field: ImportField, _ code: String, _ message: String) {
                result.rejections.append(.init(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: row.cells))
            }
            let proposal = UUID(uuidString: cell(row, .proposalID)).flatMap { byID[$0] }
                ?? (try? NIK(parsing: cell(row, .nik), today: today)).flatMap { byNIK[$0.digits] }
            guard let proposal else {
                reject(.nik, "not_awaiting_registration", "Tidak ada peserta berstatus Disetujui dengan NIK/ID ini di program \(program.name).")
                continue
            }
            let reason = cell(row, .rejection)
            if !cell(row, .kpj).isEmpty {
                let kpj: KPJ
                do { kpj = try KPJ(parsing: cell(row, .kpj)) } catch { reject(.kpj, error.code, error.message); continue }
                guard let start = SpreadsheetValue.date(cell(row, .startDate)) else {
                    reject(.startDate, "start_date_invalid", "Tanggal mulai kepesertaan tidak terbaca (dd/mm/yyyy)."); continue
                }
                guard rules.covers(start) else {
                    reject(.startDate, "start_date_outside_period",
                           "Tanggal mulai kepesertaan \(start.indonesian) di luar periode program (\(rules.periodText))."); continue
                }
                outcomes.append(.registered(proposal, kpj.digits, start))
                registeredLines.append((row.line, row.cells))
            } else if !reason.isEmpty {
                outcomes.append(.returned(proposal, reason))
                registeredLines.append((row.line, row.cells))
            } else {
                reject(.kpj, "result_missing", "Baris tanpa nomor KPJ dan tanpa alasan ditolak.")
            }
        }
        // A KPJ belongs to one person: refuse rows whose KPJ another NIK holds,
        // or whose person already has another KPJ (also between rows of the file).
        var claimed: [String: String] = [:]
        let memberships = BPJSMembershipQueries(db: db)
        var kept: [Outcome] = []
        for (index, o) in outcomes.enumerated() {
            guard case .registered(let p, let kpj, let start) = o, let nik = nikByWorker[p.workerID] else { kept.append(o); continue }
            do {
                let holder = try await memberships.holder(kpj: kpj) ?? claimed[kpj]
                _ = try BPJSMembership.register(nik: nik, kpj: kpj, start: start, current: try await memberships.membership(nik: nik),
                                                kpjHolder: holder)
                claimed[kpj] = nik
                kept.append(o)
            } catch let error as MembershipError {
                let line = registeredLines[index]
                result.rejections.append(.init(line: line.line, column: mapping.header(of: .kpj), code: error.code, message: error.message, cells: line.cells))
            }
        }
        outcomes = kept
        for o in outcomes { if case .registered = o { result.summary.inserted += 1 } else { result.summary.updated += 1 } }
        result.summary.rejected = result.rejections.count
        if !dryRun, !outcomes.isEmpty {
            let all = outcomes
            let summary = result.summary
            try await db.transaction { tx in
                let queries = ProposalQueries(db: tx)
                let service = ProposalService(db: tx, now: now, today: today)
                for outcome in all {
                    switch outcome {
                    case .registered(let p, let kpj, let start):
                        guard try await queries.compareAndSetStatus(p.id!, from: .approved, to: .registered, now: now) else { continue }
                        if let nik = nikByWorker[p.workerID] {
                            try await BPJSMembershipQueries(db: tx).record(nik: nik, kpj: kpj, start: start, now: now)
                        }
                        try await tx.sql.update("proposals").set("kpj", to: kpj).set("bpjs_start_date", to: start.iso)
                            .where("id", .equal, p.id!).run()
                        try await service.recordEvent(p, action: ProposalAction.register.rawValue, from: .approved, to: .registered,
                                                      note: "KPJ \(kpj) sejak \(start.indonesian)", reason: nil, by: auditActor, on: tx)
                    case .returned(let p, let reason):
                        guard try await queries.compareAndSetStatus(p.id!, from: .approved, to: .returned, now: now) else { continue }
                        try await queries.releaseQuotaSlot(programID: program.id!)
                        try await tx.sql.update("proposals").set("last_note", to: "BPJS: \(reason)").where("id", .equal, p.id!).run()
                        try await service.recordEvent(p, action: ProposalAction.return.rawValue, from: .approved, to: .returned,
                                                      note: "BPJS: \(reason)", reason: nil, by: auditActor, on: tx)
                    }
                }
                try await ImportRunModel.record("bpjs_result", program: program.id, fileName: fileName, summary: summary,
                                                by: auditActor, at: now, on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "bpjs.import_result", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                    note: "\(summary.inserted) registered, \(summary.updated) returned, \(summary.rejected) rejected rows of \(summary.rows)"),
                    by: auditActor)
            }
        }
        result.summary.seconds = Date().timeIntervalSince(started)
        return result
    }
}

/// BPJS's list of people already active (any segment), for the duplicate
/// check at entry. Upsert by NIK; `replace` clears the previous list first.
struct BPJSActiveImport {
    let db: any Database
    let now: Date
    let today: CalendarDate

    func run(_ file: TabularFile, fileName: String = "", replace: Bool, by auditActor: AuditActor) async throws -> ImportResult {
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik]) else {
            throw ImportError.headerNotFound(required: [.nik], seen: file.rows.first?.cells ?? [])
        }
        var result = ImportResult(mapping: mapping, dryRun: false)
        let cell = mapping.value
        var entries: [String: (String?, String?)] = [:]
        for row in file.rows.dropFirst(mapping.headerRowIndex + 1) {
            result.summary.rows += 1
            do {
                let nik = try NIK(parsing: cell(row, .nik), today: today)
                entries[nik.digits] = (cell(row, .kpj).nilIfBlank, cell(row, .segment).nilIfBlank?.uppercased())
            } catch {
                result.rejections.append(.init(line: row.line, column: mapping.header(of: .nik), code: error.code, message: error.message, cells: row.cells))
            }
        }
        result.summary.rejected = result.rejections.count
        let all = entries
        let existing = Set(try await ImportContext.present(Array(all.keys), in: "bpjs_active_participants", column: "nik", on: db))
        result.summary.inserted = all.count - existing.count
        result.summary.updated = existing.count
        let summary = result.summary
        try await db.transaction { tx in
            if replace { try await BPJSActiveParticipantModel.query(on: tx).delete() }
            else { for chunk in Array(existing).chunked(into: 500) { try await BPJSActiveParticipantModel.query(on: tx).filter(\.$id ~~ Array(chunk)).delete() } }
            let now = self.now
            try await BulkInsert.insert(into: "bpjs_active_participants", columns: ["nik", "kpj", "segment", "imported_at"],
                                        rows: all.map { nik, value in [.text(nik), .text(value.0), .text(value.1), .date(now)] }, on: tx)
            try await ImportRunModel.record("bpjs_active", program: nil, fileName: fileName, summary: summary, by: auditActor, at: now, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "bpjs.import_active", entity: "bpjs_active_participants",
                note: "\(summary.rows) rows, \(all.count) NIKs\(replace ? ", list replaced" : "")"), by: auditActor)
        }
        return result
    }
}
