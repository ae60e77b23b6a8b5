import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Home: bills waiting for the Kepala Dinas")
struct HomeBillTasksTests {
    @Test("a prepared bill is a task on the Kepala Dinas's home, gone once issued; another Pemda's Kepala Dinas does not see it",
          arguments: TestDatabase.available)
    func billToIssue(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            let (op, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            _ = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            _ = try await app.makeUser("kadis.jambi", .kepalaDinas, "15.71")
            let maker = AuditActor(userID: op.id, username: op.username, source: "test")
            let run = try await BillingRun(db: app.db, now: app.clock.now()).prepare(programID: program.id!, month: YearMonth(iso: "2026-05")!,
                                                                                     by: maker, today: app.clock.today)
            let kadis = try await BrowserSession.login(app, "kadis.pekalongan")
            let link = "/program/\(program.id!.uuidString)/tagihan/2026-05"
            try await app.testing().test(.GET, "/", headers: kadis.headers) { res in
                #expect(res.body.string.contains("Tagihan Mei 2026") && res.body.string.contains(link))
            }
            let jambi = try await BrowserSession.login(app, "kadis.jambi")
            try await app.testing().test(.GET, "/", headers: jambi.headers) { res in #expect(!res.body.string.contains(link)) }
            let checker = try #require(try await AccessQueries(db: app.db).user(username: "kadis.pekalongan"))
            _ = try await BillingRun(db: app.db, now: app.clock.now()).issue(runID: run.runID,
                                                                             by: AuditActor(userID: checker.id, username: checker.username, source: "test"))
            try await app.testing().test(.GET, "/", headers: kadis.headers) { res in #expect(!res.body.string.contains(link)) }
        }
    }
}
