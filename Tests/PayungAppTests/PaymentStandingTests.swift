import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Payments, arrears and lapse: derived from the ledger, as known on a day")
struct PaymentStandingTests {
    static func day(_ iso: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .jakarta
        let d = CalendarDate(iso: iso)!
        return calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: 10))!
    }

    struct Sum: Decodable { let total: Int64 }

    static func billTotal(_ app: Application, _ month: String) async throws -> Int64 {
        try await app.db.sql.raw("SELECT total FROM billing_runs WHERE month = \(bind: month)").first(decoding: Sum.self)!.total
    }

    @Test("three unpaid bills lapse both participants, two warn; paying inside the window covers them again; their proposals are not ended; balances are ledger sums",
          arguments: TestDatabase.available)
    func lapseAndCover(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            let (op, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (kadis, _) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let maker = AuditActor(userID: op.id, username: op.username, source: "test")
            let checker = AuditActor(userID: kadis.id, username: kadis.username, source: "test")
            let sponsor = try #require(try await SponsorModel.query(on: app.db).first())
            // Bills issued on the 3rd of February to May, each due on the 15th.
            for month in ["2026-02", "2026-03", "2026-04", "2026-05"] {
                let on = Self.day(month + "-03")
                let run = try await BillingRun(db: app.db, now: on).prepare(programID: program.id!, month: YearMonth(iso: month)!, by: maker,
                                                                            today: CalendarDate(on))
                _ = try await BillingRun(db: app.db, now: on).issue(runID: run.runID, by: checker)
            }
            let february = try await Self.billTotal(app, "2026-02")
            let pay = { (paid: String, amount: Int64) in
                _ = try await Payments(db: app.db, now: Self.day(paid)).record(
                    program: program, PaymentInput(sponsorID: sponsor.id, invoiceRef: "VA-8800-\(paid)", paidOn: paid, amount: String(amount)),
                    today: CalendarDate(iso: paid)!, by: maker)
            }
            try await pay("2026-02-10", february)
            let queries = BillingStandingQueries(db: app.db)
            let april = try await queries.standing(program, asOf: CalendarDate(iso: "2026-04-20")!, withNames: true)
            #expect(april.covered == 0 && april.inArrears == 2 && april.lapsed == 0 && april.warning == 2, "\(april)")
            #expect(april.warningPeople.allSatisfy { $0.stateName.contains("16 Mei 2026") }, "\(april.warningPeople.map(\.stateName))")
            let may = try await queries.standing(program, asOf: CalendarDate(iso: "2026-05-16")!, withNames: true)
            #expect(may.lapsed == 2 && may.lapsedPeople.count == 2 && may.lapsedPeople.allSatisfy { $0.state == "lapsed" })
            let unpaid = try await Self.billTotal(app, "2026-03") + Self.billTotal(app, "2026-04") + Self.billTotal(app, "2026-05")
            #expect(may.accounts.first?.overdue == unpaid)
            // Their participation goes on: lapse is a coverage state, not an end.
            #expect(try await ProposalModel.query(on: app.db).filter(\.$status == "ended").count() == 0)

            // Paying March to May on 20 May covers both again, without a new proposal.
            try await pay("2026-05-20", unpaid)
            let after = try await queries.standing(program, asOf: CalendarDate(iso: "2026-05-20")!, withNames: true)
            #expect(after.covered == 2 && after.lapsed == 0 && after.accounts.first?.balance == 0)
            // As known on 19 May (before that payment was recorded), they were lapsed: the past is not rewritten.
            let before = try await queries.standing(program, asOf: CalendarDate(iso: "2026-05-19")!, withNames: false)
            #expect(before.lapsed == 2 && before.lapsedPeople.isEmpty, "names only for who may read records")
            // A partial payment is kept as such: Rp1 short of June leaves June unpaid.
            let ledger = try await app.db.sql.raw("SELECT CAST(SUM(amount) AS BIGINT) AS total FROM ledger_entries").first(decoding: Sum.self)?.total
            #expect(ledger == after.accounts.reduce(0) { $0 + $1.balance }, "balance = sum of the ledger")
        }
    }

    @Test("the API records a payment, its proof once (PDF or image only); the page refuses a payment without proof at its field; Jambi sees nothing",
          arguments: TestDatabase.available)
    func apiAndPages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            let (_, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, kadis) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let base = "/api/v1/programs/\(program.id!)/payments"
            let body = #"{"invoiceRef": "VA 8800 1234", "paidOn": "2026-05-12", "amount": 2066400}"#
            try await app.testing().test(.POST, base, headers: .bearer(kadis), beforeRequest: { req in
                req.headers.contentType = .json; req.body = ByteBuffer(string: body)
            }) { res in #expect(res.status == .forbidden) }
            for bad in [#"{"paidOn": "2026-05-12", "amount": 100}"#, #"{"invoiceRef": "x", "paidOn": "2026-12-12", "amount": 100}"#,
                        #"{"invoiceRef": "x", "paidOn": "2026-05-12", "amount": 0}"#] {
                try await app.testing().test(.POST, base, headers: .bearer(op), beforeRequest: { req in
                    req.headers.contentType = .json; req.body = ByteBuffer(string: bad)
                }) { res in #expect(res.status == .unprocessableEntity, "\(bad): \(res.status)") }
            }
            var id = ""
            try await app.testing().test(.POST, base, headers: .bearer(op), beforeRequest: { req in
                req.headers.contentType = .json; req.body = ByteBuffer(string: body)
            }) { res in
                #expect(res.status == .created)
                let p = try res.content.decode(PaymentController.PaymentDTO.self)
                id = p.id.uuidString
                #expect(p.amount == 2_066_400 && !p.hasProof && p.payer.contains("APBD"))
            }
            let pdf = Data("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            try await app.testing().test(.PUT, base + "/\(id)/proof", headers: .bearer(op), beforeRequest: { req in
                req.body = ByteBuffer(string: "MZ not a document")
            }) { res in #expect(res.status == .unprocessableEntity && res.body.string.contains("payment_proof_type")) }
            try await app.testing().test(.PUT, base + "/\(id)/proof", headers: .bearer(op), beforeRequest: { req in
                req.body = ByteBuffer(data: pdf)
            }) { res in
                let p = try res.content.decode(PaymentController.PaymentDTO.self)
                #expect(res.status == .ok && p.hasProof)
            }
            try await app.testing().test(.PUT, base + "/\(id)/proof", headers: .bearer(op), beforeRequest: { req in
                req.body = ByteBuffer(data: pdf)
            }) { res in #expect(res.status == .conflict, "the first proof stands") }
            try await app.testing().test(.GET, base, headers: .bearer(kadis)) { res in
                #expect(res.status == .ok && res.body.string.contains("VA 8800 1234"))
            }
            for path in [base, "/api/v1/programs/\(program.id!)/standing"] {
                try await app.testing().test(.GET, path, headers: .bearer(jambi)) { res in #expect(res.status == .notFound, "\(path)") }
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/standing?asOf=kemarin", headers: .bearer(op)) { res in
                #expect(res.status == .unprocessableEntity)
            }
            // Recorded today: known today, not on the day it says it was paid.
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/standing", headers: .bearer(op)) { res in
                let s = try res.content.decode(ProgramStanding.self)
                #expect(s.asOf == "2026-11-21" && s.accounts.first?.paid == 2_066_400 && s.accounts.first?.balance == -2_066_400)
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/standing?asOf=2026-05-20", headers: .bearer(op)) { res in
                let s = try res.content.decode(ProgramStanding.self)
                #expect(s.asOf == "2026-05-20" && s.accounts.isEmpty)
            }

            // The page: a payment without proof is refused at its field; with a PNG it is recorded.
            let browser = try await BrowserSession.login(app, "op.pekalongan")
            var headers = browser.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            let fields = ["_csrf": browser.csrf, "invoiceRef": "VA-2", "paidOn": "2026-06-01", "amount": "Rp16.800"]
            try await app.testing().test(.POST, "/program/\(program.id!)/pembayaran", headers: headers,
                                         body: ImportWebTests().multipart(fields, file: Data(), name: "")) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("id=\"proof-error\"") && res.body.string.contains("value=\"VA-2\""))
            }
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 32))
            var withProof = ByteBuffer()
            for (k, v) in fields { withProof.writeString("--payungimport\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n") }
            withProof.writeString("--payungimport\r\nContent-Disposition: form-data; name=\"proof\"; filename=\"bukti.png\"\r\nContent-Type: image/png\r\n\r\n")
            withProof.writeBytes(png)
            withProof.writeString("\r\n--payungimport--\r\n")
            try await app.testing().test(.POST, "/program/\(program.id!)/pembayaran", headers: headers, body: withProof) { res in
                #expect(res.status == .seeOther, "\(res.status) \(res.body.string.components(separatedBy: "alert-error").last?.prefix(400) ?? "")")
            }
            try await app.testing().test(.GET, "/program/\(program.id!)/pembayaran", headers: browser.headers) { res in
                #expect(res.body.string.contains("Rp16.800") && res.body.string.contains("lihat") && res.body.string.contains("belum dilampirkan") == false)
            }
            try await app.testing().test(.GET, "/program/\(program.id!)/tunggakan?asOf=2026-06-20", headers: browser.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("20 Juni 2026"))
            }
        }
    }
}
