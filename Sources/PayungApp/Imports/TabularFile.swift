import Foundation
import PayungCore

/// A file problem that stops an import before any row is judged: a 422
/// with its code over HTTP, a message and a non-zero exit on the CLI.
struct TabularFileError: DomainError, CustomStringConvertible, Equatable {
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

    static func read(path: String, sheet: String? = nil, limits: Limits = .standard) throws -> TabularFile {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= limits.maxFileBytes else { throw TabularFileError.fileTooLarge(limits.maxFileBytes) }
        guard let data = FileManager.default.contents(atPath: path) else { throw TabularFileError.unreadable(path) }
        return try read(data: data, fileName: path, sheet: sheet, limits: limits)
    }

    static func read(data: Data, fileName: String, sheet: String? = nil, limits: Limits = .standard) throws -> TabularFile {
        guard data.count <= limits.maxFileBytes else { throw TabularFileError.fileTooLarge(limits.maxFileBytes) }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return TabularFile(rows: try XLSXReader.rows(of: data, sheet: sheet, limits: limits))
        }
        let name = fileName.lowercased()
        if name.hasSuffix(".xls") || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw TabularFileError(code: "file_old_excel", message: "Format .xls lama tidak didukung. Simpan ulang sebagai .xlsx atau CSV.")
        }
        // Named .xlsx but not a zip; not text at all (a NUL byte near the start).
        if name.hasSuffix(".xlsx") || name.hasSuffix(".xlsm") { throw TabularFileError.notXLSX }
        if data.prefix(8192).contains(0) { throw TabularFileError.notSpreadsheet }
        return TabularFile(rows: try csvRows(data, limits: limits))
    }

    /// Decodes text (UTF-8, else Windows-1252), picks the delimiter from the
    /// first non-empty line, and drops rows with nothing in them. Stops at
    /// the first bound passed (rows, cells, one cell's length).
    static func csvRows(_ data: Data, limits: Limits) throws -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if String(validating: bytes, as: UTF8.self) == nil {
            let text = String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
            bytes = Array(text.utf8)
        }
        let delimiter = delimiterOf(firstLine(of: bytes))
        var rows: [Row] = []
        var cellCount = 0
        var reader = CSVReader(bytes: bytes, delimiter: delimiter, maxFieldBytes: limits.maxCellBytes, maxFields: limits.maxColumns).makeIterator()
        while let row = reader.next() {
            if row.overlong { throw TabularFileError.cellTooLong(line: row.line, limit: limits.maxCellBytes) }
            if row.tooWide { throw TabularFileError.tooManyColumns(line: row.line, limit: limits.maxColumns) }
            if row.fields.allSatisfy(\.trimmedQuickly.isEmpty) { continue }
            guard rows.count < limits.maxRows else { throw TabularFileError.tooManyRows(limits.maxRows) }
            cellCount += row.fields.count
            guard cellCount <= limits.maxCells else { throw TabularFileError.tooManyCells(limits.maxCells) }
            // A cell Payung's CSV writer neutralised (`'=...`) reads back as it was.
            let cells = row.fields.contains { $0.utf8.first == 0x27 } ? row.fields.map(CSVFormula.restored) : row.fields
            rows.append(Row(line: row.line, cells: cells))
        }
        return rows
    }

    /// The same without bounds, for text a test or the program itself made.
    static func csvRows(_ data: Data) -> [Row] {
        var unbounded = Limits()
        unbounded.maxRows = .max
        unbounded.maxCells = .max
        unbounded.maxCellBytes = .max
        unbounded.maxColumns = .max
        return (try? csvRows(data, limits: unbounded)) ?? []
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
