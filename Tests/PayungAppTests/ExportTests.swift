import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Exports and BPJS batches")
struct ExportTests {
    /// Three approved participants of a fresh program.
    func approvedThree(_ app: Application) async throws -> (ProgramModel, [ProposalModel]) {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram()
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let (opUser, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        let op = try #require(try await AccessQueries(db: app.db).authenticated(userID: opUser.id!, method: .token)).actor
        var out: [ProposalModel] = []
        for serial in 1...3 {
            var input = proposalInput(program: program, nik: testNIK(serial: serial), name: "Peserta \(serial)")
            input.monthlyIncome = 1_500_000
            out.append(try await app.testProposals.propose(input, actor: rt, by: .cli("t")).0)
        }
        try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
        for p in out { _ = try await app.testProposals.transition(p.id!, .init(action: "approve"), actor: op, by: .cli("t")) }
        return (program, out)
    }

    @Test("XLSX export: NIK as text, numbers as numbers, dates as dates (read back and by openpyxl)", arguments: TestDatabase.available)
    func xlsxExport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await approvedThree(app)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).xlsx")
            let count = try await ProposalExport(db: app.db).write(ExportRequest(kind: .participants, programID: program.id!, format: .xlsx), to: url)
            #expect(count == 3)
            let rows = try TabularFile.read(path: url.path).rows
            #expect(rows[0].cells == ProposalExport.headers)
            #expect(rows.dropFirst().map { $0.cells[0] }.sorted() == (1...3).map { testNIK(serial: $0) })
            #expect(rows[1].cells[3] == "1985-06-05" && rows[1].cells[11] == "1500000")
            #expect(!rows[1].numeric.contains(0) && rows[1].numeric.contains(11))
            try OpenpyxlCheck.run(url: url, expectRows: 4)
            let csvURL = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).csv")
            try await ProposalExport(db: app.db).write(ExportRequest(kind: .proposals, programID: program.id!, format: .csv), to: csvURL)
            let csv = try TabularFile.read(path: csvURL.path).rows
            #expect(csv.count == 4 && csv[1].cells[0].count == 16)
        }
    }

    @Test("BPJS batch out, answer in: registered with KPJ, refused back to the proposer", arguments: TestDatabase.available)
    func bpjsRoundTrip(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, proposals) = try await approvedThree(app)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID()).csv")
            let count = try await BPJSBatchExport(db: app.db, today: app.clock.today)
                .write(program: program, layout: .standard, segment: .sg, format: .csv, to: url)
            #expect(count == 3)
            let batch = try TabularFile.read(path: url.path).rows
            #expect(batch[0].cells.first == "ID_USULAN" && batch[1].cells[13] == "SG" && batch[1].cells[10] == "Kota Pekalongan")
            let answer = """
                NIK;No KPJ;Tanggal Mulai;Alasan Ditolak
                \(testNIK(serial: 1));23012345678;01/01/2027;
                \(testNIK(serial: 2));23012345679;2027-01-01;
                \(testNIK(serial: 3));;;NIK sudah terdaftar di segmen lain
                3375019999990001;23000000001;01/01/2027;
                """
            let file = TabularFile(rows: TabularFile.csvRows(Data(answer.utf8)))
            let importer = BPJSResultImport(db: app.db, now: app.clock.now(), today: app.clock.today)
            let result = try await importer.run(file, program: program, by: .cli("t"), dryRun: false)
            #expect(result.summary.inserted == 2 && result.summary.updated == 1)
            #expect(result.rejections.map(\.code) == ["not_awaiting_registration"])
            let after = try await ProposalModel.query(on: app.db).sort(\.$createdAt).all()
            #expect(after.map(\.status).sorted() == ["registered", "registered", "returned"])
            #expect(after.first { $0.id == proposals[0].id }?.kpj == "23012345678")
            #expect(after.first { $0.id == proposals[2].id }?.lastNote == "BPJS: NIK sudah terdaftar di segmen lain")
            #expect(try await ProgramModel.find(program.id, on: app.db)?.approvedCount == 2)
            let again = try await importer.run(file, program: program, by: .cli("t"), dryRun: false)
            #expect(again.summary.inserted == 0 && again.rejections.count == 4)
        }
    }

    @Test("BPJS's active list feeds the duplicate check", arguments: TestDatabase.available)
    func activeList(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let list = TabularFile(rows: TabularFile.csvRows(Data("NIK,KPJ,Segmen\n\(testNIK(serial: 5)),23000000005,sc\n3.37501E+15,,\n".utf8)))
            let result = try await BPJSActiveImport(db: app.db, now: app.clock.now(), today: app.clock.today).run(list, replace: false, by: .cli("t"))
            #expect(result.summary.inserted == 1 && result.rejections.map(\.code) == ["nik_scientific_notation"])
            let issues = try await app.testProposals.check(proposalInput(program: program, nik: testNIK(serial: 5)), program: program)
            #expect(issues.map(\.code).contains("duplicate_bpjs_active"))
        }
    }
}

/// Opens an exported XLSX with openpyxl (PyPI), as agency staff's tools would.
enum OpenpyxlCheck {
    static func run(url: URL, expectRows: Int) throws {
        let script = """
            import sys, datetime, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            rows = list(ws.iter_rows(values_only=True))
            assert len(rows) == \(expectRows), len(rows)
            nik, birth, income = rows[1][0], rows[1][3], rows[1][11]
            assert isinstance(nik, str) and len(nik) == 16, repr(nik)
            assert isinstance(birth, datetime.datetime), repr(birth)
            assert isinstance(income, int) and income == 1500000, repr(income)
            print("openpyxl ok")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import openpyxl"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("openpyxl is not installed in CI") }
            else { print("SKIPPED openpyxl check: pip install openpyxl") }
            return
        }
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
