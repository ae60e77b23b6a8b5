import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PayungCore
import ZIPFoundation

/// Reads the cells of one worksheet of an XLSX file as text: shared and
/// inline strings, numbers (integral ones as plain digits), booleans, and
/// date-formatted numbers as `YYYY-MM-DD`.
enum XLSXReader {
    static func rows(of data: Data, sheet: String?) throws -> [TabularFile.Row] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw TabularFileError.unreadable("bukan berkas XLSX yang utuh") }
        func entry(_ path: String) throws -> Data? {
            guard let e = archive[path] else { return nil }
            var out = Data()
            _ = try archive.extract(e, skipCRC32: true) { out.append($0) }
            return out
        }
        guard let workbook = try entry("xl/workbook.xml"), let rels = try entry("xl/_rels/workbook.xml.rels") else {
            throw TabularFileError.unreadable("isi XLSX tidak lengkap (workbook.xml)")
        }
        let sheets = SheetListParser.parse(workbook)
        guard !sheets.isEmpty else { throw TabularFileError.unreadable("tidak ada lembar kerja") }
        let chosen: (name: String, rid: String)
        if let sheet {
            guard let match = sheets.first(where: { $0.name.lowercased() == sheet.lowercased() }) else {
                throw TabularFileError(code: "sheet_not_found",
                                       message: "Lembar \"\(sheet)\" tidak ada. Lembar yang ada: \(sheets.map(\.name).joined(separator: ", ")).")
            }
            chosen = match
        } else {
            chosen = sheets[0]
        }
        let targets = RelationshipParser.parse(rels)
        guard var target = targets[chosen.rid] else { throw TabularFileError.unreadable("lembar \(chosen.name) tidak ditemukan") }
        if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
        guard let sheetXML = try entry(target) else { throw TabularFileError.unreadable("lembar \(chosen.name) kosong") }
        let shared = try entry("xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        let dateStyles = try entry("xl/styles.xml").map(DateStylesParser.parse) ?? []
        return SheetParser.parse(sheetXML, shared: shared, dateStyles: dateStyles)
    }
}

/// `<sheet name="..." r:id="rId1"/>` in workbook.xml.
private final class SheetListParser: NSObject, XMLParserDelegate {
    var sheets: [(name: String, rid: String)] = []
    static func parse(_ data: Data) -> [(name: String, rid: String)] {
        let p = SheetListParser(); let x = XMLParser(data: data); x.delegate = p; x.parse(); return p.sheets
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard local(name) == "sheet", let n = attributes["name"],
              let rid = attributes["r:id"] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value else { return }
        sheets.append((n, rid))
    }
}

private final class RelationshipParser: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]
    static func parse(_ data: Data) -> [String: String] {
        let p = RelationshipParser(); let x = XMLParser(data: data); x.delegate = p; x.parse(); return p.targets
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}

private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false
    static func parse(_ data: Data) -> [String] {
        let p = SharedStringsParser(); let x = XMLParser(data: data); x.delegate = p; x.parse(); return p.strings
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText, !inPhonetic { current += string }
    }
}

/// Which cell styles (`s` index) show a date: built-in formats 14-22 and
/// 45-47, or custom formats with day/month/year letters.
private final class DateStylesParser: NSObject, XMLParserDelegate {
    var customDates = Set<Int>()
    var inCellXfs = false
    var styles: [Int] = []
    static func parse(_ data: Data) -> Set<Int> {
        let p = DateStylesParser(); let x = XMLParser(data: data); x.delegate = p; x.parse()
        let builtIn = Set(14...22).union(45...47)
        return Set(p.styles.enumerated().filter { builtIn.contains($0.element) || p.customDates.contains($0.element) }.map(\.offset))
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"]?.lowercased() {
                let stripped = code.replacingOccurrences(of: #"\[[^\]]*\]|"[^"]*""#, with: "", options: .regularExpression)
                if stripped.contains("d") || stripped.contains("yy") { customDates.insert(id) }
            }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: styles.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if local(name) == "cellXfs" { inCellXfs = false }
    }
}

private final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    var rows: [TabularFile.Row] = []
    var cells: [String] = []
    var numeric: Set<Int> = []
    var rowNumber = 0
    var column = 0
    var type = ""
    var style = 0
    var value = ""
    var capturing = false

    init(shared: [String], dateStyles: Set<Int>) { self.shared = shared; self.dateStyles = dateStyles }

    static func parse(_ data: Data, shared: [String], dateStyles: Set<Int>) -> [TabularFile.Row] {
        let p = SheetParser(shared: shared, dateStyles: dateStyles); let x = XMLParser(data: data); x.delegate = p; x.parse(); return p.rows
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch local(name) {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = []
            numeric = []
        case "c":
            column = attributes["r"].map(Self.columnIndex) ?? cells.count
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v", "t": capturing = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "v", "t": capturing = false
        case "c":
            var text: String
            switch type {
            case "s": text = Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n":
                if dateStyles.contains(style), let serial = Double(value), let date = SpreadsheetValue.excelSerial(Int(serial)) {
                    text = date.iso
                } else {
                    text = SpreadsheetValue.integerText(value)
                    numeric.insert(column)
                }
            default: text = value
            }
            while cells.count < column { cells.append("") }
            if cells.count == column { cells.append(text) } else { cells[column] = text }
        case "row":
            if !cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                rows.append(TabularFile.Row(line: rowNumber, cells: cells, numeric: numeric))
            }
        default: break
        }
    }

    /// "C12" -> 2.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
        }
        return max(0, index - 1)
    }
}

/// The local part of a qualified XML name (`x:row` -> `row`).
private func local(_ name: String) -> String {
    name.split(separator: ":").last.map(String.init) ?? name
}
