import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

/// Reading a spreadsheet is bounded: a zip bomb, a broken or truncated
/// XLSX, a file that is not a spreadsheet, a missing sheet, an open quote
/// in a CSV are each refused with a stable code (422 over HTTP), never a
/// 500 or a server that runs out of memory.
@Suite("Spreadsheet reading limits")
struct SpreadsheetLimitsTests {
    /// A valid workbook whose worksheet XML is 1 GiB of repeated rows, each
    /// a cell of 32,000 x's: about 1.1 MB once compressed (made once, shared
    /// by the tests). Refusing it costs expanding about 110 MB.
    static let bomb: Data = {
        let row = #"<row><c t="inlineStr"><is><t>"# + String(repeating: "x", count: 32_000) + "</t></is></c></row>"
        let sheet = TestWorkbook.Sheet(row: row, rows: (1 << 30) / row.utf8.count)
        return try! TestWorkbook.make(sheet)
    }()
    static let sheetPath = "xl/worksheets/sheet1.xml"

    func code(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let error as TabularFileError { return error.code } catch { return "\(error)" }
    }

    @Test("a zip bomb XLSX is refused once it has expanded 100 times its stored size, streamed in 64 KB pieces")
    func zipBomb() throws {
        let bomb = Self.bomb
        #expect(bomb.count < 8 << 20, "the bomb itself is small: \(bomb.count) bytes")
        #expect(code { try TabularFile.read(data: bomb, fileName: "bom.xlsx") } == "xlsx_too_large")
        // Memory is bounded by design: the part arrives in pieces of at most
        // 64 KB and reading stops after 100 times the stored size, whatever
        // the sink would keep. Here the sink keeps nothing.
        let package = try XLSXPackage(data: bomb, limits: .standard)
        var seen: Int64 = 0, largest = 0
        #expect(throws: TabularFileError.self) {
            try package.expand(Self.sheetPath, limit: .max) { piece in
                seen += Int64(piece.count)
                largest = max(largest, piece.count)
            }
        }
        #expect(largest <= XLSXPackage.bufferSize)
        #expect(seen <= 100 * Int64(bomb.count) + Int64(XLSXPackage.bufferSize), "expanded \(seen) bytes before refusing")
        #expect(seen < 1 << 30, "refused long before the end of the gigabyte")
    }

    @Test("the declared size refuses early but is not trusted: a lying archive is stopped by the bytes counted")
    func declaredSizeNotTrusted() throws {
        // Honest declaration past the bound: refused before a byte is expanded.
        var small = TabularFile.Limits()
        small.maxSheetBytes = 100 << 20
        let package = try XLSXPackage(data: Self.bomb, limits: small)
        var seen = 0
        #expect(throws: TabularFileError.self) { try package.expand(Self.sheetPath, limit: small.maxSheetBytes) { seen += $0.count } }
        #expect(seen == 0)
        // The same bomb declaring 1,000 bytes, with the ratio check out of the way:
        // the counted bytes stop it at the size bound all the same.
        let lying = TestWorkbook.declaring(1_000, for: Self.sheetPath, in: Self.bomb)
        var noRatio = small
        noRatio.maxRatio = .max
        #expect(code { try TabularFile.read(data: lying, fileName: "bom.xlsx", limits: noRatio) } == "xlsx_too_large")
        // And with the standard bounds the ratio stops it.
        #expect(code { try TabularFile.read(data: lying, fileName: "bom.xlsx") } == "xlsx_too_large")
    }

    @Test("broken XLSX files: truncated, corrupted, not a zip, parts missing, unknown sheet, DTD")
    func brokenFiles() throws {
        let real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "proposals-libreoffice.xlsx"))
        #expect(code { try TabularFile.read(data: real.prefix(real.count / 2), fileName: "usulan.xlsx") } == "xlsx_corrupt")
        #expect(code { try TabularFile.read(data: Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0]), fileName: "usulan.xlsx") } == "xlsx_corrupt")
        // A stored (uncompressed) sheet with one byte changed: the CRC catches it.
        let good = try TestWorkbook.small([["3375014506850001", "Siti"]], compression: .none)
        #expect(try TabularFile.read(data: good, fileName: "usulan.xlsx").rows.map(\.cells) == [["NIK", "Nama"], ["3375014506850001", "Siti"]])
        var flipped = [UInt8](good)
        let siti = try #require(flipped.indices.first { flipped[$0...].starts(with: Array("Siti".utf8)) })
        flipped[siti] = UInt8(ascii: "Z")
        #expect(code { try TabularFile.read(data: Data(flipped), fileName: "usulan.xlsx") } == "xlsx_corrupt")
        // Not a zip at all, named .xlsx; binary without a name.
        #expect(code { try TabularFile.read(data: Data("ini bukan spreadsheet".utf8), fileName: "usulan.xlsx") } == "file_not_spreadsheet")
        #expect(code { try TabularFile.read(data: Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0x0D]), fileName: "upload") } == "file_not_spreadsheet")
        // Parts missing.
        let sheet = TestWorkbook.Sheet(xml: TestWorkbook.header + TestWorkbook.footer)
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(sheet, leaveOut: ["xl/workbook.xml"]), fileName: "a.xlsx") } == "xlsx_incomplete")
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(sheet, leaveOut: [Self.sheetPath]), fileName: "a.xlsx") } == "xlsx_incomplete")
        // Unknown sheet.
        #expect(code { try TabularFile.read(data: good, fileName: "a.xlsx", sheet: "Tidak Ada") } == "sheet_not_found")
        // A DTD (entity expansion) in a part.
        let dtd = TestWorkbook.Sheet(xml: #"<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><worksheet><sheetData/></worksheet>"#)
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(dtd), fileName: "a.xlsx") } == "xlsx_corrupt")
    }

    @Test("rows, columns, cells and cell length of an XLSX are bounded; odd numbers do not crash the reader")
    func xlsxBounds() throws {
        var limits = TabularFile.Limits()
        limits.maxRows = 3
        let five = try TestWorkbook.small((1...5).map { ["\($0)", "Nama \($0)"] })
        #expect(code { try TabularFile.read(data: five, fileName: "a.xlsx", limits: limits) } == "too_many_rows")
        #expect(try TabularFile.read(data: five, fileName: "a.xlsx").rows.count == 6)
        limits = TabularFile.Limits()
        limits.maxCells = 7
        #expect(code { try TabularFile.read(data: five, fileName: "a.xlsx", limits: limits) } == "too_many_cells")
        let long = try TestWorkbook.small([["1", String(repeating: "a", count: 200_000)]])
        #expect(code { try TabularFile.read(data: long, fileName: "a.xlsx") } == "cell_too_long")
        // A row past Excel's last row; a cell past its last column; column letters that would overflow.
        let far = TestWorkbook.Sheet(xml: TestWorkbook.header + #"<row r="2000000"><c><v>1</v></c></row>"# + TestWorkbook.footer)
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(far), fileName: "a.xlsx") } == "too_many_rows")
        let wide = TestWorkbook.Sheet(xml: TestWorkbook.header + #"<row r="2"><c r="XFE2"><v>1</v></c></row>"# + TestWorkbook.footer)
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(wide), fileName: "a.xlsx") } == "too_many_columns")
        let huge = TestWorkbook.Sheet(xml: TestWorkbook.header + #"<row r="2"><c r="ZZZZZZZZZZZZZZZZZZZZ2"><v>1</v></c></row>"# + TestWorkbook.footer)
        #expect(code { try TabularFile.read(data: try TestWorkbook.make(huge), fileName: "a.xlsx") } == "too_many_columns")
        // A date-styled cell holding 1e300 stays text instead of trapping.
        let dates = TestWorkbook.Sheet(xml: TestWorkbook.header + #"<row r="2"><c r="A2" s="1"><v>46023</v></c><c r="B2" s="1"><v>1e300</v></c></row>"# + TestWorkbook.footer)
        let read = try TabularFile.read(data: try TestWorkbook.make(dates, extra: TestWorkbook.dateStyles), fileName: "a.xlsx")
        #expect(read.rows.last?.cells == ["2026-01-01", "1e300"])
    }

    @Test("CSV: an open quote, too many rows, too many columns are refused; the row count a million-row roster needs fits")
    func csvBounds() throws {
        let open = Data(("NIK,Nama\n3375014506850001,\"Siti\n" + String(repeating: "3375014506850002,Budi\n", count: 10_000)).utf8)
        let error = try #require(throws: TabularFileError.self) { try TabularFile.read(data: open, fileName: "a.csv") }
        #expect(error.code == "cell_too_long" && error.message.contains("baris 2"))
        var limits = TabularFile.Limits()
        limits.maxRows = 3
        let five = Data("NIK,Nama\n1,a\n2,b\n\n3,c\n4,d\n".utf8)
        #expect(code { try TabularFile.read(data: five, fileName: "a.csv", limits: limits) } == "too_many_rows")
        #expect(try TabularFile.read(data: five, fileName: "a.csv").rows.count == 5, "empty lines do not count")
        let wide = Data(("NIK,Nama\n1," + String(repeating: ",", count: 20_000) + "\n").utf8)
        #expect(code { try TabularFile.read(data: wide, fileName: "a.csv") } == "too_many_columns")
        #expect(TabularFile.Limits.standard.maxRows > 1_000_000, "a header and a million rows fit")
    }

    @Test("over HTTP each refusal is a 422 with its code: API imports and the web import page; the CLI exits non-zero", arguments: TestDatabase.available)
    func overHTTP(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "proposals-libreoffice.xlsx"))
            let cases: [(query: String, body: Data, code: String)] = [
                ("?fileName=usulan.xlsx", real.prefix(real.count / 2), "xlsx_corrupt"),
                ("?fileName=usulan.xlsx", Data("NIK,Nama\n3375014506850001,Siti\n".utf8), "file_not_spreadsheet"),
                ("?fileName=usulan.xlsx&sheet=Tidak%20Ada", real, "sheet_not_found"),
                ("?fileName=usulan.csv", Data("NIK,Nama\n1,\"".utf8) + Data(repeating: 0x61, count: 200_000), "cell_too_long"),
            ]
            let bomb = ("?fileName=bom.xlsx", Self.bomb, "xlsx_too_large")
            for path in ["/api/v1/programs/\(program.id!)/imports", "/api/v1/programs/\(program.id!)/bpjs-results", "/api/v1/registry/imports"] {
                // The bomb once (it costs a few seconds in a debug build), the rest on every import route.
                for c in path.hasSuffix("/imports") && path.contains("programs") ? cases + [bomb] : cases {
                    try await app.testing().test(.POST, path + c.query, headers: .bearer(token), beforeRequest: { req in
                        req.body = ByteBuffer(data: c.body)
                    }) { res in
                        #expect(res.status == .unprocessableEntity, "\(path)\(c.query): \(res.status)")
                        let body = try res.content.decode(APIErrorBody.self)
                        #expect(body.error.code == c.code && !body.error.message.isEmpty)
                    }
                }
            }
            // The web import: the job page is a 422 saying what is wrong, in Indonesian, not "server error".
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let web = ImportWebTests()
            var headers = op.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            for (file, message) in [(real.prefix(real.count / 2), "rusak atau terpotong"), (Self.bomb, "mengembang lebih dari 100 kali")] {
                var location = ""
                try await app.testing().test(.POST, "/impor", headers: headers,
                                             body: web.multipart(["_csrf": op.csrf, "kind": "proposals", "programID": program.id!.uuidString, "dryRun": "1"],
                                                                 file: Data(file), name: "usulan.xlsx")) { res in
                    location = res.headers.first(name: .location) ?? ""
                }
                let page = try await web.finished(app, op, location)
                #expect(page.contains(message) && !page.contains("Terjadi kesalahan di server"))
                try await app.testing().test(.GET, location, headers: op.headers) { res in #expect(res.status == .unprocessableEntity) }
            }
            // The CLI: the message and code on standard error, exit status 2.
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("potong-\(UUID()).xlsx")
            try real.prefix(real.count / 2).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let error = try #require(throws: TabularFileError.self) { try TabularFile.read(path: url.path) }
            #expect(PayungExit.report(error, logger: app.logger) == 2)
        }
    }
}
