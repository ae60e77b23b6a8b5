import Fluent
import Foundation
import PayungCore
import SQLKit

/// A Pemda's past years, brought in when it adopts Payung: participants of a
/// program with their KPJ, coverage start and (optionally) end, straight
/// from a sheet, without the proposal workflow. Each becomes the Pemda's
/// record of the person (merge rule), a participation in the program
/// (`active`, or `ended` when it ended or the program has), and their BPJS
/// membership; the run and every row are marked as history in the audit
/// trail. Settings managers only.
struct HistoryImporter {
    let db: any Database
    let now: Date
    let today: CalendarDate

    struct Planned: Sendable {
        let line: Int
        let nik: NIK
        let worker: WorkerRow
        let location: RecordLocation
        let kpj: String
        let start: CalendarDate
        let end: CalendarDate?
        let existing: ImportContext.ExistingWorker?
    }

    func run(_ file: TabularFile, program: ProgramModel, fileName: String = "", by auditActor: AuditActor, dryRun: Bool) async throws -> ImportResult {
        let started = Date()
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik, .name, .kpj]) else {
            throw ImportError.headerNotFound(required: [.nik, .name, .kpj], seen: file.rows.first?.cells ?? [])
        }
        let rows = Array(file.rows.dropFirst(mapping.headerRowIndex + 1))
        guard !rows.isEmpty else { throw ImportError.empty }
        let rules = try await program.rules(on: db)
        let niks = rows.compactMap { try? NIK(parsing: mapping.value($0, .nik), today: today).digits }
        let context = try await ImportContext.load(db: db, pemda: rules.regency, niks: niks)
        let memberships = BPJSMembershipQueries(db: db)
        var result = ImportResult(mapping: mapping, dryRun: dryRun)
        var planned: [Planned] = []
        var seen: [String: Int] = [:]
        var kpjs: [String: String] = [:]
        for row in rows {
            result.summary.rows += 1
            let cell = { (field: ImportField) in mapping.value(row, field) }
            func reject(_ field: ImportField, _ code: String, _ message: String) {
                result.rejections.append(.init(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: row.cells))
            }
            let nik: NIK
            do { nik = try NIK(parsing: cell(.nik), today: today) } catch { reject(.nik, error.code, error.message); continue }
            guard cell(.name).count >= 2 else { reject(.name, "name_missing", "Nama wajib diisi."); continue }
            let kpj: KPJ
            do { kpj = try KPJ(parsing: cell(.kpj)) } catch { reject(.kpj, error.code, error.message); continue }
            guard let start = SpreadsheetValue.date(cell(.startDate)), rules.covers(start) else {
                reject(.startDate, "start_date_outside_period",
                       "Tanggal mulai kepesertaan wajib diisi dan berada di periode program (\(rules.periodText))."); continue
            }
            let endText = cell(.endDate)
            let end = SpreadsheetValue.date(endText)
            if !endText.isEmpty, end == nil || end! < start || end! > rules.end.lastDay {
                reject(.endDate, "end_date_invalid", "Tanggal berakhir harus sesudah tanggal mulai dan paling lambat akhir program (\(rules.end.lastDay.indonesian))."); continue
            }
            let (village, villageProblem) = context.village(cell(.village))
            guard let village else {
                reject(.village, "village_unknown", villageProblem ?? "Kelurahan/desa wajib diisi (kode atau nama)."); continue
            }
            guard village.isWithin(rules.regency) else {
                reject(.village, "village_outside_pemda", "Kelurahan/desa \(village.dotted) di luar wilayah program."); continue
            }
            let occupationText = cell(.occupation)
            let occupation = occupationText.isEmpty ? nil : context.occupations[ImportField.normalise(occupationText)]
            if !occupationText.isEmpty, occupation == nil {
                reject(.occupation, "occupation_unknown", "Jenis pekerjaan \"\(occupationText.prefix(60))\" tidak dikenal."); continue
            }
            if let first = seen[nik.digits] { reject(.nik, "duplicate_in_file", "NIK ini sudah ada di baris \(first) berkas ini."); continue }
            seen[nik.digits] = row.line
            do {
                let holder = try await memberships.holder(kpj: kpj.digits) ?? kpjs[kpj.digits]
                _ = try BPJSMembership.register(nik: nik.digits, kpj: kpj.digits, start: start,
                                                current: try await memberships.membership(nik: nik.digits), kpjHolder: holder)
            } catch let error as MembershipError { reject(.kpj, error.code, error.message); continue }
            kpjs[kpj.digits] = nik.digits
            let input = ProposalInput(programID: program.id!, nik: nik.digits, name: cell(.name), village: village.dotted,
                                      rt: cell(.rt).nilIfBlank, rw: cell(.rw).nilIfBlank, phone: cell(.phone).nilIfBlank,
                                      occupation: occupation)
            let existing = context.existing[nik.digits]
            if existing?.proposals[program.id!] != nil { result.summary.unchanged += 1; continue }
            planned.append(Planned(line: row.line, nik: nik, worker: WorkerRow(input: input, nik: nik),
                                   location: RecordLocation(village: village, rt: input.rt, rw: input.rw),
                                   kpj: kpj.digits, start: start, end: end, existing: existing))
            result.summary.inserted += 1
        }
        result.summary.rejected = result.rejections.count
        if !dryRun, !planned.isEmpty {
            try await write(planned, program: program, rules: rules, fileName: fileName, summary: result.summary, by: auditActor)
        }
        result.summary.seconds = Date().timeIntervalSince(started)
        return result
    }

    private func write(_ planned: [Planned], program: ProgramModel, rules: ProgramRules, fileName: String, summary: ImportSummary,
                       by auditActor: AuditActor) async throws {
        let programEnded = rules.phase(today: today) == .ended
        try await db.transaction { tx in
            let runID = try await ImportRunModel.record("history", program: program.id, fileName: fileName, summary: summary,
                                                        by: auditActor, at: now, on: tx)
            for p in planned {
                let worker: WorkerModel
                if let existing = p.existing, let stored = try await WorkerModel.find(existing.id, on: tx) {
                    worker = stored
                    let changes = worker.merge(p.worker.fields, from: .proposalImport)
                    if !changes.isEmpty {
                        worker.updatedAt = now
                        try await worker.update(on: tx)
                        try await AuditTrail(db: tx, now: now).record(AuditEntry(
                            action: "worker.update", entity: "worker", entityID: worker.id!.uuidString, regionCode: p.location.village.dotted,
                            changes: AuditTrail.changes(changes), note: "history import line \(p.line)"), by: auditActor)
                    }
                } else {
                    worker = p.worker.newRecord(id: UUID(), pemda: rules.regency, at: now)
                    try await worker.create(on: tx)
                }
                try await BPJSMembershipQueries(db: tx).record(nik: p.nik.digits, kpj: p.kpj, start: p.start, now: now)
                let ended = p.end != nil || programEnded
                let proposal = ProposalModel()
                proposal.id = UUID()
                proposal.programID = program.id!
                proposal.workerID = worker.id!
                proposal.status = (ended ? ProposalStatus.ended : .active).rawValue
                proposal.villageCode = p.location.village.dotted
                proposal.rt = p.location.rt
                proposal.rw = p.location.rw
                proposal.createdAt = now
                proposal.updatedAt = now
                proposal.warningsConfirmed = true
                proposal.kpj = p.kpj
                proposal.bpjsStartDate = p.start.iso
                proposal.endReason = ended ? EndReason.programEnd.rawValue : nil
                proposal.importRunID = runID
                proposal.importLine = p.line
                try await proposal.create(on: tx)
                // A running participation holds its quota slot, as an approval
                // would; a sheet larger than the quota is refused whole.
                if !ended, try await !ProposalQueries(db: tx).takeQuotaSlot(programID: program.id!) {
                    throw ProposalError.quotaExhausted(quota: program.quota)
                }
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "import.history", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                note: "history: \(fileName) (import run \(runID.uuidString)): \(summary.inserted) participants, \(summary.unchanged) already there, \(summary.rejected) rejected of \(summary.rows) rows"),
                by: auditActor)
        }
    }
}
