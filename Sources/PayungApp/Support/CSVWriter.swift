import Foundation

/// Writes CSV row by row: UTF-8 with a byte-order mark (so Excel reads it as
/// UTF-8), fields quoted when needed, text that a spreadsheet would run as a
/// formula neutralised (`CSVFormula`). Every CSV Payung writes goes through
/// here: proposal and participant exports, BPJS batches, the benchmark.
final class CSVWriter {
    private let handle: FileHandle
    private var buffer = "\u{FEFF}"
    private let delimiter: Character

    init(url: URL, headers: [String], delimiter: Character = ",") throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 0)
        self.delimiter = delimiter
        try append(headers.map { .text($0) })
    }

    func append(_ cells: [ExportCell]) throws {
        buffer += cells.map(Self.field).joined(separator: String(delimiter)) + "\r\n"
        if buffer.utf8.count > 256 * 1024 { try flush() }
    }

    /// One cell as CSV text. Text is neutralised, then quoted. Numbers are
    /// Payung's own `Int64`s written as digits: a negative one (`-5`) stays a
    /// number Excel reads as such and cannot carry a formula, so it is not
    /// prefixed. Dates are ISO (`2027-01-01`) and NIKs digits: untouched.
    static func field(_ cell: ExportCell) -> String {
        switch cell {
        case .text(let t): quote(CSVFormula.neutralised(t))
        case .number(let n): String(n)
        case .date(let d): d.iso
        case .empty: ""
        }
    }

    /// Quoted when the text holds a quote, a line break or any delimiter
    /// Excel may split on in some locale (comma, semicolon, tab): a comma
    /// file opened by Excel set to Indonesian splits on semicolons, and an
    /// unquoted `a;=HYPERLINK(...)` would become a second cell starting `=`.
    static func quote(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x3B || $0 == 0x09 || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }

    func finish() throws {
        try flush()
        try handle.close()
    }
}

/// CSV formula injection ("CSV injection", OWASP): Excel, LibreOffice and
/// Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
/// formula (`=HYPERLINK(...)`, `=cmd|...`), and a leading tab or carriage
/// return can hide such a start. A text cell starting with one of these is
/// written with a single quote before it, which spreadsheets show as text.
/// Reading a CSV undoes exactly that, so Payung's own files import as they
/// were exported.
enum CSVFormula {
    /// `=`, `+`, `-`, `@`, tab, carriage return.
    static let triggers: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first, triggers.contains(first) else { return text }
        return "'" + text
    }

    /// `'=1+1` -> `=1+1`; any other text as it is (`'3375...` keeps its quote).
    static func restored(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.first == 0x27, utf8.count > 1, triggers.contains(utf8[utf8.index(after: utf8.startIndex)]) else { return text }
        return String(text.dropFirst())
    }
}
