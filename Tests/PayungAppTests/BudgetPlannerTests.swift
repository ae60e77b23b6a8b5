import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Budget planner over the page and the API")
struct BudgetPlannerTests {
    @Test("Jambi's figures on the page and the API; RT heads and sponsors may not; absurd numbers are a 422", arguments: [TestDatabase.sqlite])
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
