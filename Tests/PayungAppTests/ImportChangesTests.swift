import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

/// An import shows what it changes, and a blank cell never erases.
@Suite("Imports show every change, old -> new")
struct ImportChangesTests {
    @Test("a roster without income or decile columns keeps both; the dry run lists every field change",
          arguments: TestDatabase.available)
    func rosterKeepsAndShows(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            var input = proposalInput(program: program, nik: testNIK(serial: 61), name: "Siti Aminah")
            input.monthlyIncome = 900_000
            input.welfareDecile = 2
            input.phone = "081200000001"
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in #expect(res.status == .created) }
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            // The agency's roster: no income, no decile; a new phone number.
            let csv = "NIK,Nama,No HP\n\(testNIK(serial: 61)),Siti Aminah,081299999999\n"
            var dry: ImportResultDTO?
            try await app.testing().test(.POST, "/api/v1/registry/imports?dryRun=true", headers: .bearer(op.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: csv)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                dry = try? res.content.decode(ImportResultDTO.self)
            }
            let result = try #require(dry)
            #expect(result.summary.updated == 1)
            let change = try #require(result.changes.first)
            #expect(change.line == 2 && change.nik == NIK.mask(testNIK(serial: 61)) && change.name == "Siti Aminah")
            #expect(change.fields.map(\.field) == ["phone"])
            #expect(change.fields.first?.old == "081200000001" && change.fields.first?.new == "081299999999")
            // Applied: the phone changes, income and decile stay; the audit row holds the same change.
            try await app.testing().test(.POST, "/api/v1/registry/imports", headers: .bearer(op.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: csv)
            }) { res in #expect(res.status == .ok) }
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 61)).first())
            #expect(worker.phone == "081299999999" && worker.monthlyIncome == 900_000 && worker.welfareDecile == 2)
            struct Row: Decodable { let changes: String? }
            let audit = try await app.db.sql.raw("SELECT changes FROM audit_events WHERE action = 'worker.update' AND entity_id = \(bind: worker.id!.uuidString)")
                .all(decoding: Row.self)
            #expect(audit.count == 1 && audit.first?.changes?.contains("081299999999") == true)
            #expect(audit.first?.changes?.contains("welfare_decile") == false)
        }
    }

    @Test("a proposals sheet re-imported with a corrected phone lists the change in the dry run", arguments: TestDatabase.available)
    func proposalSheetShows(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let importer = ProposalImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
            let header = "NIK,Nama,Kelurahan,RT,RW,Pekerjaan,Ahli Waris,Hubungan,No HP\n"
            let first = TabularFile(rows: TabularFile.csvRows(Data((header + "\(testNIK(serial: 62)),Budi,33.75.01.1002,3,5,porter,Ani,istri,0811-1111-1111\n").utf8)))
            _ = try await importer.run(first, program: program, actor: nil, by: .cli("t"), dryRun: false)
            let second = TabularFile(rows: TabularFile.csvRows(Data((header + "\(testNIK(serial: 62)),Budi,33.75.01.1002,3,5,porter,Ani,istri,0822-2222-2222\n").utf8)))
            let dry = try await importer.run(second, program: program, actor: nil, by: .cli("t"), dryRun: true)
            #expect(dry.summary.updated == 1)
            #expect(dry.changes.first?.fields.map(\.field) == ["phone"])
            #expect(dry.changes.first?.sentence == "Nomor HP: 081111111111 -> 082222222222")
        }
    }
}
