import Foundation
import PayungCore
import ZIPFoundation

/// A cell of an export: text stays text (a NIK keeps its 16 digits),
/// numbers are numbers, dates are dates.
enum ExportCell: Sendable {
    case text(String)
    case number(Int64)
    case date(CalendarDate)
    case empty
}

/// Writes a one-sheet XLSX row by row, formatted for people at a desk: a bold,
/// frozen header with an autofilter, columns as wide as their content (up to
/// a limit), text cells formatted as text ("@": Excel never turns a NIK into
/// 3.37501E+15), dates as dates. Rows go straight to a temporary file and the
/// archive is compressed from it, so a million rows never sit in memory.
final class XLSXWriter {
    private let url: URL
    private let sheetURL: URL
    private let handle: FileHandle
    private var buffer = ""
    private var rowNumber = 0
    private let sheetName: String
    /// The widest content seen per column, in characters (capped).
    private var widths: [Int] = []
    static let maxWidth = 60

    init(url: URL, sheetName: String, headers: [String]) throws {
        self.url = url
        self.sheetName = String(sheetName.prefix(31))
        sheetURL = FileManager.default.temporaryDirectory.appendingPathComponent("payung-sheet-\(UUID().uuidString).xml")
        FileManager.default.createFile(atPath: sheetURL.path, contents: nil)
        handle = try FileHandle(forWritingTo: sheetURL)
        try append(headers.map { .text($0) }, style: 2)
    }

    /// Appends one row; flushes to disk every 256 KB.
    func append(_ cells: [ExportCell], style: Int? = nil) throws {
        rowNumber += 1
        buffer += "<row r=\"\(rowNumber)\">"
        if widths.count < cells.count { widths += Array(repeating: 0, count: cells.count - widths.count) }
        for (i, cell) in cells.enumerated() {
            let ref = Self.column(i) + String(rowNumber)
            let s = style.map { " s=\"\($0)\"" } ?? ""
            switch cell {
            case .text(let t):
                // Style 3: the text format "@", so Excel keeps digits as typed.
                let textStyle = style.map { " s=\"\($0)\"" } ?? " s=\"3\""
                buffer += "<c r=\"\(ref)\" t=\"inlineStr\"\(textStyle)><is><t xml:space=\"preserve\">\(Self.escape(t))</t></is></c>"
                widths[i] = max(widths[i], min(t.count, Self.maxWidth))
            case .number(let n):
                buffer += "<c r=\"\(ref)\"\(s)><v>\(n)</v></c>"
                widths[i] = max(widths[i], min(String(n).count + 2, Self.maxWidth))
            case .date(let d):
                buffer += "<c r=\"\(ref)\" s=\"1\"><v>\(SpreadsheetValue.excelSerial(of: d))</v></c>"
                widths[i] = max(widths[i], 10)
            case .empty: break
            }
        }
        buffer += "</row>"
        if buffer.utf8.count > 256 * 1024 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }

    /// Closes the sheet and writes the XLSX archive: the sheet's head (frozen
    /// header, column widths) is known only now, so it is written first and
    /// the rows are copied after it.
    func finish() throws {
        try flush()
        try handle.close()
        let finalURL = FileManager.default.temporaryDirectory.appendingPathComponent("payung-sheet-\(UUID().uuidString).xml")
        defer {
            try? FileManager.default.removeItem(at: sheetURL)
            try? FileManager.default.removeItem(at: finalURL)
        }
        FileManager.default.createFile(atPath: finalURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: finalURL)
        let columns = widths.enumerated().map { i, w in
            "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(min(w, Self.maxWidth) + 2)\" customWidth=\"1\"/>"
        }.joined()
        let lastColumn = Self.column(max(widths.count, 1) - 1)
        try out.write(contentsOf: Data((#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
            + (columns.isEmpty ? "" : "<cols>\(columns)</cols>") + "<sheetData>").utf8))
        let rows = try FileHandle(forReadingFrom: sheetURL)
        while let chunk = try rows.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        try rows.close()
        try out.write(contentsOf: Data(("</sheetData><autoFilter ref=\"A1:\(lastColumn)\(max(rowNumber, 1))\"/></worksheet>").utf8))
        try out.close()
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#)
        try add("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        try add("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""# + Self.escape(sheetName) + #"" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'"# + Self.escape(sheetName.replacingOccurrences(of: "'", with: "''")) + "'!$A$1:$\(Self.column(max(widths.count, 1) - 1))$\(max(rowNumber, 1))" + #"</definedName></definedNames></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#)
        // Style 1: dates as dd/mm/yyyy; style 2: bold header; style 3: text ("@").
        try add("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: finalURL, compressionMethod: .deflate)
    }

    static func column(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(65 + r)!) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 forbids most control characters.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n", scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
