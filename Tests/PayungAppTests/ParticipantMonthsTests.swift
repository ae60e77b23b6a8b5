import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("A participant's months as known on a day: was March paid, as known on 20 March?")
struct ParticipantMonthsTests {
    @Test("March is overdue as known on 20 March and paid as known on 26 March; a later payment never rewrites the past; the page and the API agree; Jambi sees nothing",
          arguments: TestDatabase.available)
    func asKnownOn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            let (op, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (kadis, _) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let maker = AuditActor(userID: op.id, username: op.username, source: "test")
            let checker = AuditActor(userID: kadis.id, username: kadis.username, source: "test")
            for month in ["2026-02", "2026-03"] {
                let on = PaymentStandingTests.day(month + "-03")
                let run = try await BillingRun(db: app.db, now: on).prepare(programID: program.id!, month: YearMonth(iso: month)!, by: maker,
                                                                            today: CalendarDate(on))
                _ = try await BillingRun(db: app.db, now: on).issue(runID: run.runID, by: checker)
            }
            struct Sum: Decodable { let total: Int64 }
            let owed = try await app.db.sql.raw("SELECT CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines").first(decoding: Sum.self)!.total
            let sponsor = try #require(try await SponsorModel.query(on: app.db).first())
            let paidDay = PaymentStandingTests.day("2026-03-25")
            _ = try await Payments(db: app.db, now: paidDay).record(
                program: program, PaymentInput(sponsorID: sponsor.id, invoiceRef: "VA 1", paidOn: "2026-03-25", amount: String(owed)),
                today: CalendarDate(paidDay), by: maker)
            struct ID: Decodable { let id: UUID }
            let proposal = try #require(try await app.db.sql.raw("SELECT id FROM proposals ORDER BY id").first(decoding: ID.self)).id
            let base = "/api/v1/programs/\(program.id!)/participants/\(proposal)/months"
            try await app.testing().test(.GET, base + "?asOf=2026-03-20", headers: .bearer(opToken)) { res in
                #expect(res.status == .ok)
                let m = try res.content.decode(ParticipantMonths.self)
                #expect(m.months.map(\.month) == ["2026-02", "2026-03"])
                #expect(m.months.map(\.state) == ["overdue", "overdue"], "nothing was paid yet on 20 March")
                #expect(m.standing == "in_arrears")
            }
            try await app.testing().test(.GET, base + "?asOf=2026-03-26", headers: .bearer(opToken)) { res in
                let m = try res.content.decode(ParticipantMonths.self)
                #expect(m.months.map(\.state) == ["paid", "paid"] && m.months.allSatisfy { $0.paidOn == "2026-03-25" })
                #expect(m.standing == "covered" && m.months.first?.payer == sponsor.name)
            }
            try await app.testing().test(.GET, base + "?asOf=2026-02-10", headers: .bearer(opToken)) { res in
                let m = try res.content.decode(ParticipantMonths.self)
                #expect(m.months.map(\.state) == ["not_yet_due"], "on 10 February only February was billed, due on the 15th")
            }
            // The edge of the calendar once stopped the server (a trap one day after 31 December 9999).
            for bad in ["20-03-2026", "9999-12-31", "1999-12-31", "2101-01-01"] {
                for path in [base, "/api/v1/programs/\(program.id!)/standing"] {
                    try await app.testing().test(.GET, path + "?asOf=" + bad, headers: .bearer(opToken)) { res in
                        #expect(res.status == .unprocessableEntity && res.body.string.contains("as_of_invalid"), "\(path) \(bad)")
                    }
                }
            }
            try await app.testing().test(.GET, base, headers: .bearer(jambi)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/participants/\(UUID())/months", headers: .bearer(opToken)) { res in
                #expect(res.status == .notFound)
            }
            let browser = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/program/\(program.id!)/tunggakan/\(proposal)?asOf=2026-03-26", headers: browser.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("Lunas 25 Maret 2026") && res.body.string.contains("Terlindungi"))
            }
        }
    }
}
