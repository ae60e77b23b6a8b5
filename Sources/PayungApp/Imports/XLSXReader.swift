import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PayungCore
import ZIPFoundation

/// Reads the cells of one worksheet of an XLSX file as text: shared and
/// inline strings, numbers (integral ones as plain digits), booleans, and
/// date-formatted numbers as `YYYY-MM-DD`. Bounded by `TabularFile.Limits`:
/// parts are expanded through `XLSXPackage` (counted, never trusted), and
/// the worksheet is parsed from a temporary file in pieces, stopping at the
/// first bound passed.
enum XLSXReader {
    static func rows(of data: Data, sheet: String?, limits: TabularFile.Limits = .standard) throws -> [TabularFile.Row] {
        let package = try XLSXPackage(data: data, limits: limits)
        guard let workbook = try package.data("xl/workbook.xml") else { throw TabularFileError.incomplete("xl/workbook.xml") }
        guard let rels = try package.data("xl/_rels/workbook.xml.rels") else { throw TabularFileError.incomplete("xl/_rels/workbook.xml.rels") }
        let sheets = SheetListParser.parse(workbook)
        guard !sheets.isEmpty else { throw TabularFileError.incomplete("daftar lembar kerja") }
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
        guard var target = targets[chosen.rid] else { throw TabularFileError.incomplete("lembar \(chosen.name)") }
        if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
        guard package.contains(target) else { throw TabularFileError.incomplete(target) }
        var shared: [String] = []
        if let url = try package.file("xl/sharedStrings.xml", limit: limits.maxSharedStringsBytes) {
            defer { try? FileManager.default.removeItem(at: url) }
            shared = try SharedStringsParser.parse(url, limits: limits)
        }
        let dateStyles = try package.data("xl/styles.xml").map(DateStylesParser.parse) ?? []
        guard let sheetURL = try package.file(target, limit: limits.maxSheetBytes) else { throw TabularFileError.incomplete(target) }
        defer { try? FileManager.default.removeItem(at: sheetURL) }
        return try SheetParser.parse(sheetURL, shared: shared, dateStyles: dateStyles, limits: limits)
    }

    /// Runs a parser over a file in pieces; a bound passed inside stops it.
    fileprivate static func run(_ delegate: some BoundedParsing, over url: URL, part: String) throws {
        guard let stream = InputStream(url: url) else { throw TabularFileError.unreadable("berkas sementara hilang") }
        let parser = XMLParser(stream: stream)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let parsed = parser.parse()
        if let failure = delegate.failure { throw failure }
        // libxml2 runs in recovery mode: a parse error counts only if the part did not reach its end.
        if !parsed, !delegate.reachedEnd { throw TabularFileError.corrupt("\(part) bukan XML yang utuh") }
    }
}

/// A parser that may stop itself at a bound and knows whether it saw its part's end.
private protocol BoundedParsing: XMLParserDelegate {
    var failure: TabularFileError? { get }
    var reachedEnd: Bool { get }
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

private final class SharedStringsParser: NSObject, XMLParserDelegate, BoundedParsing {
    let limits: TabularFile.Limits
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false
    var failure: TabularFileError?
    var reachedEnd = false

    init(limits: TabularFile.Limits) { self.limits = limits }

    static func parse(_ url: URL, limits: TabularFile.Limits) throws -> [String] {
        let p = SharedStringsParser(limits: limits)
        try XLSXReader.run(p, over: url, part: "xl/sharedStrings.xml")
        return p.strings
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
        case "sst": reachedEnd = true
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inText, !inPhonetic, failure == nil else { return }
        current += string
        if current.utf8.count > limits.maxCellBytes {
            failure = .cellTooLong(line: nil, limit: limits.maxCellBytes)
            parser.abortParsing()
        }
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

private final class SheetParser: NSObject, XMLParserDelegate, BoundedParsing {
    let shared: [String]
    let dateStyles: Set<Int>
    let limits: TabularFile.Limits
    var rows: [TabularFile.Row] = []
    var cells: [String] = []
    var numeric: Set<Int> = []
    var rowNumber = 0
    var column = 0
    var type = ""
    var style = 0
    var value = ""
    var capturing = false
    var cellCount = 0
    var failure: TabularFileError?
    var reachedEnd = false

    init(shared: [String], dateStyles: Set<Int>, limits: TabularFile.Limits) {
        self.shared = shared; self.dateStyles = dateStyles; self.limits = limits
    }

    static func parse(_ url: URL, shared: [String], dateStyles: Set<Int>, limits: TabularFile.Limits) throws -> [TabularFile.Row] {
        let p = SheetParser(shared: shared, dateStyles: dateStyles, limits: limits)
        try XLSXReader.run(p, over: url, part: "lembar kerja")
        return p.rows
    }

    private func stop(_ parser: XMLParser, _ error: TabularFileError) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard failure == nil else { return }
        switch local(name) {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            if rowNumber > limits.maxRows { stop(parser, .tooManyRows(limits.maxRows)) }
            cells = []
            numeric = []
        case "c":
            column = attributes["r"].map(Self.columnIndex) ?? cells.count
            if column >= limits.maxColumns { stop(parser, .tooManyColumns(line: rowNumber, limit: limits.maxColumns)) }
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v", "t": capturing = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard capturing, failure == nil else { return }
        value += string
        if value.utf8.count > limits.maxCellBytes { stop(parser, .cellTooLong(line: rowNumber, limit: limits.maxCellBytes)) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil else { return }
        switch local(name) {
        case "v", "t": capturing = false
        case "c":
            var text: String
            switch type {
            case "s": text = Int(value).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n":
                // Excel's dates run from serial 1 (1900-01-01) to 2,958,465 (9999-12-31).
                if dateStyles.contains(style), let serial = Double(value), serial >= 1, serial < 2_958_466,
                   let date = SpreadsheetValue.excelSerial(Int(serial)) {
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
                guard rows.count < limits.maxRows else { return stop(parser, .tooManyRows(limits.maxRows)) }
                cellCount += cells.count
                guard cellCount <= limits.maxCells else { return stop(parser, .tooManyCells(limits.maxCells)) }
                rows.append(TabularFile.Row(line: rowNumber, cells: cells, numeric: numeric))
            }
        case "sheetData", "worksheet": reachedEnd = true
        default: break
        }
    }

    /// "C12" -> 2.
    /// Letters past any real column (more than three) stop at a large
    /// value rather than overflow.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            guard index < 1 << 40 else { return 1 << 40 }
            index = index * 26 + Int(scalar.value - 64)
        }
        return max(0, index - 1)
    }
}

/// The local part of a qualified XML name (`x:row` -> `row`).
private func local(_ name: String) -> String {
    name.split(separator: ":").last.map(String.init) ?? name
}
