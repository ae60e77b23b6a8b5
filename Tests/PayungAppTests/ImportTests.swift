import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Imports: files as people have them, row by row, all or nothing")
struct ImportTests {
    func importer(_ app: Application) -> ProposalImporter {
        ProposalImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
    }

    @Test("LibreOffice XLSX: header under a merged title, quirks judged row by row, re-import changes nothing", arguments: TestDatabase.available)
    func libreOfficeXLSX(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let file = try TabularFile.read(path: Fixtures.directory + "proposals-libreoffice.xlsx")
            let dry = try await importer(app).run(file, program: program, actor: nil, by: .cli("test"), dryRun: true)
            #expect(dry.summary.headerLine == 3 && dry.summary.rows == 6 && dry.summary.inserted == 1)
            #expect(try await WorkerModel.query(on: app.db).count() == 0, "a dry run writes nothing")
            let first = try await importer(app).run(file, program: program, actor: nil, by: .cli("test"), dryRun: false)
            #expect(first.rejections.map(\.code) == ["nik_stored_as_number", "nik_scientific_notation", "occupation_unknown",
                                                     "duplicate_in_file", "birth_date_mismatch"])
            #expect(first.rejections.map(\.line) == [5, 6, 7, 8, 9])
            #expect(first.rejections[2].column == "Jenis Pekerjaan")
            let worker = try #require(try await WorkerModel.query(on: app.db).first())
            #expect(worker.nik == "3375014506850001" && worker.name == "Siti Aminah" && worker.rt == "003" && worker.villageCode == "33.75.01.1002")
            #expect(try await ProposalModel.query(on: app.db).filter(\.$status == "submitted").count() == 1)
            let again = try await importer(app).run(file, program: program, actor: nil, by: .cli("test"), dryRun: false)
            #expect(again.summary.inserted == 0 && again.summary.unchanged == 1 && again.summary.updated == 0)
            #expect(try await WorkerModel.query(on: app.db).count() == 1)
            #expect(try await ProposalModel.query(on: app.db).count() == 1)
            // The report opens as a spreadsheet with the original rows.
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).xlsx")
            try RejectionReport.write(first, to: report)
            let reread = try TabularFile.read(path: report.path)
            #expect(reread.rows.count == 6 && reread.rows[1].cells[0] == "5" && reread.rows[2].cells[4...].contains("3.37501E+15"))
        }
    }

    @Test("semicolon CSV saved by LibreOffice and a Windows-1252 CSV", arguments: TestDatabase.available)
    func csvFiles(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let semicolon = try await importer(app).run(try TabularFile.read(path: Fixtures.directory + "proposals-libreoffice-semicolon.csv"),
                                                       program: program, actor: nil, by: .cli("test"), dryRun: false)
            #expect(semicolon.summary.inserted == 2)
            #expect(semicolon.rejections.map(\.code) == ["nik_scientific_notation", "occupation_unknown", "duplicate_in_file", "birth_date_mismatch"])
            let budi = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == "3375011203900002").first())
            #expect(budi.occupationCode == "becak_driver" && budi.villageCode == "33.75.01.1002", "village by name, occupation by code")
            let latin1 = try await importer(app).run(try TabularFile.read(path: Fixtures.directory + "proposals-windows1252.csv"),
                                                    program: program, actor: nil, by: .cli("test"), dryRun: false)
            #expect(latin1.summary.inserted == 1)
            #expect(try await WorkerModel.query(on: app.db).filter(\.$nik == "3375014506850011").first()?.name == "André Pérez")
        }
    }

    @Test("a fatal problem writes nothing; an import into another program finds the open proposal", arguments: TestDatabase.available)
    func fatalAndCrossProgram(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let p1 = try await app.makeProgram(code: "p1")
            let p2 = try await app.makeProgram(code: "p2")
            let noHeader = TabularFile.csvRows(Data("Nomor,Nama Orang\n1,Siti\n".utf8))
            await #expect(throws: ImportError.self) {
                _ = try await importer(app).run(TabularFile(rows: noHeader), program: p1, actor: nil, by: .cli("t"), dryRun: false)
            }
            #expect(try await WorkerModel.query(on: app.db).count() == 0)
            let csv = TabularFile(rows: TabularFile.csvRows(Data("NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris\n3375014506850001;Siti;porter;Medono;3;5;Ahmad\n".utf8)))
            _ = try await importer(app).run(csv, program: p1, actor: nil, by: .cli("t"), dryRun: false)
            let second = try await importer(app).run(csv, program: p2, actor: nil, by: .cli("t"), dryRun: false)
            #expect(second.rejections.map(\.code) == ["duplicate_other_program"])
            // An explicit mapping when headers are unknown.
            let odd = TabularFile(rows: TabularFile.csvRows(Data("Kode Orang,Sebutan\n3375014506850002,Budi\n".utf8)))
            let mapped = try await importer(app).run(odd, program: p2, actor: nil, by: .cli("t"), dryRun: true,
                                                    explicit: ["Kode Orang": .nik, "Sebutan": .name])
            #expect(mapped.summary.rows == 1 && mapped.rejections.map(\.code).contains("occupation_missing"))
        }
    }

    @Test("registry roster with only NIK and name: upsert by NIK", arguments: TestDatabase.available)
    func registry(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let roster = TabularFile(rows: TabularFile.csvRows(Data("NIK,Nama,Desil\n'3375014506850001,Siti Aminah,1\n3375011203900002,Budi,2\n3375011203900002,Budi lagi,2\n".utf8)))
            let importer = RegistryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
            let first = try await importer.run(roster, pemda: RegionCode("33.75")!, fileName: "dtks.csv", dryRun: false, by: .cli("t"))
            #expect(first.summary.inserted == 2 && first.rejections.map(\.code) == ["duplicate_in_file"])
            let second = try await importer.run(roster, pemda: RegionCode("33.75")!, dryRun: false, by: .cli("t"))
            #expect(second.summary.inserted == 0 && second.summary.unchanged == 2)
            #expect(try await WorkerModel.query(on: app.db).filter(\.$nik == "3375014506850001").first()?.welfareDecile == 1)
            let runs = try await ImportRunModel.query(on: app.db).sort(\.$at).all()
            #expect(runs.map(\.kind) == ["registry", "registry"] && runs[0].fileName == "dtks.csv" && runs[0].inserted == 2)
        }
    }

    @Test("a file big enough to be judged on several cores: same verdicts, in-file duplicates across the split", arguments: TestDatabase.available)
    func parallelJudging(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            // 12,000 people: day of birth 01-28 and a serial make distinct NIKs.
            var niks = (0..<12_000).map { i in "337501" + String(format: "%02d0685%04d", i % 28 + 1, i / 28 + 1) }
            niks[7_000] = "33750145068500"          // wrong length (line 7002)
            niks[8_000] = niks[3]                   // repeats line 5, in the other half
            niks[11_999] = niks[10]                 // repeats line 12, at the very end
            var csv = "NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris\n"
            for (i, nik) in niks.enumerated() { csv += "\(nik);Pekerja \(i);porter;33.75.01.1002;3;5;Ahli \(i)\n" }
            let file = TabularFile(rows: TabularFile.csvRows(Data(csv.utf8)))
            let result = try await importer(app).run(file, program: program, actor: nil, by: .cli("t"), dryRun: false)
            #expect(result.rejections.map(\.line) == [7_002, 8_002, 12_001])
            #expect(result.rejections.map(\.code) == ["nik_wrong_length", "duplicate_in_file", "duplicate_in_file"])
            #expect(result.rejections[1].message.contains("baris 5") && result.rejections[2].message.contains("baris 12"))
            #expect(result.summary.inserted == 11_997 && result.summary.rows == 12_000)
            let workers = try await WorkerModel.query(on: app.db).count()
            let heirs = try await HeirModel.query(on: app.db).count()
            let proposals = try await ProposalModel.query(on: app.db).filter(\.$status == "submitted").count()
            #expect(workers == 11_997 && heirs == 11_997 && proposals == 11_997)
            let kept = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == niks[3]).first())
            #expect(kept.name == "Pekerja 3", "the first of two rows with one NIK is kept")
        }
    }

    @Test("the JSON array of candidate values survives quotes, backslashes, control characters and accents")
    func candidateJSON() throws {
        let values = ["3375014506850001", "a\"b", "c\\d", "e\nf\u{1}", "André", ""]
        let json = ImportContext.jsonArray(values)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(decoded == values)
    }

    @Test("a big import gets a large SQLite page cache for its transaction, then the connection's own again", arguments: TestDatabase.available)
    func importCache(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            struct CacheSize: Decodable { let cache_size: Int }
            try await app.db.transaction { tx in
                func size() async throws -> Int? { try await tx.sql.raw("PRAGMA cache_size").first(decoding: CacheSize.self)?.cache_size }
                let before = tx.kind == .sqlite ? try await size() : nil
                var ran = false
                try await BulkInsert.withLargeCache(on: tx, rows: 100, threshold: 10) {
                    ran = true
                    if tx.kind == .sqlite {
                        let during = try await size()
                        #expect(during == -262144)
                    }
                }
                #expect(ran)
                if tx.kind == .sqlite {
                    let after = try await size()
                    #expect(after == before && before != nil)
                }
            }
        }
    }
}
