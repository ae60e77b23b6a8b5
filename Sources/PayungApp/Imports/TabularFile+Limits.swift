import Foundation

extension TabularFile {
    /// What reading one spreadsheet may cost, so that a small upload cannot
    /// make the server expand gigabytes (a "zip bomb" XLSX) or hold millions
    /// of cells nobody will import. Every bound is checked while the bytes
    /// arrive, never after they have all been read.
    ///
    /// Sizes measured on 2026-11-21: Payung's own XLSX export of 1,000,000
    /// proposals (17 columns, inline strings) has a 1.07 GB worksheet that
    /// compresses about 15 to 1; the benchmark's CSV of 1,000,000 rows is
    /// 85 MB. A deflate bomb of repeated rows compresses about 340 to 1.
    struct Limits: Sendable {
        /// Non-empty rows kept, header included: one Excel sheet's own
        /// maximum (1,048,576), so a million-row roster with its header fits.
        var maxRows = 1_048_576
        /// Columns of one row: Excel's own maximum (XFD, 16,384).
        var maxColumns = 16_384
        /// Cells kept, the empty ones between filled ones included: 48
        /// columns on every row of a full sheet. Bounds memory when each
        /// cell is tiny (`<c r="XFD1"/>` alone would pad 16,384 cells).
        var maxCells = 48 * 1_048_576
        /// UTF-8 bytes of one cell: Excel holds at most 32,767 characters in
        /// a cell, at most 4 bytes each. Longer means a quote left open.
        var maxCellBytes = 4 * 32_767
        /// The file as uploaded or named on the command line (uploads stop
        /// at 100 MB before this).
        var maxFileBytes: Int64 = 512 << 20
        /// One worksheet once expanded: twice the million-row export.
        var maxSheetBytes: Int64 = 2 << 30
        /// The shared strings once expanded (a million rows of distinct
        /// names, NIKs, addresses and phones take about 150 MB).
        var maxSharedStringsBytes: Int64 = 512 << 20
        /// Every other part read (workbook, relationships, styles).
        var maxOtherPartBytes: Int64 = 64 << 20
        /// Expanded bytes per stored byte of one part, checked once the part
        /// has expanded past `ratioGraceBytes`. 100 is Apache POI's default
        /// (`ZipSecureFile.setMinInflateRatio(0.01)`): real sheets compress
        /// 5 to 30 times, bombs several hundred times, so a bomb is refused
        /// after expanding 100 times its stored size, in a second or two.
        var maxRatio: Int64 = 100
        var ratioGraceBytes: Int64 = 1 << 20

        static let standard = Limits()
    }
}

extension TabularFileError {
    /// Not a zip, nor text: a picture or PDF renamed, or UTF-16 text.
    static let notSpreadsheet = TabularFileError(
        code: "file_not_spreadsheet",
        message: "Berkas ini bukan XLSX atau CSV. Buka di Excel lalu simpan sebagai \"Buku Kerja Excel (.xlsx)\" atau \"CSV UTF-8\".")

    /// Named .xlsx, but not a zip: a CSV or a web page renamed.
    static let notXLSX = TabularFileError(
        code: "file_not_spreadsheet",
        message: "Nama berkas berakhiran .xlsx tetapi isinya bukan XLSX (mungkin CSV atau halaman web yang diganti namanya). Buka di Excel lalu simpan sebagai \"Buku Kerja Excel (.xlsx)\", atau kirim CSV dengan nama berakhiran .csv.")

    static func corrupt(_ detail: String) -> TabularFileError {
        .init(code: "xlsx_corrupt",
              message: "Berkas XLSX rusak atau terpotong (\(detail)). Buka di Excel lalu simpan ulang, atau unggah ulang berkasnya.")
    }

    static func incomplete(_ part: String) -> TabularFileError {
        .init(code: "xlsx_incomplete",
              message: "Berkas XLSX tidak lengkap: bagian \(part) tidak ada. Buka di Excel lalu simpan ulang sebagai .xlsx.")
    }

    static func expandsPast(_ part: String, bytes: Int64) -> TabularFileError {
        .init(code: "xlsx_too_large",
              message: "Isi berkas XLSX terlalu besar setelah dibuka (bagian \(part) lebih dari \(megabytes(bytes)) MB). Pecah menjadi beberapa berkas atau kirim sebagai CSV.")
    }

    static func expandsTooMuch(_ part: String, ratio: Int64) -> TabularFileError {
        .init(code: "xlsx_too_large",
              message: "Isi berkas XLSX mengembang lebih dari \(ratio) kali ukurannya saat dibuka (bagian \(part)); berkas seperti ini ditolak demi keamanan server. Buka di Excel lalu simpan ulang, atau kirim sebagai CSV.")
    }

    static func fileTooLarge(_ bytes: Int64) -> TabularFileError {
        .init(code: "file_too_large", message: "Berkas lebih dari \(megabytes(bytes)) MB. Pecah menjadi beberapa berkas.")
    }

    static func tooManyRows(_ limit: Int) -> TabularFileError {
        .init(code: "too_many_rows",
              message: "Berkas berisi lebih dari \(grouped(limit)) baris, batas satu lembar Excel. Pecah menjadi beberapa berkas.")
    }

    static func tooManyCells(_ limit: Int) -> TabularFileError {
        .init(code: "too_many_cells",
              message: "Berkas berisi lebih dari \(grouped(limit)) sel. Hapus kolom yang tidak diperlukan atau pecah menjadi beberapa berkas.")
    }

    static func tooManyColumns(line: Int, limit: Int) -> TabularFileError {
        .init(code: "too_many_columns",
              message: "Baris \(grouped(line)) berisi lebih dari \(grouped(limit)) kolom, batas satu lembar Excel. Periksa pemisah kolomnya.")
    }

    static func cellTooLong(line: Int?, limit: Int) -> TabularFileError {
        .init(code: "cell_too_long",
              message: "\(line.map { "Sel pada baris \(grouped($0))" } ?? "Sebuah sel") terlalu panjang (lebih dari \(grouped(limit)) byte; Excel menampung paling banyak 32.767 karakter per sel). Periksa tanda kutip yang tidak ditutup.")
    }

    private static func megabytes(_ bytes: Int64) -> String { grouped(Int(bytes >> 20)) }

    /// 1048576 -> "1.048.576", as Indonesian readers write numbers.
    private static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 { digits.insert(".", at: i); i -= 3 }
        return String(digits)
    }
}
