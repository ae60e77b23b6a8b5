import Foundation
import PayungCore

/// The columns Payung reads from BPJS's invoice (*tagihan iuran*) or
/// payment file for reconciliation: a `BPJSColumnLayout` over the invoice
/// fields. Headers are compared without case, spaces or punctuation, and a
/// field may have several headers (the names BPJS branches use). The
/// default is documented in docs/BILLING.md.
typealias BPJSInvoiceLayout = BPJSColumnLayout<BPJSInvoiceField>

enum BPJSInvoiceField: String, BPJSLayoutField {
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

    static let requiredFields: [Self] = [.nik, .month, .amount]

    static let standardLayout = BPJSInvoiceLayout(columns: [
        .init(header: "NIK", field: .nik), .init(header: "KPJ", field: .kpj), .init(header: "NAMA", field: .name),
        .init(header: "BULAN_IURAN", field: .month), .init(header: "IURAN", field: .amount), .init(header: "DIBAYAR", field: .paid),
        // What BPJS branch files commonly say instead.
        .init(header: "NO_KTP", field: .nik), .init(header: "NOMOR_PESERTA", field: .kpj), .init(header: "NAMA_PESERTA", field: .name),
        .init(header: "PERIODE", field: .month), .init(header: "BLTH", field: .month), .init(header: "TOTAL_IURAN", field: .amount),
        .init(header: "JUMLAH_IURAN", field: .amount), .init(header: "JUMLAH_BAYAR", field: .paid),
    ])
}

/// Where the invoice fields are in a file: the header row and the column of each.
struct BPJSInvoiceMapping {
    let headerRowIndex: Int
    let headers: [String]
    let columns: [BPJSInvoiceField: Int]

    func value(_ row: TabularFile.Row, _ field: BPJSInvoiceField) -> String {
        guard let i = columns[field], i < row.cells.count else { return "" }
        return row.cells[i].trimmingCharacters(in: .whitespaces)
    }

    func header(of field: BPJSInvoiceField) -> String { columns[field].map { headers[$0] } ?? field.rawValue }
}

extension BPJSColumnLayout where Field == BPJSInvoiceField {
    /// The first of the file's first 20 rows whose cells name every required field.
    func mapping(of rows: [TabularFile.Row]) -> BPJSInvoiceMapping? {
        let wanted = Dictionary(columns.map { (ImportField.normalise($0.header), $0.field) }, uniquingKeysWith: { a, _ in a })
        for (index, row) in rows.prefix(20).enumerated() {
            var found: [BPJSInvoiceField: Int] = [:]
            for (i, cell) in row.cells.enumerated() {
                if let field = wanted[ImportField.normalise(cell)], found[field] == nil { found[field] = i }
            }
            if Field.requiredFields.allSatisfy({ found[$0] != nil }) { return BPJSInvoiceMapping(headerRowIndex: index, headers: row.cells, columns: found) }
        }
        return nil
    }

    func headerNotFound(seen: [String]) -> TabularFileError {
        let names = Field.requiredFields.compactMap { f in columns.first { $0.field == f }?.header }
        return TabularFileError(code: "header_not_found",
                                message: "Baris judul kolom tidak ditemukan: berkas BPJS harus punya kolom \(names.joined(separator: ", ")). "
                                    + "Terbaca: \(seen.prefix(12).joined(separator: ", ").prefix(200)).")
    }
}
