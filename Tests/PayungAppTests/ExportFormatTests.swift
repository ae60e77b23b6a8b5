import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Exports from where people look: the list's filters, formatted for Excel")
struct ExportFormatTests {
    private func seed(_ app: Application) async throws -> ProgramModel {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(quota: 10)
        let (rtMedono, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let (rtPodosugih, _) = try await app.makeUser("rt.podosugih", .rt, "33.75.01.1003", rt: "001", rw: "001")
        try await app.makeUser("op.pekalongan", .operator, "33.75")
        try await app.makeUser("op.jambi", .operator, "15.71")
        func actor(_ id: UUID) async throws -> Actor {
            try #require(try await AccessQueries(db: app.db).authenticated(userID: id, method: .token)).actor
        }
        let medono = try await actor(rtMedono.id!), podosugih = try await actor(rtPodosugih.id!)
        _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 1), name: "Siti Aminah"), actor: medono, by: .cli("t"))
        _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 2), name: "Dewi Lestari"), actor: medono, by: .cli("t"))
        _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 3), name: "Yuni Podosugih",
                                                              village: "33.75.01.1003", rt: "001", rw: "001"), actor: podosugih, by: .cli("t"))
        return program
    }

    private func download(_ app: Application, _ session: BrowserSession, _ query: String) async throws -> (HTTPStatus, [TabularFile.Row], Data) {
        var out: (HTTPStatus, [TabularFile.Row], Data) = (.ok, [], Data())
        try await app.testing().test(.GET, "/usulan/ekspor?" + query, headers: session.headers) { res in
            let data = Data(buffer: res.body)
            out = (res.status, (try? TabularFile.read(data: data, fileName: query.contains("format=csv") ? "x.csv" : "x.xlsx").rows) ?? [], data)
        }
        return out
    }

    @Test("the export carries the list's filters: kelurahan, name, last digits, status, no program", arguments: TestDatabase.available)
    func filters(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app)
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let (_, all, _) = try await download(app, op, "format=xlsx")
            #expect(all.count == 4 && all[0].cells.last == "Program")
            let (_, village, _) = try await download(app, op, "format=xlsx&village=33.75.01.1003")
            #expect(village.dropFirst().map { $0.cells[1] } == ["Yuni Podosugih"])
            let (_, byName, _) = try await download(app, op, "format=csv&q=lestari&program=\(program.id!)")
            #expect(byName.dropFirst().map { $0.cells[1] } == ["Dewi Lestari"])
            let (_, byDigits, _) = try await download(app, op, "format=xlsx&q=0001")
            #expect(byDigits.dropFirst().map { $0.cells[1] } == ["Siti Aminah"])
            let (_, byStatus, _) = try await download(app, op, "format=xlsx&status=approved")
            #expect(byStatus.count == 1)
            let (fullStatus, _, _) = try await download(app, op, "format=xlsx&q=\(testNIK(serial: 1))")
            #expect(fullStatus == .badRequest, "a full NIK never travels in a URL")
            // Kota Jambi's operator asking for a Pekalongan kelurahan gets nothing of it.
            let jambi = try await BrowserSession.login(app, "op.jambi")
            let (_, jambiRows, _) = try await download(app, jambi, "format=xlsx&village=33.75.01.1003")
            #expect(jambiRows.count == 1 && !jambiRows.contains { $0.cells.contains("Yuni Podosugih") })
            let (jambiProgram, _, _) = try await download(app, jambi, "format=xlsx&program=\(program.id!)")
            #expect(jambiProgram == .notFound)
        }
    }

    @Test("XLSX for a desk: frozen bold header, autofilter, fitted widths, NIK as text", arguments: [TestDatabase.sqlite])
    func formatting(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let (_, rows, data) = try await download(app, op, "format=xlsx")
            #expect(rows.count == 4)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-format-\(UUID().uuidString).xlsx")
            try data.write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let script = """
                import sys, openpyxl
                ws = openpyxl.load_workbook(sys.argv[1]).active
                assert ws.freeze_panes == "A2", ws.freeze_panes
                assert ws.auto_filter.ref == "A1:R4", ws.auto_filter.ref
                assert ws["A1"].font.b, "bold header"
                nik = ws["A2"]
                assert nik.data_type == "s" and nik.number_format == "@" and len(nik.value) == 16, (nik.data_type, nik.number_format, nik.value)
                assert ws.column_dimensions["A"].width >= 16, ws.column_dimensions["A"].width
                assert ws.column_dimensions["C"].width < ws.column_dimensions["A"].width
                assert ws["D2"].is_date, "birth date is a date"
                print("formatted")
                """
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            check.arguments = ["python3", "-c", script, url.path]
            let pipe = Pipe()
            check.standardOutput = pipe
            check.standardError = pipe
            try check.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            check.waitUntilExit()
            #expect(check.terminationStatus == 0, "openpyxl: \(output)")
        }
    }
}
