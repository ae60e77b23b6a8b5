import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("A Pemda brings its past years")
struct HistoryImportTests {
    @Test("an ended program's participants load from a sheet as history, with KPJ, dates and membership",
          arguments: TestDatabase.available)
    func history(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let past = try await app.makeProgram(code: "pkl-2024", start: "2024-01", end: "2024-12")
            let admin = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let sponsor = try await app.makeUser("sponsor.pekalongan", .sponsor, "33.75")
            let sheet = """
                NIK,Nama,No KPJ,Tanggal Mulai,Tanggal Berakhir,Kelurahan,RT,RW,Pekerjaan
                \(testNIK(serial: 111)),Siti Aminah,24000000001,01/01/2024,,Medono,3,5,Buruh batik
                \(testNIK(serial: 112)),Budi Santoso,24000000002,01/03/2024,31/08/2024,33.75.01.1002,1,2,Kuli bangunan
                \(testNIK(serial: 113)),Sri Rahayu,24000000001,01/01/2024,,Medono,3,5,
                \(testNIK(serial: 114)),Dewi,24000000004,01/01/2023,,Medono,3,5,
                """
            try await app.testing().test(.POST, "/api/v1/programs/\(past.id!)/history", headers: .bearer(sponsor.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: sheet)
            }) { res in #expect(res.status == .forbidden) }
            var result: ImportResultDTO?
            try await app.testing().test(.POST, "/api/v1/programs/\(past.id!)/history?fileName=peserta-2024.csv", headers: .bearer(admin.token),
                                         beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: sheet)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                result = try? res.content.decode(ImportResultDTO.self)
            }
            let r = try #require(result)
            #expect(r.summary.inserted == 2)
            #expect(r.rejections.map(\.code) == ["kpj_held_by_another", "start_date_outside_period"])
            let proposals = try await ProposalModel.query(on: app.db).filter(\.$programID == past.id!).all()
            #expect(proposals.allSatisfy { $0.statusValue == .ended && $0.kpj != nil && $0.importRunID != nil })
            #expect(try await BPJSMembershipQueries(db: app.db).membership(nik: testNIK(serial: 112))?.firstMembershipDate.iso == "2024-03-01")
            #expect(try await ProposalQueries(db: app.db).realised(programID: past.id!) == 2)
            #expect(try await auditCount(app, "import.history") == 1)
            // Loading the same sheet again changes nothing.
            let again = try await HistoryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
                .run(TabularFile(rows: TabularFile.csvRows(Data(sheet.utf8))), program: past, by: .cli("t"), dryRun: false)
            #expect(again.summary.inserted == 0 && again.summary.unchanged == 2)
        }
    }

    @Test("a running program's history holds quota slots; a sheet beyond the quota is refused whole", arguments: TestDatabase.available)
    func historyQuota(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let running = try await app.makeProgram(code: "pkl-2026", quota: 1, start: "2026-01", end: "2026-12")
            let sheet = """
                NIK,Nama,No KPJ,Tanggal Mulai,Kelurahan
                \(testNIK(serial: 131)),Siti Aminah,26000000001,01/01/2026,Medono
                \(testNIK(serial: 132)),Budi Santoso,26000000002,01/02/2026,Medono
                """
            let importer = HistoryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
            await #expect(throws: ProposalError.quotaExhausted(quota: 1)) {
                _ = try await importer.run(TabularFile(rows: TabularFile.csvRows(Data(sheet.utf8))), program: running, by: .cli("t"), dryRun: false)
            }
            #expect(try await ProposalModel.query(on: app.db).count() == 0)
            #expect(try await ProgramModel.find(running.id, on: app.db)?.approvedCount == 0)
            let one = String(sheet.split(separator: "\n").prefix(2).joined(separator: "\n"))
            _ = try await importer.run(TabularFile(rows: TabularFile.csvRows(Data(one.utf8))), program: running, by: .cli("t"), dryRun: false)
            #expect(try await ProgramModel.find(running.id, on: app.db)?.approvedCount == 1)
            #expect(try await ProposalModel.query(on: app.db).first()?.status == "active")
        }
    }
}
