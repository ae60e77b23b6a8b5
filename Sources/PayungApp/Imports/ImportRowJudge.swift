import Foundation
import PayungCore

/// What a file says once for all its rows: an RT sheet names its kelurahan
/// and RT in the title, not in every row. Used where a row has none.
struct ImportDefaults: Sendable, Equatable, Codable {
    /// Kelurahan by code or, within the Pemda, by name.
    var village: String? = nil
    var rt: String? = nil
    var rw: String? = nil
    /// Occupation as written in the file -> catalogue code (the mapping step).
    var occupations: [String: String] = [:]
}

/// Judges the rows of a proposal import, each on its own with the same
/// entry checks as the form, and turns the valid ones into what the writer
/// needs. Pure computation over an `ImportContext` loaded beforehand, so the
/// rows are split across the machine's cores; only the in-file duplicate
/// check needs the rows in order and runs afterwards (`ProposalImporter`).
struct ImportRowJudge: Sendable {
    let mapping: ColumnMapping
    let context: ImportContext
    let rules: ProgramRules
    let programID: UUID
    let actor: Actor?
    let today: CalendarDate
    var defaults = ImportDefaults()
    /// Column of each field (by `ImportField.allCases` position), looked up once.
    private let columns: [Int?]

    init(mapping: ColumnMapping, context: ImportContext, rules: ProgramRules, programID: UUID, actor: Actor?, today: CalendarDate) {
        self.mapping = mapping
        self.context = context
        self.rules = rules
        self.programID = programID
        self.actor = actor
        self.today = today
        columns = ImportField.allCases.map { mapping.column(of: $0) }
    }

    /// What became of one row before the in-file duplicate check.
    enum Verdict: Sendable {
        /// Refused before its NIK counts as seen in the file.
        case refused(ImportRejection)
        /// A row whose NIK counts as seen (when valid); `outcome` applies
        /// unless an earlier row has the same NIK.
        case judged(nik: String?, outcome: Outcome)
    }

    enum Outcome: Sendable {
        case refused(ImportRejection)
        case planned(ProposalImporter.Planned)
    }

    /// Judges `rows` in parallel, keeping their order.
    func judgeAll(_ rows: [TabularFile.Row], progress: ImportProgress?) async -> [Verdict] {
        let counter = ProgressCounter(total: rows.count, progress: progress)
        return await rows.concurrentParts { part in
            var caches = Caches()
            return part.enumerated().map { n, row in
                if n > 0, n % 10_000 == 0 { counter.add(10_000) }
                return judge(row, caches: &caches)
            }
        }
    }

    /// Look-ups repeated on almost every row (a file names a few dozen
    /// villages and occupations), kept per worker task.
    struct Caches {
        var villages: [String: (RegionCode?, String?)] = [:]
        var occupations: [String: String] = [:]
    }

    private func cell(_ row: TabularFile.Row, _ field: ImportField) -> String {
        guard let c = columns[field.position], c < row.cells.count else { return "" }
        return row.cells[c].trimmedQuickly
    }

    func judge(_ row: TabularFile.Row, caches: inout Caches) -> Verdict {
        func rejection(_ field: ImportField, _ code: String, _ message: String) -> ImportRejection {
            ImportRejection(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: row.cells)
        }
        let nikText = cell(row, .nik)
        if let c = columns[ImportField.nik.position], row.numeric.contains(c), nikText.count == 16, nikText.hasSuffix("0") {
            return .refused(rejection(.nik, NIKImportCheck.storedAsNumber.code, NIKImportCheck.storedAsNumber.message))
        }
        let villageText = cell(row, .village).nilIfBlank ?? defaults.village ?? ""
        let resolved = caches.villages[villageText] ?? context.village(villageText)
        caches.villages[villageText] = resolved
        let (village, villageProblem) = resolved
        if let villageProblem { return .refused(rejection(.village, "village_unknown", villageProblem)) }
        let occupationText = cell(row, .occupation)
        var occupation: String?
        if !occupationText.isEmpty {
            occupation = caches.occupations[occupationText] ?? defaults.occupations[occupationText]
                ?? context.occupations[ImportField.normalise(occupationText)]
            guard let known = occupation else {
                let suggestion = context.occupationSuggestion(for: occupationText).map { " Maksud Anda \"\($0)\"?" } ?? ""
                return .refused(rejection(.occupation, "occupation_unknown",
                                          "Jenis pekerjaan \"\(occupationText.prefix(60))\" tidak dikenal.\(suggestion) Pilih padanannya di langkah pemetaan atau tambahkan sebagai nama lain di katalog."))
            }
            caches.occupations[occupationText] = known
        }
        let sexText = cell(row, .sex)
        let heirName = cell(row, .heirName)
        var input = ProposalInput(
            programID: programID, nik: nikText, name: cell(row, .name), kk: cell(row, .kk).nilIfBlank,
            birthPlace: cell(row, .birthPlace).nilIfBlank, village: village?.dotted ?? "", rt: cell(row, .rt).nilIfBlank ?? defaults.rt,
            rw: cell(row, .rw).nilIfBlank ?? defaults.rw, street: cell(row, .street).nilIfBlank,
            // A phone typo never costs a worker their row: an unreadable phone is left out (a blank never erases).
            phone: PhoneNumber(cell(row, .phone))?.digits,
            occupation: occupation, monthlyIncome: Rupiah(parsing: cell(row, .monthlyIncome)).map(\.amount),
            disability: cell(row, .disability).nilIfBlank, welfareDecile: Int(cell(row, .welfareDecile)),
            heirs: heirName.isEmpty ? [] : [HeirInput(name: heirName, relation: cell(row, .heirRelation).nilIfBlank ?? "lainnya",
                                                       phone: PhoneNumber(cell(row, .heirPhone))?.digits)],
            submit: true, confirmWarnings: true)
        let location = village.map { RecordLocation(village: $0, rt: input.rt, rw: input.rw) }
        if let location, let actor, !AccessPolicy.may(actor, .importExport, at: location) {
            return .refused(rejection(.village, "outside_scope", "Alamat di luar wilayah Anda."))
        }
        let nik = try? NIK(parsing: input.nik, today: today)
        var duplicates: [DuplicateFinding] = []
        let existing = nik.flatMap { context.existing[$0.digits] }
        if let nik {
            for (otherProgram, status) in existing?.proposals ?? [:] where otherProgram != programID && status.isOpen {
                duplicates.append(.otherProgram(programName: context.programNames[otherProgram] ?? "?", status: status))
            }
            if context.participantsElsewhere.contains(nik.digits) { duplicates.append(.participantElsewhere) }
            if let segment = context.bpjsActive[nik.digits] { duplicates.append(.bpjsActive(segment: segment)) }
        }
        let entry = ProposalEntry(nik: input.nik, name: input.name, village: village, occupation: occupation,
                                  heirCount: heirName.isEmpty ? 0 : 1)
        let issues = EntryCheck.run(entry, rules: rules, today: today, knownRegions: context.knownRegions,
                                    duplicates: duplicates, occupationNames: context.occupationNames)
        let outcome: Outcome
        if let error = issues.first(where: { $0.severity == .error }) {
            let field = ImportField(rawValue: error.field) ?? (error.field == "heirs" ? .heirName : .nik)
            outcome = .refused(rejection(field, error.code, error.message))
        } else if !sexText.isEmpty, Sex(written: sexText) == nil {
            outcome = .refused(rejection(.sex, "sex_invalid", "Jenis kelamin \"\(sexText.prefix(20))\" tidak terbaca: tulis L atau P (Laki-laki/Perempuan)."))
        } else if let sex = Sex(written: sexText), let nik, sex != nik.sex {
            outcome = .refused(rejection(.sex, "sex_mismatch", "Jenis kelamin \(sex.indonesianName) tidak sama dengan NIK (\(nik.sex.indonesianName))."))
        } else if let birth = SpreadsheetValue.date(cell(row, .birthDate)), let nik, birth != nik.birthDate {
            outcome = .refused(rejection(.birthDate, "birth_date_mismatch",
                                         "Tanggal lahir \(birth.indonesian) tidak sama dengan tanggal di NIK (\(nik.birthDate.indonesian))."))
        } else {
            input.nik = nik!.digits
            outcome = .planned(ProposalImporter.Planned(line: row.line, nik: nik!, heirs: input.heirs ?? [], location: location!,
                                                       worker: WorkerRow(input: input, nik: nik!), existing: existing))
        }
        return .judged(nik: nik?.digits, outcome: outcome)
    }
}

extension ImportField {
    /// Position in `allCases`, for array look-ups.
    var position: Int { Self.positions[self]! }
    private static let positions = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

/// Progress reported from several worker tasks.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let progress: ImportProgress?

    init(total: Int, progress: ImportProgress?) {
        self.total = total
        self.progress = progress
    }

    func add(_ n: Int) {
        guard let progress else { return }
        let now = lock.withLock { done += n; return done }
        progress(now, total)
    }
}
