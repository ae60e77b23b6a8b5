import Foundation

/// The fields an import row can carry, and the column names people use for
/// them (Indonesian and English; case, spaces and punctuation ignored).
enum ImportField: String, CaseIterable, Sendable, Codable {
    case nik, name, kk, birthPlace, birthDate, sex, village, rt, rw, street, phone, occupation
    case monthlyIncome, disability, welfareDecile, heirName, heirRelation, heirPhone
    case kpj, startDate, rejection, segment, proposalID
    case endDate

    /// The column name used in exports and templates.
    var indonesianHeader: String {
        switch self {
        case .nik: "NIK"
        case .name: "Nama"
        case .kk: "No KK"
        case .birthPlace: "Tempat Lahir"
        case .birthDate: "Tanggal Lahir"
        case .sex: "Jenis Kelamin"
        case .village: "Kelurahan"
        case .rt: "RT"
        case .rw: "RW"
        case .street: "Alamat"
        case .phone: "No HP"
        case .occupation: "Jenis Pekerjaan"
        case .monthlyIncome: "Penghasilan"
        case .disability: "Disabilitas"
        case .welfareDecile: "Desil"
        case .heirName: "Ahli Waris"
        case .heirRelation: "Hubungan Ahli Waris"
        case .heirPhone: "HP Ahli Waris"
        case .kpj: "No KPJ"
        case .startDate: "Tanggal Mulai"
        case .rejection: "Alasan Ditolak"
        case .segment: "Segmen"
        case .proposalID: "ID Usulan"
        case .endDate: "Tanggal Berakhir"
        }
    }

    static let synonyms: [String: ImportField] = {
        let table: [ImportField: [String]] = [
            .nik: ["nik", "noktp", "nomorktp", "nomorindukkependudukan", "nonik", "nomornik", "niknomorktp", "nikktp"],
            .name: ["nama", "namalengkap", "name", "namapeserta", "namapekerja", "fullname", "namasesuaiktp"],
            .kk: ["kk", "nokk", "nomorkk", "nomorkartukeluarga", "familycard"],
            .birthPlace: ["tempatlahir", "birthplace", "tmptlahir"],
            .birthDate: ["tanggallahir", "tgllahir", "birthdate", "dateofbirth", "tgllhr"],
            .sex: ["jeniskelamin", "jk", "sex", "gender", "lp"],
            .village: ["kelurahan", "desa", "kelurahandesa", "desakelurahan", "kodekelurahan", "village", "kodewilayah", "kodedesa"],
            .rt: ["rt"], .rw: ["rw"],
            .street: ["alamat", "jalan", "address", "street", "alamatrumah"],
            .phone: ["nohp", "nomorhp", "hp", "telepon", "notelp", "phone", "nomortelepon", "nowa", "whatsapp"],
            .occupation: ["pekerjaan", "jenispekerjaan", "occupation", "profesi", "kodepekerjaan"],
            .monthlyIncome: ["penghasilan", "penghasilanbulanan", "pendapatan", "income", "monthlyincome", "upah"],
            .disability: ["disabilitas", "difabel", "disability", "jenisdisabilitas"],
            .welfareDecile: ["desil", "decile", "desildtks", "desildtsen"],
            .heirName: ["ahliwaris", "namaahliwaris", "heir", "heirname"],
            .heirRelation: ["hubungan", "hubunganahliwaris", "relation", "heirrelation"],
            .heirPhone: ["hpahliwaris", "heirphone", "nohpahliwaris"],
            .kpj: ["kpj", "nokpj", "nomorkpj", "nomorpeserta", "nopeserta", "membershipnumber"],
            .startDate: ["tanggalmulai", "tmt", "tglkepesertaan", "mulaikepesertaan", "startdate", "tanggalkepesertaan"],
            .rejection: ["alasanditolak", "alasan", "keterangan", "rejection", "reason"],
            .segment: ["segmen", "segment", "kodesegmen"],
            .proposalID: ["idusulan", "proposalid", "id"],
            .endDate: ["tanggalberakhir", "tanggalselesai", "akhirkepesertaan", "berakhir", "selesai", "enddate", "tmtberakhir"],
        ]
        var out: [String: ImportField] = [:]
        for (field, names) in table { for name in names { out[name] = field } }
        return out
    }()

    /// "No. HP " -> "nohp".
    static func normalise(_ header: String) -> String {
        if header.utf8.allSatisfy({ $0 < 128 }) {
            // ASCII fast path: letters lower-cased, digits kept, the rest dropped.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(header.utf8.count)
            for b in header.utf8 {
                switch b {
                case 65...90: bytes.append(b + 32)
                case 97...122, 48...57: bytes.append(b)
                default: break
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}

/// Which column holds which field, and on which row the headers are.
struct ColumnMapping: Sendable {
    let headerLine: Int
    let headerRowIndex: Int
    let headers: [String]
    var fields: [Int: ImportField]

    func column(of field: ImportField) -> Int? { fields.first { $0.value == field }?.key }

    /// The trimmed text of `field` in `row`; empty when the column is absent.
    func value(_ row: TabularFile.Row, _ field: ImportField) -> String {
        guard let c = column(of: field), c < row.cells.count else { return "" }
        return row.cells[c].trimmedQuickly
    }

    func header(of field: ImportField) -> String {
        column(of: field).map { headers[$0] } ?? field.indonesianHeader
    }

    /// Finds the header row among the first rows (title rows and merged cells
    /// above it are skipped): the one naming the most known fields, which must
    /// include `required`. `explicit` (column header -> field) overrides.
    static func detect(_ rows: [TabularFile.Row], required: [ImportField], explicit: [String: ImportField] = [:]) -> ColumnMapping? {
        var best: ColumnMapping?
        for (index, row) in rows.prefix(15).enumerated() {
            var fields: [Int: ImportField] = [:]
            for (column, header) in row.cells.enumerated() {
                let key = ImportField.normalise(header)
                if let field = explicit.first(where: { ImportField.normalise($0.key) == key })?.value ?? ImportField.synonyms[key],
                   !fields.values.contains(field) {
                    fields[column] = field
                }
            }
            let candidate = ColumnMapping(headerLine: row.line, headerRowIndex: index, headers: row.cells, fields: fields)
            if fields.count > (best?.fields.count ?? 0) { best = candidate }
        }
        guard let best, required.allSatisfy({ best.column(of: $0) != nil }) else { return nil }
        return best
    }
}
