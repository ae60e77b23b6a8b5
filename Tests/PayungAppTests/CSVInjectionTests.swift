import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

/// Every CSV Payung writes is safe to open in Excel: a text cell that a
/// spreadsheet would run as a formula starts with a single quote.
@Suite("CSV exports neutralise formulas")
struct CSVInjectionTests {
    @Test("the one CSV field function: formula starts prefixed, numbers, dates and NIKs untouched, any delimiter quoted")
    func field() {
        for text in ["=HYPERLINK(\"http://x\")", "+6281234567890", "-1+1", "@SUM(A1)", "\t=1", "\r=1"] {
            #expect(CSVWriter.field(.text(text)).hasPrefix("'") || CSVWriter.field(.text(text)).hasPrefix("\"'"), "\(text)")
            #expect(CSVFormula.restored(CSVFormula.neutralised(text)) == text)
        }
        #expect(CSVWriter.field(.text("=HYPERLINK(\"http://x\")")) == #""'=HYPERLINK(""http://x"")""#)
        #expect(CSVWriter.field(.text("3375014506850001")) == "3375014506850001")
        #expect(CSVWriter.field(.text("Siti Aminah")) == "Siti Aminah")
        #expect(CSVWriter.field(.number(-5)) == "-5", "a number Payung writes stays a number")
        #expect(CSVWriter.field(.date(CalendarDate(iso: "2027-01-01")!)) == "2027-01-01")
        // A semicolon in a comma file is quoted: Excel set to Indonesian splits on it.
        #expect(CSVWriter.field(.text("Budi;=1+1")) == "\"Budi;=1+1\"")
        #expect(CSVFormula.restored("'3375014506850001") == "'3375014506850001")
    }

    @Test("proposal export and BPJS batch over HTTP: the name and the phone come out neutralised, and import back as they were",
          arguments: TestDatabase.available)
    func overHTTP(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (opUser, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            let op = try #require(try await AccessQueries(db: app.db).authenticated(userID: opUser.id!, method: .token)).actor
            let name = #"=HYPERLINK("http://x")"#
            var input = proposalInput(program: program, nik: testNIK(serial: 1), name: name)
            input.phone = "+6281234567890"
            input.street = "@SUM(1+1)"
            let proposal = try await app.testProposals.propose(input, actor: rt, by: .cli("t")).0

            var raw: [CSVReader.Row] = []
            var body = Data()
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/export?format=csv", headers: .bearer(token)) { res in
                #expect(res.status == .ok)
                body = Data(buffer: res.body)
                raw = Array(CSVReader(data: body))
            }
            let header = try #require(raw.first?.fields)
            let row = try #require(raw.dropFirst().first?.fields)
            func cell(_ title: String) -> String? { header.firstIndex(of: title).map { row[$0] } }
            #expect(cell("Nama") == "'" + name)
            #expect(cell("Alamat") == "'@SUM(1+1)")
            // The phone was stored in its one national form, so nothing in it starts a formula.
            #expect(cell("No HP") == "081234567890")
            #expect(cell("NIK") == testNIK(serial: 1))
            // Read back by Payung, the cells are as they were entered.
            let reread = TabularFile.csvRows(body)
            #expect(reread[1].cells[header.firstIndex(of: "Nama")!] == name)

            // The BPJS batch (names upper-cased) goes through the same writer.
            try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
            _ = try await app.testProposals.transition(proposal.id!, .init(action: "approve"), actor: op, by: .cli("t"))
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/bpjs-batch?format=csv", headers: .bearer(token)) { res in
                #expect(res.status == .ok)
                let rows = Array(CSVReader(data: Data(buffer: res.body)))
                #expect(rows.count == 2 && rows[1].fields.contains("'" + name.uppercased()), "\(rows.last?.fields ?? [])")
            }
        }
    }
}
