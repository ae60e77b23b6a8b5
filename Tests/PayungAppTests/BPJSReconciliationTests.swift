import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Reconciliation with BPJS's invoice: every difference per NIK and month")
struct BPJSReconciliationTests {
    struct Month: Decodable { let total: Int64 }

    /// The seed's two participants from February and a third; the second ends on 3 April (a death), so Payung expects nothing of them from May.
    static func seed(_ app: Application) async throws -> ProgramModel {
        let (program, rt) = try await BillingRunTests.seed(app)
        _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 3), occupation: "becak_driver"),
                                                actor: rt, by: .cli("t"))
        try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000058', bpjs_start_date = '2026-02-10' WHERE status <> 'active'").run()
        try await app.db.sql.raw("""
            UPDATE proposals SET status = 'ended', ended_on = '2026-04-03'
            WHERE worker_id = (SELECT id FROM workers WHERE nik = \(bind: testNIK(serial: 2)))
            """).run()
        _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
        return program
    }

    static func expected(_ app: Application, _ nik: String, _ month: String) async throws -> Int64? {
        try await app.db.sql.raw("SELECT total FROM coverage_months WHERE nik = \(bind: nik) AND month = \(bind: month)")
            .first(decoding: Month.self)?.total
    }

    @Test("a BPJS file with one extra, one missing and one different amount lists exactly those three; the extra one ended before and is flagged; an unreadable row is reported, not fatal",
          arguments: TestDatabase.available)
    func exactlyThree(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await Self.seed(app)
            let (_, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let one = testNIK(serial: 1), two = testNIK(serial: 2), three = testNIK(serial: 3)
            let may = try #require(try await Self.expected(app, one, "2026-05"))
            #expect(try await Self.expected(app, three, "2026-05") != nil)
            #expect(try await Self.expected(app, two, "2026-05") == nil, "the ended participant has no May")
            // May: the first billed Rp1.000 too much; the second (ended in April) billed; the third not billed.
            // BPJS also sends a June line nobody can read: June is not compared.
            let csv = """
                NIK;NAMA;BULAN_IURAN;IURAN;DIBAYAR
                \(one);SATU;2026-05;\(may + 1_000);\(may + 1_000)
                \(two);DUA;Mei 2026;Rp16.800;
                12345;RUSAK;06/2026;16800;
                """
            var runID = ""
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/reconciliations?fileName=tagihan-mei.csv",
                                         headers: .bearer(op), beforeRequest: { req in req.body = ByteBuffer(string: csv) }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                let r = try res.content.decode(ReconciliationController.ReconciliationDTO.self)
                runID = r.id.uuidString
                #expect(r.months == ["2026-05"])
                #expect((r.missing, r.extra, r.amountDiffers, r.afterEnd, r.rejected, r.rows) == (1, 1, 1, 1, 1, 3))
                #expect(r.billedTotal == may + 1_000 + 16_800)
                #expect(r.rejections.first?.line == 4 && r.rejections.first?.column == "NIK")
            }
            let base = "/api/v1/programs/\(program.id!)/reconciliations/\(runID)/differences"
            try await app.testing().test(.GET, base, headers: .bearer(op)) { res in
                let page = try res.content.decode(PageDTO<ReconciliationController.DifferenceDTO>.self)
                #expect(page.total == 3)
                let seen = page.items.map { "\($0.month) \($0.kind) \($0.name ?? "")" }
                let nameOne = try await Self.name(app, one), nameTwo = try await Self.name(app, two), nameThree = try await Self.name(app, three)
                #expect(seen == ["2026-05 amount \(nameOne)", "2026-05 extra \(nameTwo)", "2026-05 missing \(nameThree)"])
                #expect(Set(page.items.map(\.nik)) == [one, two, three], "the operator reads full NIKs")
                let amount = try #require(page.items.first { $0.kind == "amount" })
                #expect(amount.expected == may && amount.billed == may + 1_000 && amount.paid == may + 1_000 && amount.inProgram)
                let extra = try #require(page.items.first { $0.kind == "extra" })
                #expect(extra.afterEnd && extra.expected == nil && extra.billed == 16_800)
            }
            try await app.testing().test(.GET, base + "?kind=after_end", headers: .bearer(op)) { res in
                let page = try res.content.decode(PageDTO<ReconciliationController.DifferenceDTO>.self)
                #expect(page.total == 1 && page.items.first?.kind == "extra")
            }
            try await app.testing().test(.GET, base + "?kind=semua", headers: .bearer(op)) { res in
                #expect(res.status == .badRequest && res.body.string.contains("kind_invalid"))
            }
            // The same file again is a second record, with the same answer (nothing in Payung changed).
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/reconciliations", headers: .bearer(op),
                                         beforeRequest: { req in req.body = ByteBuffer(string: csv) }) { res in
                let r = try res.content.decode(ReconciliationController.ReconciliationDTO.self)
                #expect((r.missing, r.extra, r.amountDiffers) == (1, 1, 1))
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/reconciliations", headers: .bearer(op)) { res in
                let list = try res.content.decode(PageDTO<ReconciliationController.ReconciliationDTO>.self)
                #expect(list.total == 2)
            }
            struct N: Decodable { let n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'billing.reconcile'").first(decoding: N.self)?.n == 2)
        }
    }

    @Test("a row whose amount cannot be read is reported, not counted as 'not billed'; months outside the program are refused per row",
          arguments: TestDatabase.available)
    func unreadableAndOutside(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await Self.seed(app)
            let (_, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let one = testNIK(serial: 1), three = testNIK(serial: 3)
            let may = try #require(try await Self.expected(app, three, "2026-05"))
            let csv = """
                NIK,BULAN_IURAN,IURAN
                \(one),2026-05,-16800
                \(three),2026-05,\(may)
                \(three),2027-01,\(may)
                \(three),2025-12,\(may)
                """
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/reconciliations", headers: .bearer(op),
                                         beforeRequest: { req in req.body = ByteBuffer(string: csv) }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                let r = try res.content.decode(ReconciliationController.ReconciliationDTO.self)
                #expect(r.months == ["2026-05"])
                #expect((r.missing, r.extra, r.amountDiffers, r.rejected) == (0, 0, 0, 3))
                #expect(r.rejections.map(\.code) == ["amount_invalid", "month_outside_program", "month_outside_program"])
            }
        }
    }

    static func name(_ app: Application, _ nik: String) async throws -> String {
        struct Row: Decodable { let name: String }
        return try await app.db.sql.raw("SELECT name FROM workers WHERE nik = \(bind: nik)").first(decoding: Row.self)!.name
    }

    @Test("the page takes an XLSX with BPJS's own headers, shows the differences in words; bad files get a reason; other Pemdas and other roles are refused",
          arguments: TestDatabase.available)
    func pageAndScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await Self.seed(app)
            _ = try await app.makeUser("bpjs.pekalongan", .bpjs, "33.75")
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, kadis) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let one = testNIK(serial: 1), stranger = testNIK(serial: 9)
            let may = try #require(try await Self.expected(app, one, "2026-05"))
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rekon-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            let writer = try XLSXWriter(url: url, sheetName: "Tagihan", headers: ["No KTP", "Nama Peserta", "Periode", "Total Iuran"])
            try writer.append([.text(one), .text("SATU"), .text("Mei 2026"), .number(may)])
            try writer.append([.text(stranger), .text("ORANG LAIN"), .text("Mei 2026"), .number(16_800)])
            try writer.finish()
            let xlsx = try Data(contentsOf: url)

            let browser = try await BrowserSession.login(app, "bpjs.pekalongan")
            var headers = browser.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            var location = ""
            try await app.testing().test(.POST, "/program/\(program.id!)/rekonsiliasi", headers: headers,
                                         body: ImportWebTests().multipart(["_csrf": browser.csrf], file: xlsx, name: "tagihan.xlsx")) { res in
                #expect(res.status == .seeOther, "\(res.body.string.prefix(400))")
                location = res.headers.first(name: .location) ?? ""
            }
            try await app.testing().test(.GET, location, headers: browser.headers) { res in
                let page = res.body.string
                #expect(res.status == .ok)
                #expect(page.contains("Rekonsiliasi Mei 2026") && page.contains("ORANG LAIN") && page.contains("bukan peserta program ini"))
                #expect(page.contains("Ditagih BPJS, tidak ada di Payung") && page.contains("Tidak ditagih BPJS (1)") && page.contains("Jumlah berbeda (0)"))
            }
            for (file, reason) in [("NAMA,IURAN\nA,1\n", "Baris judul kolom tidak ditemukan"), ("NIK,BULAN_IURAN,IURAN\n123,2026-05,x\n", "Tidak ada baris tagihan yang terbaca"),
                                   ("", "Kirim berkas tagihan BPJS")] {
                try await app.testing().test(.POST, "/program/\(program.id!)/rekonsiliasi", headers: headers,
                                             body: ImportWebTests().multipart(["_csrf": browser.csrf], file: Data(file.utf8), name: "x.csv")) { res in
                    #expect(res.status == .unprocessableEntity && res.body.string.contains(reason), "\(file): \(res.status)")
                }
            }
            try await app.testing().test(.GET, "/program/\(program.id!)/rekonsiliasi", headers: browser.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("tagihan.xlsx") && res.body.string.contains("2 selisih"))
            }
            // Another Pemda: not found. The Kepala Dinas issues bills but does not reconcile: forbidden.
            for path in ["/api/v1/programs/\(program.id!)/reconciliations", location.replacingOccurrences(of: "/program/", with: "/api/v1/programs/")
                            .replacingOccurrences(of: "/rekonsiliasi/", with: "/reconciliations/") + "/differences"] {
                try await app.testing().test(.GET, path, headers: .bearer(jambi)) { res in #expect(res.status == .notFound, "\(path)") }
                try await app.testing().test(.GET, path, headers: .bearer(kadis)) { res in #expect(res.status == .forbidden, "\(path)") }
            }
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/reconciliations", headers: .bearer(jambi),
                                         beforeRequest: { req in req.body = ByteBuffer(data: xlsx) }) { res in #expect(res.status == .notFound) }
            #expect(try await ReconciliationModel.query(on: app.db).count() == 1)
        }
    }
}
