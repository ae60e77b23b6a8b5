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

    /// A valid row ready to write.
    struct Planned {
        let line: Int
        let nik: NIK
        let input: ProposalInput
        let existing: ImportContext.ExistingWorker?
    }

    func run(_ file: TabularFile, program: ProgramModel, actor: Actor?, by auditActor: AuditActor, dryRun: Bool,
             explicit: [String: ImportField] = [:], progress: ImportProgress? = nil) async throws -> ImportResult {
        let started = Date()
        guard let mapping = ColumnMapping.detect(file.rows, required: [.nik, .name], explicit: explicit) else {
            throw ImportError.headerNotFound(required: [.nik, .name], seen: file.rows.first?.cells ?? [])
        }
        let rows = Array(file.rows.dropFirst(mapping.headerRowIndex + 1))
        guard !rows.isEmpty else { throw ImportError.empty }
        let rules = try await program.rules(on: db)
        let cell = mapping.value
        let niks = rows.compactMap { try? NIK(parsing: cell($0, .nik), today: today).digits }
        let context = try await ImportContext.load(db: db, regency: rules.regency, niks: niks)
        let loaded = Date()

        var result = ImportResult(mapping: mapping, dryRun: dryRun)
        var planned: [Planned] = []
        var seen: [String: Int] = [:]
        var villageCache: [String: (RegionCode?, String?)] = [:]
        var occupationCache: [String: String] = [:]
        for (index, row) in rows.enumerated() {
            if index % 10_000 == 0 { progress?(index, rows.count) }
            result.summary.rows += 1
            func reject(_ field: ImportField, _ code: String, _ message: String) {
                result.rejections.append(ImportRejection(line: row.line, column: mapping.header(of: field), code: code,
                                                         message: message, cells: row.cells))
            }
            if let c = mapping.column(of: .nik), row.numeric.contains(c), cell(row, .nik).count == 16, cell(row, .nik).hasSuffix("0") {
                reject(.nik, NIKImportCheck.storedAsNumber.code, NIKImportCheck.storedAsNumber.message)
                continue
            }
            let villageText = cell(row, .village)
            let resolved = villageCache[villageText] ?? context.village(villageText)
            villageCache[villageText] = resolved
            let (village, villageProblem) = resolved
            if let villageProblem { reject(.village, "village_unknown", villageProblem); continue }
            let occupationText = cell(row, .occupation)
            var occupation: String?
            if !occupationText.isEmpty {
                occupation = occupationCache[occupationText] ?? context.occupations[ImportField.normalise(occupationText)] ?? occupationText
                occupationCache[occupationText] = occupation
            }
            let heirName = cell(row, .heirName)
            var input = ProposalInput(
                programID: program.id!, nik: cell(row, .nik), name: cell(row, .name), kk: cell(row, .kk).nilIfBlank,
                birthPlace: cell(row, .birthPlace).nilIfBlank, village: village?.dotted ?? "", rt: cell(row, .rt).nilIfBlank,
                rw: cell(row, .rw).nilIfBlank, street: cell(row, .street).nilIfBlank, phone: cell(row, .phone).nilIfBlank,
                occupation: occupation, monthlyIncome: Rupiah(parsing: cell(row, .monthlyIncome)).map(\.amount),
                disability: cell(row, .disability).nilIfBlank, welfareDecile: Int(cell(row, .welfareDecile)),
                heirs: heirName.isEmpty ? [] : [HeirInput(name: heirName, relation: cell(row, .heirRelation).nilIfBlank ?? "lainnya",
                                                           phone: cell(row, .heirPhone).nilIfBlank)],
                submit: true, confirmWarnings: true)
            if let location = input.location, let actor, !AccessPolicy.may(actor, .importExport, at: location) {
                reject(.village, "outside_scope", "Alamat di luar wilayah Anda.")
                continue
            }
            let nik = try? NIK(parsing: input.nik, today: today)
            var duplicates: [DuplicateFinding] = []
            let existing = nik.flatMap { context.existing[$0.digits] }
            if let nik {
                if let first = seen[nik.digits] {
                    reject(.nik, "duplicate_in_file", "NIK ini sudah ada di baris \(first) berkas ini.")
                    continue
                }
                seen[nik.digits] = row.line
                for (programID, status) in existing?.proposals ?? [:] where programID != program.id && status.isOpen {
                    duplicates.append(.otherProgram(programName: context.programNames[programID] ?? "?", status: status))
                }
                if let segment = context.bpjsActive[nik.digits] { duplicates.append(.bpjsActive(segment: segment)) }
            }
            let issues = EntryCheck.run(input.entry, rules: rules, today: today, knownRegions: context.knownRegions,
                                        duplicates: duplicates, occupationNames: context.occupationNames)
            if let error = issues.first(where: { $0.severity == .error }) {
                let field = ImportField(rawValue: error.field) ?? (error.field == "heirs" ? .heirName : .nik)
                reject(field, error.code, error.message)
                continue
            }
            if let birth = SpreadsheetValue.date(cell(row, .birthDate)), let nik, birth != nik.birthDate {
                reject(.birthDate, "birth_date_mismatch", "Tanggal lahir \(birth.indonesian) tidak sama dengan tanggal di NIK (\(nik.birthDate.indonesian)).")
                continue
            }
            input.nik = nik!.digits
            planned.append(Planned(line: row.line, nik: nik!, input: input, existing: existing))
        }
        progress?(rows.count, rows.count)
        result.summary.rejected = result.rejections.count
        for p in planned {
            if let existing = p.existing {
                let changed = existing.snapshot != WorkerRow(input: p.input, nik: p.nik).snapshot
                if existing.proposals[program.id!] == nil { result.summary.inserted += 1 }
                else if changed { result.summary.updated += 1 } else { result.summary.unchanged += 1 }
            } else {
                result.summary.inserted += 1
            }
        }
        let judged = Date()
        if !dryRun, !planned.isEmpty {
            try await ImportWriter(db: db, now: now).apply(planned, program: program, actor: actor, by: auditActor, summary: result.summary)
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
