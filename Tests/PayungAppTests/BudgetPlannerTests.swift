import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Budget planner over the page and the API")
struct BudgetPlannerTests {
    @Test("Jambi's figures on the page and the API; RT heads and sponsors may not; absurd numbers are a 422", arguments: TestDatabase.available)
    func planner(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, opToken) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, sponsorToken) = try await app.makeUser("sponsor.jambi", .sponsor, "15.71")
            try await app.makeUser("rt.jambi", .rt, "15.71.01.1002", rt: "001", rw: "001")
            try await app.testing().test(.POST, "/api/v1/budget/plan", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(BudgetPlannerController.Input(workers: 3_000, months: 12, premium: 16_800, budget: 604_000_000,
                    sponsors: [.init(name: "APBD", amount: 504_000_000), .init(name: "CSR", participants: 200, months: 12)]))
            }) { res in
                #expect(res.status == .ok)
                let answer = try? res.content.decode(BudgetPlannerController.Answer.self)
                #expect(answer?.plan.budgetNeeded == Rupiah(604_800_000))
                #expect(answer?.plan.personMonthsAffordable == 35_952 && answer?.plan.remainder == Rupiah(6_400))
                #expect(answer?.plan.shortfall == Rupiah(800_000) && answer?.plan.shortfallPersonMonths == 48)
                #expect(answer?.mix?.uncovered == 3_600)
            }
            try await app.testing().test(.POST, "/api/v1/budget/plan", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(BudgetPlannerController.Input(workers: Int.max, months: 12, premium: 16_800))
            }) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("workers_out_of_range"))
            }
            try await app.testing().test(.POST, "/api/v1/budget/plan", headers: .bearer(sponsorToken), beforeRequest: { req in
                try req.content.encode(BudgetPlannerController.Input(workers: 1, months: 1, premium: 1))
            }) { res in #expect(res.status == .forbidden) }
            let op = try await BrowserSession.login(app, "op.jambi")
            try await app.testing().test(.GET, "/anggaran?workers=3000&months=12&premium=Rp16.800&budget=604.000.000", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .ok)
                #expect(body.contains("Anggaran Rp604.000.000 cukup untuk 35.952 orang-bulan"))
                #expect(body.contains("sisa Rp6.400") && body.contains("Kurang Rp800.000 (48 orang-bulan)"))
            }
            try await app.testing().test(.GET, "/anggaran?workers=banyak&months=12", headers: op.headers) { res in
                #expect(res.status == .unprocessableEntity)
            }
            let rt = try await BrowserSession.login(app, "rt.jambi")
            try await app.testing().test(.GET, "/anggaran", headers: rt.headers) { res in #expect(res.status == .forbidden) }
        }
    }
}

@Suite("Budget planner: a sponsor mix on the page, the rest of a program's year")
struct BudgetPlannerRestTests {
    private let price: Int64 = 10_000 + 6_800 // JKK 1% of Rp1.000.000 + JKM, no discount (APBD pays)

    /// Kota Pekalongan's 2026 program: a becak driver and a batik labourer
    /// registered with BPJS from February, an APBD pledge for the year.
    private func seed(_ app: Application, pledge: Int64?) async throws -> ProgramModel {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(code: "pkl-2026", start: "2026-01", end: "2026-12")
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        for (serial, occupation) in [(1, "becak_driver"), (2, "batik_labourer")] {
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), occupation: occupation),
                                                    actor: rt, by: .cli("t"))
        }
        try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000057', bpjs_start_date = '2026-02-10'").run()
        if let pledge {
            let sponsor = SponsorModel()
            sponsor.id = UUID()
            sponsor.pemdaCode = "33.75"
            sponsor.kind = PayerKind.apbd.rawValue
            sponsor.name = "APBD Kota Pekalongan"
            sponsor.segment = PayerKind.apbd.defaultSegment.rawValue
            sponsor.createdAt = app.clock.now()
            try await sponsor.create(on: app.db)
            let row = PledgeModel()
            row.id = UUID()
            row.sponsorID = sponsor.id!
            row.programID = program.id!
            row.fromMonth = "2026-01"
            row.throughMonth = "2026-12"
            row.amount = pledge
            row.createdAt = app.clock.now()
            try await row.create(on: app.db)
        }
        _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
        return program
    }

    private func rest(_ app: Application, _ token: String, _ body: String, _ check: @escaping @Sendable (TestingHTTPResponse) async throws -> Void) async throws {
        try await app.testing().test(.POST, "/api/v1/budget/rest-of-year", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                     body: ByteBuffer(string: body), afterResponse: check)
    }

    @Test("the page's sponsor rows: what each covers, what stays uncovered; unreadable rows are marked at their field", arguments: TestDatabase.available)
    func mixOnPage(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("op.jambi", .operator, "15.71")
            let op = try await BrowserSession.login(app, "op.jambi")
            let premium: Int64 = 16_800
            let apbd = 504_000_000 / premium, csr: Int64 = 200 * 12, needed: Int64 = 3_000 * 12
            try await app.testing().test(.GET, "/anggaran?workers=3000&months=12&premium=16800&budget=604000000"
                                         + "&sponsor1Name=APBD&sponsor1Amount=Rp504.000.000&sponsor2Name=CSR%20Bank&sponsor2Participants=200&sponsor2Months=12"
                                         + "&sponsor3Name=&sponsor3Amount=&sponsor4Participants=10", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .ok)
                #expect(body.contains("Kurang Rp800.000 (48 orang-bulan)"))
                #expect(body.contains("Gabungan penyandang dana"))
                #expect(body.contains("<td>APBD</td><td data-label=\"Orang-bulan\">\(Count.id(Int(apbd)))</td><td data-label=\"Iuran\">\(Rupiah(apbd * premium).formatted)</td>"))
                #expect(body.contains("<td>CSR Bank</td><td data-label=\"Orang-bulan\">\(Count.id(Int(csr)))</td><td data-label=\"Iuran\">\(Rupiah(csr * premium).formatted)</td>"))
                // Row 4: 10 participants for the plan's 12 months, under a default name.
                #expect(body.contains("<td>Penyandang dana 4</td><td data-label=\"Orang-bulan\">120</td>"))
                let uncovered = needed - apbd - csr - 120
                #expect(body.contains("Belum tertanggung: \(Count.id(Int(uncovered))) orang-bulan (\(Rupiah(uncovered * premium).formatted))."))
                #expect(!body.contains("aria-invalid"))
            }
            try await app.testing().test(.GET, "/anggaran?workers=3000&months=12&premium=16800&sponsor1Amount=banyak"
                                         + "&sponsor2Amount=5000&sponsor2Participants=3&sponsor3Participants=99999999999&sponsor4Name=Baznas"
                                         + "&sponsor5Participants=4&sponsor5Months=200", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .unprocessableEntity)
                #expect(body.contains("aria-invalid=\"true\" aria-describedby=\"sponsor1Amount-error\" class=\"invalid\" autofocus"))
                #expect(body.contains("Penyandang dana 1: tulis rupiah seperti 504000000 atau Rp504.000.000."))
                #expect(body.contains("Penyandang dana 2: isi nilai rupiah atau peserta x bulan, bukan keduanya."))
                #expect(body.contains("aria-describedby=\"sponsor3Participants-error\"") && body.contains("Penyandang dana 3: jumlah peserta bilangan bulat 0 sampai 10.000.000."))
                #expect(body.contains("Penyandang dana 4: isi nilai rupiah, atau jumlah peserta dan bulan."))
                #expect(body.contains("aria-describedby=\"sponsor5Months-error\"") && body.contains("Penyandang dana 5: jumlah bulan bilangan bulat 1 sampai 120."))
                #expect(!body.contains("Gabungan penyandang dana") && body.contains("value=\"banyak\""))
            }
            try await app.testing().test(.GET, "/anggaran?workers=3000&months=500&premium=Rp16.800&budget=lima", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .unprocessableEntity)
                #expect(body.contains("aria-describedby=\"budget-error\"") && body.contains("Anggaran ditulis seperti 604000000 atau Rp604.000.000."))
            }
            try await app.testing().test(.GET, "/anggaran?workers=3000&months=500&premium=Rp16.800", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .unprocessableEntity)
                #expect(body.contains("aria-describedby=\"months-error\" class=\"invalid\" autofocus") && body.contains("Jumlah bulan harus 1 sampai 120."))
            }
        }
    }

    @Test("the rest of 2026 on 21 November: months planned by the coverage run, past and to come, the pledge left, what it buys", arguments: TestDatabase.available)
    func restOfYear(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let pledge: Int64 = 1_000_000
            let program = try await seed(app, pledge: pledge)
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            // Expected, from the seed: two workers from February to December at the full rate;
            // today is 21 November 2026 (testNow), so February to October are past.
            let pastMonths: Int64 = 2 * 9, toComeMonths: Int64 = 2 * 2
            let planned = (pastMonths + toComeMonths) * price
            let left = pledge - planned
            struct Sum: Decodable { let n: Int64; let s: Int64 }
            let stored = try #require(try await app.db.sql.raw("SELECT COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS s FROM coverage_months")
                .first(decoding: Sum.self))
            #expect(stored.n == pastMonths + toComeMonths && stored.s == planned, "the coverage run planned what the test expects")
            try await rest(app, opToken, #"{"programId": "\#(program.id!)"}"#) { res in
                #expect(res.status == .ok)
                let answer = try #require(try? res.content.decode(BudgetPlannerController.RestAnswer.self))
                let r = answer.rest
                #expect(answer.budgetSource == "pledges" && answer.premiumSource == "tariff" && r.year == 2026 && r.asOf.iso == "2026-11")
                #expect(r.past == .init(personMonths: pastMonths, rupiah: Rupiah(pastMonths * self.price)))
                #expect(r.toCome == .init(personMonths: toComeMonths, rupiah: Rupiah(toComeMonths * self.price)))
                #expect(r.budget == Rupiah(pledge) && r.premium == Rupiah(self.price) && r.left == Rupiah(left) && r.shortfall == .zero)
                #expect(r.remainingMonths == 2 && r.firstRemainingMonth?.iso == "2026-11" && r.lastRemainingMonth?.iso == "2026-12")
                #expect(r.personMonthsAffordable == left / self.price && r.remainder == Rupiah(left % self.price))
                #expect(r.workersAffordable == left / (2 * self.price))
                #expect(answer.sentences.contains { $0.contains("\(Count.id(Int(left / (2 * self.price)))) pekerja tambahan selama 2 bulan tersisa (November – Desember 2026)") })
            }
            // A smaller budget than what is planned: the shortfall, in rupiah and person-months (rounded up).
            let budget: Int64 = 300_000
            try await rest(app, opToken, #"{"programID": "\#(program.id!)", "year": 2026, "budget": \#(budget)}"#) { res in
                let r = try #require(try? res.content.decode(BudgetPlannerController.RestAnswer.self)).rest
                #expect(r.shortfall == Rupiah(planned - budget) && r.left == .zero && r.personMonthsAffordable == 0)
                #expect(r.shortfallPersonMonths == (planned - budget + self.price - 1) / self.price)
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/anggaran", headers: op.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("<option value=\"\(program.id!)\">Batik Berlian pkl-2026 (pkl-2026)</option>"))
            }
            try await app.testing().test(.GET, "/anggaran?program=\(program.id!)&year=2026&restBudget=&restPremium=", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .ok)
                #expect(body.contains("Anggaran \(Rupiah(pledge).formatted) (komitmen penyandang dana untuk 2026) dikurangi yang sudah direncanakan: sisa \(Rupiah(left).formatted)."))
                #expect(body.contains("<td>Direncanakan, bulan yang sudah lewat</td><td data-label=\"Orang-bulan\">\(pastMonths)</td><td data-label=\"Rupiah\">\(Rupiah(pastMonths * self.price).formatted)</td>"))
                #expect(body.contains("<td>Direncanakan, mulai November 2026</td><td data-label=\"Orang-bulan\">\(toComeMonths)</td>"))
                #expect(body.contains("selected>Batik Berlian pkl-2026"))
            }
        }
    }

    @Test("Jambi asking for Pekalongan's program gets 404 and nothing of it; unreadable or impossible input is a 422 with its code", arguments: TestDatabase.available)
    func isolationAndInput(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app, pledge: 1_000_000)
            let bare = try await app.makeProgram(code: "pkl-2026b", start: "2026-06", end: "2027-05")
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, rtToken) = try await app.makeUser("rt.podosugih", .rt, "33.75.01.1002", rt: "001", rw: "001")
            let (_, jambiToken) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, jambiAuditor) = try await app.makeUser("auditor.jambi", .auditor, "15.71")
            let planned = Rupiah(22 * price).formatted
            for token in [jambiToken, jambiAuditor] {
                try await rest(app, token, #"{"programID": "\#(program.id!)", "budget": 5000000}"#) { res in
                    let body = res.body.string
                    #expect(res.status == .notFound && body.contains("not_found"))
                    #expect(!body.contains("pkl-2026") && !body.contains("Batik") && !body.contains("orang-bulan"))
                }
            }
            try await rest(app, rtToken, #"{"programID": "\#(program.id!)"}"#) { res in #expect(res.status == .forbidden) }
            let jambi = try await BrowserSession.login(app, "op.jambi")
            try await app.testing().test(.GET, "/anggaran", headers: jambi.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("pkl-2026") && res.body.string.contains("Belum ada program yang angkanya dapat Anda lihat."))
            }
            try await app.testing().test(.GET, "/anggaran?program=\(program.id!)&year=2026", headers: jambi.headers) { res in
                let body = res.body.string
                #expect(res.status == .notFound)
                #expect(!body.contains("Batik Berlian") && !body.contains("pkl-2026") && !body.contains(planned))
                #expect(body.contains("Program tidak ditemukan."))
            }
            for (json, code) in [
                (#"{"programID": "\#(program.id!)", "year": 1999}"#, "year_out_of_range"),
                (#"{"programID": "\#(program.id!)", "year": 2027}"#, "year_outside_program"),
                (#"{"programID": "\#(program.id!)", "budget": -1}"#, "budget_out_of_range"),
                (#"{"programID": "\#(program.id!)", "premium": 0}"#, "premium_out_of_range"),
                (#"{"programID": "\#(bare.id!)"}"#, "budget_required"),
            ] {
                try await rest(app, opToken, json) { res in
                    #expect(res.status == .unprocessableEntity && res.body.string.contains(code), "\(json): \(res.status) \(res.body.string)")
                }
            }
            try await rest(app, opToken, #"{"programID": "bukan-id"}"#) { res in #expect(res.status.code >= 400 && res.status.code < 500) }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/anggaran?program=\(program.id!)&year=dua+ribu&restBudget=banyak", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .unprocessableEntity)
                #expect(body.contains("aria-describedby=\"year-error\" class=\"invalid\" autofocus") && body.contains("Tahun ditulis empat angka, mis. 2026."))
                #expect(body.contains("aria-describedby=\"restBudget-error\"") && body.contains("Anggaran ditulis seperti 604000000 atau Rp604.000.000."))
            }
            try await app.testing().test(.GET, "/anggaran?program=\(bare.id!)&year=2026", headers: op.headers) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("Belum ada komitmen penyandang dana untuk 2026; isi anggaran tersedia."))
            }
            // The bare program with a budget: nothing planned; of its 2026 months (June to December) two remain in November.
            try await app.testing().test(.GET, "/anggaran?program=\(bare.id!)&year=2026&restBudget=Rp100.000", headers: op.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Belum ada bulan kepesertaan yang direncanakan untuk 2026."))
                #expect(res.body.string.contains("\(Count.id(Int(100_000 / (2 * self.price)))) pekerja tambahan selama 2 bulan tersisa"))
            }
        }
    }
}

@Suite("The tariff rules as data, on a page and the API")
struct TariffPageTests {
    @Test("the seeded rules show with their sources; versions tell how many months they priced; RT heads may not read them", arguments: TestDatabase.available)
    func tariffs(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            try await app.testing().test(.GET, "/api/v1/tariffs", headers: .bearer(opToken)) { res in
                #expect(res.status == .ok)
                let book = try? res.content.decode(TariffController.BookDTO.self)
                #expect(book?.versions.first?.id == "bpu-2015" && book?.versions.first?.pricedMonths == 0)
                #expect(book?.discounts.map(\.id) == ["pp50-2025-transport", "pp50-2025-other"])
                #expect(book?.payers.first { $0.kind == "apbdes" }?.confirmed == false)
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/admin/tarif", headers: op.headers) { res in
                let body = res.body.string
                #expect(res.status == .ok)
                #expect(body.contains("JKK 1% dari upah, JKM Rp6.800") && body.contains("Keringanan 50% sektor transportasi"))
                #expect(body.contains("Januari 2026 – Maret 2027") && body.contains("tidak dipublikasikan"))
            }
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/admin/tarif", headers: rt.headers) { res in #expect(res.status == .forbidden) }
        }
    }
}
