import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// `payung import registry FILE --pemda 33.75`: a roster of people (a
/// DTKS/DTSEN extract may hold only NIK and name) into one Pemda's registry,
/// upsert by NIK within that Pemda, no program.
struct ImportRegistryCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV or XLSX with at least NIK and name columns") var file: String
        @Option(name: "sheet", help: "XLSX sheet name") var sheet: String?
        @Option(name: "report", help: "Write rejected rows to this XLSX") var report: String?
        @Option(name: "pemda", help: "The Pemda (regency or city code, e.g. 33.75) whose registry receives the roster") var pemda: String?
        @Flag(name: "dry-run", help: "Check and report only") var dryRun: Bool
        init() {}
    }

    var help: String { "Imports people into the registry (upsert by NIK)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let pemda = signature.pemda.flatMap(RegionCode.init), pemda.level == .regency else {
            throw AppError.invalid("pemda_required", "Sebutkan Pemda penerima dengan --pemda KODE (kabupaten/kota, mis. 33.75).")
        }
        let file = try TabularFile.read(path: signature.file, sheet: signature.sheet)
        let result = try await RegistryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
            .run(file, pemda: pemda, fileName: URL(fileURLWithPath: signature.file).lastPathComponent, dryRun: signature.dryRun, by: .cli("import registry"))
        try ImportOutput.print(result, report: signature.report, console: context.console)
    }
}

struct RegistryImporter {
    let db: any Database
    let now: Date
    let today: CalendarDate

    /// Upserts the roster into `pemda`'s records only: another Pemda's record
    /// of the same NIK is neither read nor changed (a new record is made),
    /// and rows addressed outside `pemda` are refused.
    func run(_ file: TabularFile, pemda: RegionCode, fileName: String = "", dryRun: Bool, by auditActor: AuditActor) async throws -> ImportResult {
        let started = Date()
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik, .name]) else {
            throw ImportError.headerNotFound(required: [.nik, .name], seen: file.rows.first?.cells ?? [])
        }
        var result = ImportResult(mapping: mapping, dryRun: dryRun)
        let cell = mapping.value
        var rows: [(NIK, ProposalInput, Int)] = []
        var seen: [String: Int] = [:]
        for row in file.rows.dropFirst(mapping.headerRowIndex + 1) {
            result.summary.rows += 1
            func reject(_ field: ImportField, _ code: String, _ message: String) {
                result.rejections.append(.init(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: row.cells))
            }
            let nik: NIK
            do { nik = try NIK(parsing: cell(row, .nik), today: today) } catch { reject(.nik, error.code, error.message); continue }
            guard cell(row, .name).count >= 2 else { reject(.name, "name_missing", "Nama wajib diisi."); continue }
            let village = cell(row, .village)
            if !village.isEmpty, RegionCode(village)?.level != .village {
                reject(.village, "village_invalid", "Kode kelurahan/desa \"\(village)\" tidak valid (mis. 33.75.01.1002)."); continue
            }
            if let code = RegionCode(village), !code.isWithin(pemda) {
                reject(.village, "village_outside_pemda", "Kelurahan/desa \(code.dotted) di luar wilayah \(pemda.dotted)."); continue
            }
            if let first = seen[nik.digits] { reject(.nik, "duplicate_in_file", "NIK ini sudah ada di baris \(first) berkas ini."); continue }
            seen[nik.digits] = row.line
            rows.append((nik, ProposalInput(programID: UUID(), nik: nik.digits, name: cell(row, .name), kk: cell(row, .kk).nilIfBlank,
                                            village: village, rt: cell(row, .rt).nilIfBlank, rw: cell(row, .rw).nilIfBlank,
                                            phone: cell(row, .phone).nilIfBlank, welfareDecile: Int(cell(row, .welfareDecile))), row.line))
        }
        result.summary.rejected = result.rejections.count
        let context = try await ImportContext.load(db: db, pemda: pemda, niks: rows.map { $0.0.digits })
        var toInsert: [WorkerRow] = []
        var toUpdate: [(UUID, WorkerRow)] = []
        for (nik, input, line) in rows {
            let row = WorkerRow(input: input, nik: nik)
            if let existing = context.existing[nik.digits] {
                // The merge rule keeps what the registry knows when the roster leaves a field empty.
                let changes = PersonRecordMerge.merge(row.fields, into: existing.fields, from: .registryImport).changes
                if changes.isEmpty {
                    result.summary.unchanged += 1
                } else {
                    result.summary.updated += 1
                    result.changes.append(ImportRecordChange(line: line, nik: nik.digits, name: existing.fields[.name] ?? row.name, changes: changes))
                    toUpdate.append((existing.id, row))
                }
            } else {
                result.summary.inserted += 1
                toInsert.append(row)
            }
        }
        if !dryRun {
            let summary = result.summary
            let (inserts, updates) = (toInsert, toUpdate)
            try await db.transaction { tx in
                let now = self.now
                try await BulkInsert.insert(
                    into: "workers",
                    columns: ["id", "pemda_code", "nik", "name", "kk", "birth_date", "sex", "village_code", "rt", "rw", "phone", "welfare_decile",
                              "created_at", "updated_at"],
                    rows: inserts.map { w in
                        [.uuid(UUID()), .text(pemda.dotted), .text(w.nik), .text(w.name), .text(w.kk), .text(w.birthDate), .text(w.sex), .text(w.villageCode),
                         .text(w.rt), .text(w.rw), .text(w.phone), .int(w.welfareDecile), .date(now), .date(now)]
                    }, on: tx)
                for (id, row) in updates {
                    guard let worker = try await WorkerModel.find(id, on: tx) else { continue }
                    let changes = worker.merge(row.fields, from: .registryImport)
                    guard !changes.isEmpty else { continue }
                    worker.updatedAt = now
                    try await worker.update(on: tx)
                    try await AuditTrail(db: tx, now: now).record(AuditEntry(
                        action: "worker.update", entity: "worker", entityID: id.uuidString, regionCode: worker.villageCode ?? worker.pemdaCode,
                        changes: AuditTrail.changes(changes), note: "registry import"), by: auditActor)
                }
                try await ImportRunModel.record("registry", program: nil, fileName: fileName, summary: summary, by: auditActor, at: now, on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "import.registry", entity: "workers", regionCode: pemda.dotted,
                    note: "\(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.rejected) rejected of \(summary.rows) rows"),
                    by: auditActor)
            }
        }
        result.summary.seconds = Date().timeIntervalSince(started)
        return result
    }
}
