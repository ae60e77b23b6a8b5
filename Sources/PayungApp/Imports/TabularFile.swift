import Foundation

/// A file problem that stops an import before any row is judged.
struct TabularFileError: Error, CustomStringConvertible, Equatable {
    let code: String
    let message: String
    var description: String { message }

    static func unreadable(_ detail: String) -> TabularFileError {
        .init(code: "file_unreadable", message: "Berkas tidak dapat dibaca: \(detail)")
    }
}

/// Rows of a spreadsheet, as text, with the line number each came from.
/// CSV (comma or semicolon, UTF-8 with or without BOM, Windows-1252
/// fallback) and XLSX (first sheet or a named one) read the same way.
struct TabularFile {
    struct Row: Sendable {
        /// 1-based line (CSV) or row number (XLSX).
        let line: Int
        let cells: [String]
        /// Columns that held numbers (XLSX only): a NIK there has passed
        /// through Excel's 15 significant digits.
        var numeric: Set<Int> = []
    }

    let rows: [Row]

    static func read(path: String, sheet: String? = nil) throws -> TabularFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw TabularFileError.unreadable(path) }
        return try read(data: data, fileName: path, sheet: sheet)
    }

    static func read(data: Data, fileName: String, sheet: String? = nil) throws -> TabularFile {
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return TabularFile(rows: try XLSXReader.rows(of: data, sheet: sheet))
        }
        if fileName.lowercased().hasSuffix(".xls") || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw TabularFileError(code: "file_old_excel", message: "Format .xls lama tidak didukung. Simpan ulang sebagai .xlsx atau CSV.")
        }
        return TabularFile(rows: csvRows(data))
    }

    /// Decodes text (UTF-8, else Windows-1252), picks the delimiter from the
    /// first non-empty line, and drops rows with nothing in them.
    static func csvRows(_ data: Data) -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if String(validating: bytes, as: UTF8.self) == nil {
            let text = String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
            bytes = Array(text.utf8)
        }
        let delimiter = delimiterOf(firstLine(of: bytes))
        return CSVReader(bytes: bytes, delimiter: delimiter).compactMap { row in
            row.fields.allSatisfy(\.trimmedQuickly.isEmpty) ? nil : Row(line: row.line, cells: row.fields)
        }
    }

    /// The first line with something other than spaces in it.
    static func firstLine(of bytes: [UInt8]) -> String {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            if !line.trimmedQuickly.isEmpty { return line }
            start = end + 1
        }
        return ""
    }

    /// Semicolon when it outnumbers commas outside quotes (Excel with an
    /// Indonesian locale saves CSV with semicolons), else comma; tab too.
    static func delimiterOf(_ line: String) -> UInt8 {
        var counts: [Character: Int] = [",": 0, ";": 0, "\t": 0]
        var quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if !quoted, counts[c] != nil { counts[c]! += 1 }
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key != ",") }
        return best.map { $0.value > 0 ? UInt8(ascii: $0.key.unicodeScalars.first!) : UInt8(ascii: ",") } ?? UInt8(ascii: ",")
    }
}
