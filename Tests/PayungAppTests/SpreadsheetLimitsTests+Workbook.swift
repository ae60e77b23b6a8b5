import Foundation
import ZIPFoundation

/// Builds XLSX files for the limits tests in memory: a valid workbook
/// around a worksheet whose XML is streamed from a generator, so a sheet of
/// a gigabyte costs a few megabytes and nothing big is ever committed.
enum TestWorkbook {
    /// A worksheet of `head`, then `row` repeated `rows` times, then `tail`,
    /// produced piece by piece.
    struct Sheet {
        let head: [UInt8]
        let row: [UInt8]
        let rows: Int
        let tail: [UInt8]
        /// `row` repeated to a megabyte and more, to copy pieces from.
        private let block: [UInt8]

        init(head: String = header, row: String, rows: Int, tail: String = footer) {
            self.head = Array(head.utf8)
            self.row = Array(row.utf8)
            self.rows = rows
            self.tail = Array(tail.utf8)
            block = Array(repeating: self.row, count: (1 << 20) / max(1, self.row.count) + 2).flatMap { $0 }
        }

        init(xml: String) { self.init(head: xml, row: "", rows: 0, tail: "") }

        var size: Int64 { Int64(head.count) + Int64(row.count) * Int64(rows) + Int64(tail.count) }

        func bytes(at position: Int64, count: Int) -> Data {
            var out = Data(capacity: count)
            var p = position
            let end = min(position + Int64(count), size)
            let bodyEnd = Int64(head.count) + Int64(row.count) * Int64(rows)
            while p < end {
                let n: Int
                if p < Int64(head.count) {
                    n = Int(min(Int64(head.count), end) - p)
                    out.append(contentsOf: head[Int(p)..<Int(p) + n])
                } else if p < bodyEnd {
                    let offset = Int((p - Int64(head.count)) % Int64(row.count))
                    n = Int(min(min(bodyEnd, end) - p, Int64(block.count - offset)))
                    out.append(contentsOf: block[offset..<offset + n])
                } else {
                    let offset = Int(p - bodyEnd)
                    n = Int(min(Int64(tail.count), end - bodyEnd) - Int64(offset))
                    out.append(contentsOf: tail[offset..<offset + n])
                }
                p += Int64(n)
            }
            return out
        }
    }

    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c><c r="B1" t="inlineStr"><is><t>Nama</t></is></c></row>"#
    static let footer = "</sheetData></worksheet>"

    /// A workbook with one sheet named `sheetName`; parts named in `leaveOut` are not written.
    static func make(_ sheet: Sheet, sheetName: String = "Usulan", compression: CompressionMethod = .deflate,
                     leaveOut: Set<String> = [], extra: [String: String] = [:]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            guard !leaveOut.contains(path) else { return }
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#)
        try add("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        try add("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""# + sheetName + #"" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)
        for (path, text) in extra.sorted(by: { $0.key < $1.key }) { try add(path, text) }
        if !leaveOut.contains("xl/worksheets/sheet1.xml") {
            try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: sheet.size, compressionMethod: compression,
                                 bufferSize: 1 << 20) { position, size in sheet.bytes(at: position, count: size) }
        }
        return try require(archive.data)
    }

    /// Cell style 1 shows a date (built-in format 14).
    static let dateStyles = ["xl/styles.xml": #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#]

    /// A small valid workbook: a header and `rows` of data in cells.
    static func small(_ rows: [[String]], sheetName: String = "Usulan", compression: CompressionMethod = .deflate) throws -> Data {
        let body = rows.enumerated().map { i, cells in
            "<row r=\"\(i + 2)\">" + cells.map { "<c t=\"inlineStr\"><is><t>\($0)</t></is></c>" }.joined() + "</row>"
        }.joined()
        return try make(Sheet(xml: header + body + footer), sheetName: sheetName, compression: compression)
    }

    /// Rewrites the uncompressed size a zip declares for `path`, in its
    /// local header and in the central directory, leaving the data alone.
    static func declaring(_ size: UInt32, for path: String, in zip: Data) -> Data {
        var bytes = [UInt8](zip)
        let name = Array(path.utf8)
        for start in 0..<(bytes.count - 4) where bytes[start] == 0x50 && bytes[start + 1] == 0x4B {
            let (nameOffset, sizeOffset): (Int, Int)
            switch (bytes[start + 2], bytes[start + 3]) {
            case (0x03, 0x04): (nameOffset, sizeOffset) = (30, 22)
            case (0x01, 0x02): (nameOffset, sizeOffset) = (46, 24)
            default: continue
            }
            guard start + nameOffset + name.count <= bytes.count, Array(bytes[(start + nameOffset)..<(start + nameOffset + name.count)]) == name else { continue }
            withUnsafeBytes(of: size.littleEndian) { for (i, b) in $0.enumerated() { bytes[start + sizeOffset + i] = b } }
        }
        return Data(bytes)
    }
}

/// The `#require` of Swift Testing, usable outside a test function body.
private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.fileWriteUnknown) }
    return value
}
