import Foundation
import PayungCore

/// The columns Payung reads from BPJS's invoice (*tagihan iuran*) or
/// payment file for reconciliation. BPJS Ketenagakerjaan publishes no file
/// specification for collective (wadah) invoices, so, as for the
/// registration batch, the layout is configurable: a JSON list of
/// `{"header": "...", "field": "..."}`, headers compared without case,
/// spaces or punctuation. The default is documented in docs/BILLING.md.
struct BPJSInvoiceLayout: Codable, Sendable {
    enum Field: String, Codable, CaseIterable, Sendable {
        /// 16 digits; required.
        case nik
        /// Optional, shown beside the NIK.
        case kpj
        /// Optional: the name BPJS has, shown for lines Payung does not know.
        case name
        /// The contribution month; required (`2026-05`, `05/2026`, `Mei 2026`, a date).
        case month
        /// What BPJS billed for the NIK and month, whole rupiah; required.
        case amount
        /// What BPJS received for it (payment files); optional.
        case paid
    }

    struct Column: Codable, Sendable {
        let header: String
        let field: Field
    }

    let columns: [Column]

    static let required: [Field] = [.nik, .month, .amount]

    static let standard = BPJSInvoiceLayout(columns: [
        .init(header: "NIK", field: .nik), .init(header: "KPJ", field: .kpj), .init(header: "NAMA", field: .name),
        .init(header: "BULAN_IURAN", field: .month), .init(header: "IURAN", field: .amount), .init(header: "DIBAYAR", field: .paid),
        // What BPJS's branch files commonly say instead.
        .init(header: "NO_KTP", field: .nik), .init(header: "NOMOR_PESERTA", field: .kpj), .init(header: "NAMA_PESERTA", field: .name),
        .init(header: "PERIODE", field: .month), .init(header: "BLTH", field: .month), .init(header: "TOTAL_IURAN", field: .amount),
        .init(header: "JUMLAH_IURAN", field: .amount), .init(header: "JUMLAH_BAYAR", field: .paid),
    ])

    static let maxColumns = 60

    static func load(path: String?) throws -> BPJSInvoiceLayout {
        guard let path else { return .standard }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 64 * 1024 else { throw TabularFileError.unreadable(path) }
        return try decode(data)
    }

    static func decode(_ data: Data) throws -> BPJSInvoiceLayout {
        let invalid = TabularFileError(
            code: "layout_invalid",
            message: "Tata letak kolom tidak valid: harus JSON {\"columns\":[{\"header\":\"NIK\",\"field\":\"nik\"}, ...]} dengan kolom wajib "
                + "\(required.map(\.rawValue).joined(separator: ", ")). Field: \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
        guard let layout = try? JSONDecoder().decode(BPJSInvoiceLayout.self, from: data), layout.columns.count <= maxColumns,
              layout.columns.allSatisfy({ !$0.header.isEmpty && $0.header.count <= 80 }),
              required.allSatisfy({ f in layout.columns.contains { $0.field == f } }) else { throw invalid }
        return layout
    }

    /// Where the fields are: the first of the file's first 20 rows whose
    /// cells name every required field.
    struct Mapping {
        let headerRowIndex: Int
        let headers: [String]
        let columns: [Field: Int]

        func value(_ row: TabularFile.Row, _ field: Field) -> String {
            guard let i = columns[field], i < row.cells.count else { return "" }
            return row.cells[i].trimmingCharacters(in: .whitespaces)
        }

        func header(of field: Field) -> String { columns[field].map { headers[$0] } ?? field.rawValue }
    }

    func mapping(of rows: [TabularFile.Row]) -> Mapping? {
        let wanted = Dictionary(columns.map { (ImportField.normalise($0.header), $0.field) }, uniquingKeysWith: { a, _ in a })
        for (index, row) in rows.prefix(20).enumerated() {
            var found: [Field: Int] = [:]
            for (i, cell) in row.cells.enumerated() {
                if let field = wanted[ImportField.normalise(cell)], found[field] == nil { found[field] = i }
            }
            if Self.required.allSatisfy({ found[$0] != nil }) { return Mapping(headerRowIndex: index, headers: row.cells, columns: found) }
        }
        return nil
    }

    func headerNotFound(seen: [String]) -> TabularFileError {
        let names = Self.required.map { f in columns.first { $0.field == f }!.header }
        return TabularFileError(code: "header_not_found",
                                message: "Baris judul kolom tidak ditemukan: berkas BPJS harus punya kolom \(names.joined(separator: ", ")). "
                                    + "Terbaca: \(seen.prefix(12).joined(separator: ", ").prefix(200)).")
    }
}
