import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Tariff rules as data: an admin adds, supersedes, and a Pemda answers who gets the discount")
struct TariffAdminTests {
    /// A 2026 Pekalongan program: a becak driver and a batik labourer active
    /// from February, a CSR pledge that pays everything.
    private func seed(_ app: Application) async throws -> ProgramModel {
        let program = try await app.makeProgram(code: "pkl-2026", start: "2026-01", end: "2026-12")
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        for (serial, occupation) in [(1, "becak_driver"), (2, "batik_labourer")] {
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), occupation: occupation),
                                                    actor: rt, by: .cli("t"))
        }
        try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000057', bpjs_start_date = '2026-02-10'").run()
        let sponsor = SponsorModel()
        sponsor.id = UUID()
        sponsor.pemdaCode = "33.75"
        sponsor.kind = PayerKind.csr.rawValue
        sponsor.name = "PT Batik"
        sponsor.segment = PayerKind.csr.defaultSegment.rawValue
        sponsor.createdAt = app.clock.now()
        try await sponsor.create(on: app.db)
        let pledge = PledgeModel()
        pledge.id = UUID()
        pledge.sponsorID = sponsor.id!
        pledge.programID = program.id!
        pledge.fromMonth = "2026-01"
        pledge.throughMonth = "2027-12"
        pledge.participants = 10
        pledge.months = 24
        pledge.createdAt = app.clock.now()
        try await pledge.create(on: app.db)
        return program
    }

    struct Month: Decodable { let nik: String; let month: String; let total: Int64; let tariff_version_id: String; let discount_id: String? }

    private func months(_ app: Application) async throws -> [Month] {
        try await app.db.sql.raw("SELECT nik, month, total, tariff_version_id, discount_id FROM coverage_months ORDER BY nik, month")
            .all(decoding: Month.self)
    }

    private func version(_ name: String, from: String, through: String? = nil, jkm: Int64 = 6_800, jkk: Int = 100) -> TariffVersionInput {
        TariffVersionInput(name: name, legalBasis: "PP uji", from: from, through: through, jkkBasisPoints: jkk, jkm: jkm, jhtBasisPoints: 200,
                           brackets: [TariffBracketInput(lower: 1_000_000, upper: 1_099_999, basis: 1_000_000)])
    }

    private func auditCount(_ app: Application, _ action: String) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action)").first(decoding: Row.self)?.n ?? 0
    }

    @Test("an admin adds a version; an overlapping one is refused (409 tariff_overlap); bad numbers 422; an unused version is changed and deleted",
          arguments: TestDatabase.available)
    func addVersion(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, admin) = try await app.makeUser("admin.pkl", .admin, "33.75")
            let (_, op) = try await app.makeUser("op.pkl", .operator, "33.75")
            var created: TariffController.BookDTO.Version?
            try await app.testing().test(.POST, "/api/v1/tariffs/versions", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Tarif lama", from: "2014-01", through: "2015-06", jkm: 6_000))
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                created = try? res.content.decode(TariffController.BookDTO.Version.self)
            }
            #expect(created?.id == "tarif-2014-01" && created?.jkm == 6_000 && created?.through == "2015-06")
            try await app.testing().test(.POST, "/api/v1/tariffs/versions", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Tarif bentrok", from: "2015-06"))
            }) { res in
                #expect(res.status == .conflict && res.body.string.contains("tariff_overlap"), "\(res.body.string)")
                #expect(res.body.string.contains("bertumpang tindih"))
            }
            try await app.testing().test(.POST, "/api/v1/tariffs/versions", headers: .bearer(op), beforeRequest: { req in
                try req.content.encode(version("Dari operator", from: "2013-01", through: "2013-12"))
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.POST, "/api/v1/tariffs/versions", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Terlalu besar", from: "2013-01", through: "2013-12", jkm: Int64.max, jkk: Int.max))
            }) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("tariff_invalid"), "\(res.body.string)")
                #expect(res.body.string.contains("JKK antara 0 dan 10000") && res.body.string.contains("JKM antara"))
            }
            try await app.testing().test(.PUT, "/api/v1/tariffs/versions/tarif-2014-01", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Tarif lama (diperbaiki)", from: "2014-01", through: "2015-06", jkm: 6_500))
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                #expect((try? res.content.decode(TariffController.BookDTO.Version.self))?.jkm == 6_500)
            }
            try await app.testing().test(.DELETE, "/api/v1/tariffs/versions/tarif-2014-01", headers: .bearer(admin)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
            try await app.testing().test(.DELETE, "/api/v1/tariffs/versions/tarif-2014-01", headers: .bearer(admin)) { res in
                #expect(res.status == .notFound)
            }
            #expect(try await auditCount(app, "tariff.version_add") == 1)
            #expect(try await auditCount(app, "tariff.version_update") == 1)
            #expect(try await auditCount(app, "tariff.version_delete") == 1)
        }
    }

    @Test("a used version is never edited or deleted, only superseded; the coverage run prices later months with the new one",
          arguments: TestDatabase.available)
    func supersede(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await seed(app)
            let (_, admin) = try await app.makeUser("admin.pkl", .admin, "33.75")
            let first = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(first.planned == 22)
            try await app.testing().test(.PUT, "/api/v1/tariffs/versions/bpu-2015", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Diubah", from: "2015-07", jkm: 1))
            }) { res in
                #expect(res.status == .conflict && res.body.string.contains("tariff_version_used"), "\(res.body.string)")
                #expect(res.body.string.contains("sudah dipakai menghitung 22 bulan-orang; buat versi pengganti"))
            }
            try await app.testing().test(.DELETE, "/api/v1/tariffs/versions/bpu-2015", headers: .bearer(admin)) { res in
                #expect(res.status == .conflict && res.body.string.contains("tariff_version_used"), "\(res.body.string)")
            }
            // Months up to December 2026 were priced: a replacement from June would reprice them.
            try await app.testing().test(.POST, "/api/v1/tariffs/versions/bpu-2015/supersede", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Tarif 2026", from: "2026-06", jkm: 7_000))
            }) { res in
                #expect(res.status == .conflict && res.body.string.contains("tariff_version_used"), "\(res.body.string)")
                #expect(res.body.string.contains("Januari 2027"), "\(res.body.string)")
            }
            try await app.testing().test(.POST, "/api/v1/tariffs/versions/bpu-2015/supersede", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(version("Tarif 2027", from: "2027-01", jkm: 7_000))
            }) { res in #expect(res.status == .created, "\(res.body.string)") }
            let old = try #require(try await TariffVersionModel.find("bpu-2015", on: app.db))
            #expect(old.throughMonth == "2026-12")
            #expect(try await TariffVersionModel.find("tarif-2027-01", on: app.db)?.jkm == 7_000)
            #expect(try await auditCount(app, "tariff.version_supersede") == 1)

            try await app.db.sql.raw("UPDATE programs SET end_month = '2027-03' WHERE id = \(bind: program.id!)").run()
            let second = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(second.planned == 6 && second.alreadyPriced == 22)
            let rows = try await months(app)
            let later = rows.filter { $0.month >= "2027-01" }
            #expect(later.count == 6 && later.allSatisfy { $0.tariff_version_id == "tarif-2027-01" })
            #expect(rows.filter { $0.month < "2027-01" }.allSatisfy { $0.tariff_version_id == "bpu-2015" })
            // The driver keeps the transport discount to March 2027 (JKK 5.000 + JKM 3.500); the batik labourer pays in full.
            #expect(later.filter { $0.nik == testNIK(serial: 1) }.allSatisfy { $0.total == 8_500 })
            #expect(later.filter { $0.nik == testNIK(serial: 2) }.allSatisfy { $0.total == 17_000 && $0.discount_id == nil })
            // The new version priced months now: it too is only superseded.
            try await app.testing().test(.DELETE, "/api/v1/tariffs/versions/tarif-2027-01", headers: .bearer(admin)) { res in
                #expect(res.status == .conflict && res.body.string.contains("6 bulan-orang"), "\(res.body.string)")
            }
        }
    }

    @Test("a discount: overlap for a sector refused; one that priced months is not deleted", arguments: TestDatabase.available)
    func discounts(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await seed(app)
            let (_, admin) = try await app.makeUser("admin.pkl", .admin, "33.75")
            func discount(_ from: String, _ through: String, _ sectors: [String]) -> TariffDiscountInput {
                TariffDiscountInput(name: "Keringanan uji", legalBasis: "PP uji", from: from, through: through, sectors: sectors, offBasisPoints: 2_500)
            }
            try await app.testing().test(.POST, "/api/v1/tariffs/discounts", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(discount("2026-12", "2027-06", ["other"]))
            }) { res in #expect(res.status == .conflict && res.body.string.contains("tariff_overlap"), "\(res.body.string)") }
            try await app.testing().test(.POST, "/api/v1/tariffs/discounts", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(discount("2027-01", "2027-06", ["other", "boat"]))
            }) { res in #expect(res.status == .unprocessableEntity && res.body.string.contains("tariff_invalid"), "\(res.body.string)") }
            try await app.testing().test(.POST, "/api/v1/tariffs/discounts", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(discount("2027-01", "2027-06", ["other"]))
            }) { res in #expect(res.status == .created, "\(res.body.string)") }
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            try await app.testing().test(.DELETE, "/api/v1/tariffs/discounts/pp50-2025-transport", headers: .bearer(admin)) { res in
                #expect(res.status == .conflict && res.body.string.contains("tariff_discount_used"), "\(res.body.string)")
            }
            try await app.testing().test(.DELETE, "/api/v1/tariffs/discounts/keringanan-2027-01-other", headers: .bearer(admin)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
        }
    }

    @Test("a Pemda sets CSR as excluded: the batik labourer's May 2026 costs Rp16.800, not Rp8.400; Jambi's admin cannot change Pekalongan's answers",
          arguments: TestDatabase.available)
    func payerKinds(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await seed(app)
            let (_, admin) = try await app.makeUser("admin.pkl", .admin, "33.75")
            let (_, jambi) = try await app.makeUser("admin.jambi", .admin, "15.71")
            let (_, verifier) = try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            let excluded = PayerKindInput(excludedFromDiscount: true)
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/csr", headers: .bearer(jambi), beforeRequest: { req in
                try req.content.encode(PayerKindInput(excludedFromDiscount: true, pemda: "33.75"))
            }) { res in #expect(res.status == .forbidden, "\(res.body.string)") }
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/csr", headers: .bearer(verifier), beforeRequest: { req in
                try req.content.encode(excluded)
            }) { res in #expect(res.status == .forbidden, "\(res.body.string)") }
            // Jambi's own answer is Jambi's only.
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/csr", headers: .bearer(jambi), beforeRequest: { req in
                try req.content.encode(excluded)
            }) { res in #expect(res.status == .ok, "\(res.body.string)") }
            let jambiSession = try await BrowserSession.login(app, "admin.jambi")
            try await app.testing().test(.POST, "/admin/tarif/penyandang", headers: jambiSession.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": jambiSession.csrf, "pemda": "33.75", "excluded_csr": "1"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .forbidden, "\(res.status)") }
            #expect(try await TariffQueries(db: app.db).exclusions(pemda: "33.75")[.csr] == false)
            #expect(try await TariffQueries(db: app.db).exclusions(pemda: "15.71")[.csr] == true)
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/ktp", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(excluded)
            }) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/csr", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(excluded)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                #expect((try? res.content.decode(TariffController.BookDTO.Payer.self))?.excludedFromDiscount == true)
            }
            // Twice is one row (upsert), and audited once (nothing changed the second time).
            try await app.testing().test(.PUT, "/api/v1/tariffs/payer-kinds/csr", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(excluded)
            }) { res in #expect(res.status == .ok) }
            #expect(try await PayerKindSettingModel.query(on: app.db).filter(\.$pemdaCode == "33.75").count() == 1)
            #expect(try await auditCount(app, "tariff.payer_kind") == 2)
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            let rows = try await months(app)
            #expect(rows.first { $0.nik == testNIK(serial: 2) && $0.month == "2026-05" }?.total == 16_800)
            #expect(rows.allSatisfy { $0.discount_id == nil })
            try await app.testing().test(.GET, "/api/v1/tariffs", headers: .bearer(admin)) { res in
                let book = try? res.content.decode(TariffController.BookDTO.self)
                #expect(book?.pemda == "33.75" && book?.payers.first { $0.kind == "csr" }?.excludedFromDiscount == true)
            }
        }
    }

    @Test("the page shows the forms to an admin; a bad number is marked at its field; a good version is added; the payer answers saved",
          arguments: TestDatabase.available)
    func page(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("admin.pkl", .admin, "33.75")
            try await app.makeUser("op.pkl", .operator, "33.75")
            let session = try await BrowserSession.login(app, "admin.pkl")
            try await app.testing().test(.GET, "/admin/tarif", headers: session.headers) { res in
                let html = res.body.string
                #expect(res.status == .ok)
                #expect(html.contains("Tambah versi tarif") && html.contains("Tambah keringanan") && html.contains("name=\"lower5\""))
                #expect(html.contains("tidak dipublikasikan") && html.contains("Tidak mendapat keringanan PP 50/2025"))
                #expect(html.contains("id=\"excluded_apbdes\"") && html.contains("belum dikonfirmasi"))
            }
            var form = ["_csrf": session.csrf, "name": "Tarif lama", "legalBasis": "PP uji", "from": "2014-01", "through": "2015-06",
                        "jkkBasisPoints": "100", "jkm": "enam ribu", "jhtBasisPoints": "200", "lower1": "1000000", "basis1": "1000000"]
            try await app.testing().test(.POST, "/admin/tarif/versi", headers: session.headers, beforeRequest: { req in
                try req.content.encode(form, as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unprocessableEntity)
                #expect(page.invalidFields == ["jkm"] && page.focused == ["jkm"])
                #expect(res.body.string.contains("<p class=\"field-error\" id=\"jkm-error\">JKM ditulis seperti 6800 atau Rp6.800.</p>"))
                #expect(page.control("name")?.contains("value=\"Tarif lama\"") == true)
            }
            form["jkm"] = "Rp6.000"
            form["upper1"] = "999"
            try await app.testing().test(.POST, "/admin/tarif/versi", headers: session.headers, beforeRequest: { req in
                try req.content.encode(form, as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(FormPage(res.body.string).invalidFields == ["lower1"])
            }
            form["upper1"] = ""
            try await app.testing().test(.POST, "/admin/tarif/versi", headers: session.headers, beforeRequest: { req in
                try req.content.encode(form, as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            #expect(try await TariffVersionModel.find("tarif-2014-01", on: app.db)?.jkm == 6_000)
            try await app.testing().test(.GET, "/admin/tarif/versi/tarif-2014-01", headers: session.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("value=\"Rp6.000\"") == false && res.body.string.contains("value=\"6000\""))
            }
            try await app.testing().test(.GET, "/admin/tarif/versi/bpu-2015", headers: session.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("Hapus") == false)
            }
            try await app.testing().test(.POST, "/admin/tarif/keringanan", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": session.csrf, "name": "Bentrok", "legalBasis": "PP uji", "from": "2026-06", "through": "2026-08",
                                        "sector_other": "1", "offBasisPoints": "5000"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("bertumpang tindih"))
            }
            try await app.testing().test(.POST, "/admin/tarif/penyandang", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": session.csrf, "pemda": "33.75", "excluded_apbd": "1", "excluded_apbn": "1"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            let answers = try await TariffQueries(db: app.db).exclusions(pemda: "33.75")
            #expect(answers[.apbdes] == false && answers[.apbd] == true && answers[.csr] == false)
            // The operator reads the book and answers for the Pemda, but adds no version.
            let operatorSession = try await BrowserSession.login(app, "op.pkl")
            try await app.testing().test(.GET, "/admin/tarif", headers: operatorSession.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("Tambah versi tarif") && res.body.string.contains("excluded_csr"))
            }
            try await app.testing().test(.POST, "/admin/tarif/versi", headers: operatorSession.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": operatorSession.csrf, "name": "X"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .forbidden) }
        }
    }
}
