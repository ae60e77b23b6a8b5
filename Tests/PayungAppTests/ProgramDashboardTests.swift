import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Program dashboard: live figures, benefits over premiums, small counts hidden from sponsors, scoped to the Pemda")
struct ProgramDashboardTests {
    @Test("participants against the quota, the funnel, who they are, and benefits paid over premiums paid to the rupiah",
          arguments: TestDatabase.available)
    func figures(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await ClaimTests.fixture(app)
            // A paid death: Rp42,000,000 against the premiums paid for February.
            let claim = try await ClaimTests.report(app, f, nik: f.niks[0], day: "2026-03-20")
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'paid', paid_amount = 42000000, paid_on = '2026-04-20' WHERE id = \(bind: claim.summary.id)").run()
            let premiums = try await PaymentStandingTests.billTotal(app, "2026-02")
            var dashboard: ProgramDashboard?
            try await app.testing().test(.GET, "/api/v1/programs/\(f.program.id!)/dashboard", headers: .bearer(f.op)) { res in
                #expect(res.status == .ok, "\(res.body.string.prefix(300))")
                dashboard = try res.content.decode(ProgramDashboard.self)
            }
            let d = try #require(dashboard)
            #expect(d.live && d.participants == 1, "the deceased's participation ended: one left")
            #expect(d.realisation == ProgramFigures.percent(1, of: f.program.quota))
            #expect(d.funnel.map(\.count) == [2, 2, 2, 2, 2, 1], "both reached registration; one is still active")
            #expect(d.ended.first?.key == "death" && d.ended.first?.count == 1)
            #expect(d.premiumsPaid == premiums && d.benefitsPaid == 42_000_000)
            #expect(d.benefitRatio == ProgramFigures.percent(42_000_000, of: premiums))
            #expect(d.byDistrict.first?.name.contains("Pekalongan Barat") == true && d.bySex.reduce(0) { $0 + ($1.count ?? 0) } == 1)
            // A sponsor sees the same page with counts under 5 hidden, and no benefit figures for fewer than 5 claims.
            try await app.testing().test(.GET, "/api/v1/programs/\(f.program.id!)/dashboard", headers: .bearer(f.sponsor)) { res in
                let s = try res.content.decode(ProgramDashboard.self)
                #expect(res.status == .ok && s.suppressedBelow == 5)
                #expect(s.byDistrict.allSatisfy { $0.count == nil } && s.ended.allSatisfy { $0.count == nil } && s.benefitRatio == nil)
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(f.program.id!)/dashboard", headers: .bearer(f.jambi)) { res in
                #expect(res.status == .notFound)
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/program/\(f.program.id!)/dasbor", headers: op.headers) { res in
                let html = res.body.string
                #expect(res.status == .ok)
                for words in ["Angka langsung", "Realisasi", "Manfaat dibanding iuran", "Rp42.000.000", "Meninggal dunia", "<svg"] {
                    #expect(html.contains(words), "\(words)")
                }
            }
        }
    }
}
