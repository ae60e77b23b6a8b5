import Foundation

/// A finding of the entry checks: errors block submission, warnings need an
/// explicit confirmation.
public struct EntryIssue: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public let severity: Severity
    public let code: String
    /// The form field it is about (`nik`, `occupation`, `village`...).
    public let field: String
    public let message: String

    public init(severity: Severity, code: String, field: String, message: String) {
        self.severity = severity
        self.code = code
        self.field = field
        self.message = message
    }
}

/// Another record of the same person that the duplicate check found.
public enum DuplicateFinding: Sendable, Hashable {
    /// Already proposed or enrolled in this very program.
    case sameProgram(programName: String, status: ProposalStatus)
    /// Open (proposed or active) in another program or year.
    case otherProgram(programName: String, status: ProposalStatus)
    /// Already an active member in the list BPJS sent.
    case bpjsActive(segment: String?)
    /// A participant (approved, registered or active) in a program of
    /// another Pemda. That Pemda's record stays unseen: nothing of it (name,
    /// program, status) is told, only that the person is taken.
    case participantElsewhere
}

/// What the form or an import row says about a worker, as typed.
public struct ProposalEntry: Sendable {
    public var nik: String
    public var name: String
    public var village: RegionCode?
    public var occupation: String?
    public var heirCount: Int

    public init(nik: String, name: String, village: RegionCode?, occupation: String?, heirCount: Int) {
        self.nik = nik
        self.name = name
        self.village = village
        self.occupation = occupation
        self.heirCount = heirCount
    }
}

/// The checks run at the moment of entry, on the form and on every import
/// row, so a bad row never travels three offices before someone notices.
public enum EntryCheck {

    public static func run(_ entry: ProposalEntry, rules: ProgramRules, today: CalendarDate,
                           knownRegions: Set<RegionCode>?, duplicates: [DuplicateFinding],
                           occupationNames: [String: String] = [:]) -> [EntryIssue] {
        var issues: [EntryIssue] = []
        func error(_ code: String, _ field: String, _ message: String) {
            issues.append(EntryIssue(severity: .error, code: code, field: field, message: message))
        }
        func warning(_ code: String, _ field: String, _ message: String) {
            issues.append(EntryIssue(severity: .warning, code: code, field: field, message: message))
        }

        if rules.newCoverageStart(today: today) == nil {
            error("program_ended", "programID", "Program ini berjalan \(rules.periodText) dan sudah berakhir: usulan baru tidak diterima.")
        }
        if entry.name.trimmedQuickly.count < 2 {
            error("name_missing", "name", "Nama lengkap sesuai KTP wajib diisi.")
        }
        do {
            let nik = try NIK(parsing: entry.nik, today: today)
            for w in nik.warnings(knownRegions: knownRegions) { warning(w.code, "nik", w.message) }
            if !nik.regency.isWithin(rules.regency) {
                warning("nik_outside_pemda", "nik", "NIK ini diterbitkan kabupaten/kota lain, bukan wilayah program. Pastikan orang ini berdomisili di wilayah program (lihat KK atau surat domisili).")
            }
            // Age at the participant's real coverage start (none once the program has ended).
            if let start = rules.newCoverageStart(today: today)?.firstDay {
                let age = nik.birthDate.wholeYears(until: start)
                if !rules.ageBounds.contains(age: age) {
                    error("age_out_of_bounds", "nik", "Umur pada awal kepesertaan (\(start.indonesian)) \(age) tahun, di luar batas program \(rules.ageBounds.minimum) sampai \(rules.ageBounds.maximum) tahun.")
                }
            }
        } catch {
            issues.append(EntryIssue(severity: .error, code: error.code, field: "nik", message: error.message))
        }
        for duplicate in duplicates {
            switch duplicate {
            case .sameProgram(let program, let status):
                error("duplicate_in_program", "nik", "NIK ini sudah ada di program \(program) (status: \(status.indonesianName)).")
            case .otherProgram(let program, let status):
                error("duplicate_other_program", "nik", "NIK ini masih tercatat di program \(program) (status: \(status.indonesianName)).")
            case .participantElsewhere:
                error("participant_other_pemda", "nik", "NIK ini sudah menjadi peserta program Pemda lain. Hubungi Dinas bila orang ini sudah pindah domisili.")
            case .bpjsActive(let segment):
                error("duplicate_bpjs_active", "nik", "NIK ini sudah peserta aktif BPJS Ketenagakerjaan\(segment.map { " (segmen \($0))" } ?? "") menurut daftar dari BPJS.")
            }
        }
        if let occupation = entry.occupation, !occupation.isEmpty {
            if !rules.eligibleOccupations.contains(occupation) {
                error("occupation_not_eligible", "occupation", "Jenis pekerjaan \"\(occupationNames[occupation] ?? occupation)\" tidak termasuk program ini.")
            }
        } else {
            error("occupation_missing", "occupation", "Pilih jenis pekerjaan.")
        }
        if let village = entry.village {
            if village.level != .village {
                error("village_invalid", "village", "Alamat harus sampai kelurahan/desa.")
            } else if !village.isWithin(rules.regency) {
                error("village_outside_pemda", "village", "Alamat kelurahan ini berada di luar wilayah program; hanya warga kabupaten/kota program yang dapat diusulkan.")
            } else if let known = knownRegions, !known.contains(village) {
                error("village_unknown", "village", "Kelurahan/desa \(village.dotted) tidak ada di daftar wilayah.")
            }
        } else {
            error("village_missing", "village", "Pilih kelurahan/desa tempat tinggal.")
        }
        if entry.heirCount == 0 {
            warning("heir_missing", "heirs", "Belum ada ahli waris. Santunan kematian dibayar kepada ahli waris.")
        }
        return issues
    }
}
