import Fluent
import Foundation
import PayungCore
import SQLKit

/// Imports a roster of proposals for one program: every row judged by the
/// same entry checks as the form, valid rows applied in one transaction,
/// re-imports changing nothing (upsert by NIK).
struct ProposalImporter {
    let db: any Database
    let now: Date
    let today: CalendarDate
    /// Kelurahan, RT/RW and occupation mappings the whole file shares.
    var defaults = ImportDefaults()

    /// A valid row ready to write.
    struct Planned: Sendable {
        let line: Int
        let nik: NIK
        /// Heirs named on the line (at most one column set today).
        let heirs: [HeirInput]
        let location: RecordLocation
        /// The registry row this line makes.
        let worker: WorkerRow
        let existing: ImportContext.ExistingWorker?
    }

    func run(_ file: TabularFile, program: ProgramModel, fileName: String = "", actor: Actor?, by auditActor: AuditActor, dryRun: Bool,
             explicit: [String: ImportField] = [:], progress: ImportProgress? = nil) async throws -> ImportResult {
        let started = Date()
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik, .name], explicit: explicit) else {
            throw ImportError.headerNotFound(required: [.nik, .name], seen: file.rows.first?.cells ?? [])
        }
        let rows = Array(file.rows.dropFirst(mapping.headerRowIndex + 1))
        guard !rows.isEmpty else { throw ImportError.empty }
        let rules = try await program.rules(on: db)
        let today = self.today
        guard rules.newCoverageStart(today: today) != nil else {
            throw AppError(code: "program_ended", message: "Program \(program.name) berjalan \(rules.periodText) dan sudah berakhir: usulan baru tidak diterima.",
                           kind: .invalidInput)
        }
        let niks: [String] = await rows.concurrentCompactMap { row in
            try? NIK(parsing: mapping.value(row, .nik), today: today).digits
        }
        let context = try await ImportContext.load(db: db, pemda: rules.regency, niks: niks)
        let loaded = Date()

        var judge = ImportRowJudge(mapping: mapping, context: context, rules: rules, programID: program.id!, actor: actor, today: today)
        judge.defaults = defaults
        let verdicts = await judge.judgeAll(rows, progress: progress)
        var result = ImportResult(mapping: mapping, dryRun: dryRun)
        result.summary.rows = rows.count
        var planned: [Planned] = []
        planned.reserveCapacity(rows.count)
        var seen: [String: Int] = [:]
        seen.reserveCapacity(rows.count)
        for (index, verdict) in verdicts.enumerated() {
            switch verdict {
            case .refused(let rejection):
                result.rejections.append(rejection)
            case .judged(let nik, let outcome):
                if let nik {
                    if let first = seen[nik] {
                        let row = rows[index]
                        result.reject(row, mapping, .nik, "duplicate_in_file", "NIK ini sudah ada di baris \(first) berkas ini.")
                        continue
                    }
                    seen[nik] = rows[index].line
                }
                switch outcome {
                case .refused(let rejection): result.rejections.append(rejection)
                case .planned(let p): planned.append(p)
                }
            }
        }
        progress?(rows.count, rows.count)
        result.summary.rejected = result.rejections.count
        if let column = mapping.column(of: .occupation) {
            let unknown = result.rejections.filter { $0.code == "occupation_unknown" && column < $0.cells.count }.map { $0.cells[column].trimmedQuickly }
            result.unknownOccupations = Array(Set(unknown)).sorted().prefix(200).map { $0 }
        }
        for p in planned {
            if let existing = p.existing {
                let changes = PersonRecordMerge.merge(p.worker.fields, into: existing.fields, from: .proposalImport).changes
                let changed = !changes.isEmpty
                if changed {
                    result.changes.append(ImportRecordChange(line: p.line, nik: p.nik.digits, name: existing.fields[.name] ?? p.worker.name,
                                                             changes: changes))
                }
                if existing.proposals[program.id!] == nil { result.summary.inserted += 1 }
                else if changed { result.summary.updated += 1 } else { result.summary.unchanged += 1 }
            } else {
                result.summary.inserted += 1
            }
        }
        let judged = Date()
        if !dryRun, !planned.isEmpty {
            try await ImportWriter(db: db, now: now).apply(planned, program: program, fileName: fileName, actor: actor, by: auditActor, summary: result.summary)
        }
        result.summary.seconds = Date().timeIntervalSince(started)
        if ProcessInfo.processInfo.environment["PAYUNG_IMPORT_TIMING"] == "1" {
            print(String(format: "import phases: context %.2f s, rows %.2f s, write %.2f s", loaded.timeIntervalSince(started),
                         judged.timeIntervalSince(loaded), Date().timeIntervalSince(judged)))
        }
        return result
    }
}

/// A NIK typed into a number cell: Excel keeps 15 significant digits, so a
/// 16-digit NIK ending in 0 has most likely lost its last digit.
enum NIKImportCheck {
    static let storedAsNumber = (code: "nik_stored_as_number",
                                 message: "NIK tersimpan sebagai angka di Excel, yang hanya menyimpan 15 digit, sehingga digit terakhir kemungkinan hilang. Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP.")
}
