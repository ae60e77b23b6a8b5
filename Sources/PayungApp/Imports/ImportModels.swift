import Foundation
import PayungCore
import Vapor

/// A row an import refused, with where and why, and the row as it was.
struct ImportRejection: Sendable, Codable {
    let line: Int
    let column: String
    let code: String
    let message: String
    let cells: [String]
}

/// What an import did (or, in a dry run, would do).
struct ImportSummary: Content, Sendable {
    var rows = 0
    var inserted = 0
    var updated = 0
    var unchanged = 0
    var rejected = 0
    var dryRun = false
    var headerLine = 0
    /// Column header -> field, as detected or given.
    var mapping: [String: String] = [:]
    var seconds = 0.0
}

/// One stored person an import changes (or, in a dry run, would change):
/// every field, old -> new, as the merge rule decided.
struct ImportRecordChange: Content, Sendable {
    struct Field: Content, Sendable {
        let field: String
        let label: String
        let old: String?
        let new: String
    }
    let line: Int
    /// Masked: the change list is shown on pages and kept in reports.
    let nik: String
    let name: String
    let fields: [Field]

    init(line: Int, nik: String, name: String, changes: [PersonFieldChange]) {
        self.line = line
        self.nik = NIK.mask(nik)
        self.name = name
        fields = changes.map { Field(field: $0.field.rawValue, label: $0.field.indonesianName, old: $0.old, new: $0.new) }
    }

    /// "Nomor HP: 0812 -> 0813; Desil kesejahteraan: (kosong) -> 2".
    var sentence: String {
        fields.map { "\($0.label): \($0.old ?? "(kosong)") -> \($0.new)" }.joined(separator: "; ")
    }
}

struct ImportResult: Sendable, Codable {
    var summary: ImportSummary
    var rejections: [ImportRejection]
    var headers: [String]
    /// Every stored person the import changes, with each changed field.
    var changes: [ImportRecordChange] = []
    /// Occupations as written in the file that match nothing (for the mapping step).
    var unknownOccupations: [String] = []

    /// An empty result for a file read with `mapping`.
    init(mapping: ColumnMapping, dryRun: Bool) {
        summary = ImportSummary()
        summary.dryRun = dryRun
        summary.headerLine = mapping.headerLine
        summary.mapping = Dictionary(mapping.fields.map { (mapping.headers[$0.key], $0.value.rawValue) }, uniquingKeysWith: { a, _ in a })
        rejections = []
        headers = mapping.headers
    }

    /// Records a refused row.
    mutating func reject(_ row: TabularFile.Row, _ mapping: ColumnMapping, _ field: ImportField, _ code: String, _ message: String) {
        rejections.append(ImportRejection(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: row.cells))
    }
}

/// Reports progress of a long run: rows done of rows total.
typealias ImportProgress = @Sendable (_ done: Int, _ total: Int) -> Void

/// Errors that stop an import before anything is written.
enum ImportError: DomainError {
    case headerNotFound(required: [ImportField], seen: [String])
    case programNotFound(String)
    case empty

    var code: String {
        switch self {
        case .headerNotFound: "header_not_found"
        case .programNotFound: "program_not_found"
        case .empty: "file_empty"
        }
    }

    var message: String {
        switch self {
        case .headerNotFound(let required, let seen):
            "Kolom wajib (\(required.map(\.indonesianHeader).joined(separator: ", "))) tidak ditemukan di judul kolom. Judul yang terbaca: \(seen.filter { !$0.isEmpty }.prefix(12).joined(separator: ", ")). Pilih kolom secara manual."
        case .programNotFound(let code): "Program \(code) tidak ditemukan."
        case .empty: "Berkas tidak berisi baris data."
        }
    }

    var kind: DomainErrorKind { self == .programNotFound("") ? .notFound : .invalidInput }

    static func == (a: ImportError, b: ImportError) -> Bool { a.code == b.code }
}

/// Writes the rejected rows as an XLSX: line, column, reason, then the row as it was.
enum RejectionReport {
    static func write(_ result: ImportResult, to url: URL) throws {
        let writer = try XLSXWriter(url: url, sheetName: "Ditolak", headers: ["Baris", "Kolom", "Kode", "Alasan"] + result.headers)
        for r in result.rejections {
            try writer.append([.number(Int64(r.line)), .text(r.column), .text(r.code), .text(r.message)] + r.cells.map { .text($0) })
        }
        try writer.finish()
    }
}
