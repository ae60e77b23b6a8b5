import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Budget absorption: pledged, billed, paid, outstanding per payer and month; table, SVG chart, XLSX, API")
struct BudgetAbsorptionTests {
    struct Fixture {
        let program: ProgramModel
        let csr: SponsorModel
        let bank: SponsorModel
        let february: Int64
        let march: Int64
    }

    /// BillingRunTests' program (two participants, a CSR pledge of 10 x 12),
    /// a second sponsor pledging Rp12.000.000 over the year, February's and
    /// March's bills issued, April's only prepared; the CSR pays February in
    /// March, and the APBD pays Rp50.000 in April.
    static func seed(_ app: Application) async throws -> Fixture {
        let (program, _) = try await BillingRunTests.seed(app)
        let (op, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
        let (kadis, _) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
        let maker = AuditActor(userID: op.id, username: op.username, source: "test")
        let checker = AuditActor(userID: kadis.id, username: kadis.username, source: "test")
        let csr = try #require(try await SponsorModel.query(on: app.db).first())
        let bank = SponsorModel()
        bank.id = UUID()
        bank.pemdaCode = "33.75"
        bank.kind = PayerKind.csr.rawValue
        bank.name = "Bank Pasar Sejahtera"
        bank.segment = PayerKind.csr.defaultSegment.rawValue
        bank.createdAt = app.clock.now()
        try await bank.create(on: app.db)
        let pledge = PledgeModel()
        pledge.id = UUID()
        pledge.sponsorID = bank.id!
        pledge.programID = program.id!
        pledge.fromMonth = "2026-01"
        pledge.throughMonth = "2026-12"
        pledge.amount = 12_000_000
        pledge.createdAt = app.clock.now()
        try await pledge.create(on: app.db)
        for month in ["2026-02", "2026-03", "2026-04"] {
            let on = PaymentStandingTests.day(month + "-03")
            let run = try await BillingRun(db: app.db, now: on).prepare(programID: program.id!, month: YearMonth(iso: month)!, by: maker,
                                                                        today: CalendarDate(on))
            if month != "2026-04" { _ = try await BillingRun(db: app.db, now: on).issue(runID: run.runID, by: checker) }
        }
        let february = try await PaymentStandingTests.billTotal(app, "2026-02"), march = try await PaymentStandingTests.billTotal(app, "2026-03")
        for (sponsor, paid, amount) in [(csr.id, "2026-03-10", february), (nil, "2026-04-02", 50_000)] {
            _ = try await Payments(db: app.db, now: PaymentStandingTests.day(paid)).record(
                program: program, PaymentInput(sponsorID: sponsor, invoiceRef: "VA-\(paid)", paidOn: paid, amount: String(amount)),
                today: CalendarDate(iso: paid)!, by: maker)
        }
        return Fixture(program: program, csr: csr, bank: bank, february: february, march: march)
    }

    static func get(_ app: Application, _ path: String, _ headers: HTTPHeaders) async throws -> (HTTPStatus, ByteBuffer) {
        var out: (HTTPStatus, ByteBuffer) = (.internalServerError, ByteBuffer())
        try await app.testing().test(.GET, path, headers: headers) { res in out = (res.status, res.body) }
        return out
    }

    @Test("figures to the rupiah: billed = issued bills by contribution month, paid = payments by day, running outstanding, pledges shared by month",
          arguments: TestDatabase.available)
    func figures(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.seed(app)
            let (_, kadis) = try await app.makeUser("kadis2.pekalongan", .kepalaDinas, "33.75")
            let (status, body) = try await Self.get(app, "/api/v1/programs/\(f.program.id!)/absorption", .bearer(kadis))
            #expect(status == .ok)
            let a = try JSONDecoder().decode(BudgetAbsorption.self, from: Data(buffer: body))
            #expect(a.scope == "program" && a.asOf == "2026-11-21")
            #expect(a.program.months.map(\.month) == (1...12).map { String(format: "2026-%02d", $0) })

            // Billed: the issued lines of each contribution month, as the bills' totals add up; April's unissued bill counts nothing.
            struct Line: Decodable { let month: String; let amount: Int64 }
            let lines = try await app.db.sql.raw("""
                SELECT b.month, CAST(SUM(b.amount) AS BIGINT) AS amount FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id
                WHERE r.issued_at IS NOT NULL GROUP BY b.month
                """).all(decoding: Line.self)
            let byMonth = Dictionary(uniqueKeysWithValues: lines.map { ($0.month, $0.amount) })
            for m in a.program.months { #expect(m.billed == byMonth[m.month, default: 0], "\(m.month)") }
            #expect(a.program.total.billed == f.february + f.march && f.february > 0 && f.march > 0)
            #expect(a.program.months.first { $0.month == "2026-04" }?.billed == 0)

            // Paid by payment day; the APBD's payment is its own account.
            let csr = try #require(a.accounts.first { $0.sponsorID == f.csr.id })
            let apbd = try #require(a.accounts.first { $0.sponsorID == nil })
            #expect(csr.months.first { $0.month == "2026-03" }?.paid == f.february && csr.total.paid == f.february)
            #expect(apbd.months.first { $0.month == "2026-04" }?.paid == 50_000 && apbd.total.billed == 0)
            #expect(a.program.total.paid == f.february + 50_000)
            // Outstanding: cumulative billed − cumulative paid at each month's end; nothing for months not begun.
            let program = Dictionary(uniqueKeysWithValues: a.program.months.map { ($0.month, $0) })
            #expect(program["2026-01"]?.outstanding == byMonth["2026-01", default: 0])
            #expect(program["2026-03"]?.outstanding == f.february + f.march - f.february)
            #expect(program["2026-04"]?.outstanding == f.march - 50_000)
            #expect(program["2026-11"]?.outstanding == f.march - 50_000 && program["2026-12"]?.outstanding == nil)
            #expect(a.program.total.outstanding == f.march - 50_000)

            // Pledged: the bank's Rp12.000.000 is Rp1.000.000 a month; the CSR's 10 x 12 person-months at each month's full rate.
            let bank = try #require(a.accounts.first { $0.sponsorID == f.bank.id })
            #expect(bank.months.allSatisfy { $0.pledged == 1_000_000 } && bank.total.pledged == 12_000_000 && bank.total.absorption == 0)
            let book = try await TariffQueries(db: app.db).book()
            for m in csr.months {
                let price = try book.price(month: YearMonth(iso: m.month)!, insuredIncome: Rupiah(f.program.insuredIncome), sector: .other,
                                           excludedFromDiscount: true, includeJHT: f.program.includeJHT).total.amount
                #expect(m.pledged == 10 * price, "\(m.month)")
                #expect(m.absorption == Absorption.percent(billed: m.billed, pledged: m.pledged))
            }
            #expect(program["2026-03"]?.absorption == Int(f.march * 100 / (program["2026-03"]!.pledged)))
            #expect(Absorption.percent(billed: 5, pledged: 0) == nil && Absorption.percent(billed: 199, pledged: 200) == 99)
            #expect(Absorption.shares(of: 10, over: 4) == [2, 3, 2, 3] && Absorption.shares(of: 10, over: 4).reduce(0, +) == 10)
        }
    }

    @Test("the page: a 360 px table and a well-formed SVG chart with titles; the XLSX opens with the same numbers",
          arguments: TestDatabase.available)
    func pageChartAndSpreadsheet(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.seed(app)
            let browser = try await BrowserSession.login(app, "kadis.pekalongan")
            let (status, body) = try await Self.get(app, "/program/\(f.program.id!)/serapan", browser.headers)
            let html = body.string
            #expect(status == .ok)
            #expect(html.contains("class=\"table stack\"") && html.contains("data-label=\"Ditagih\"") && html.contains("Seluruh program"))
            #expect(html.contains(Rupiah(f.february + f.march).formatted) && html.contains("PT Batik Sejahtera") && html.contains("Bank Pasar Sejahtera"))
            #expect(html.contains("href=\"/program/\(f.program.id!.uuidString)/serapan.xlsx\""))
            #expect(!html.contains("<script"), "no script needed")
            let svg = try #require(html.range(of: "<svg").flatMap { start in html.range(of: "</svg>").map { String(html[start.lowerBound..<$0.upperBound]) } })
            let parser = XMLParser(data: Data(svg.utf8))
            final class Titles: NSObject, XMLParserDelegate {
                var titles = 0, rects = 0
                func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                    if name == "title" { titles += 1 }
                    if name == "rect" { rects += 1 }
                }
            }
            let titles = Titles()
            parser.delegate = titles
            #expect(parser.parse(), "the SVG is well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(titles.titles >= 1 + 12 * 3 && titles.rects >= 24)
            #expect(svg.contains("Maret") && svg.contains("Januari 2026") && svg.contains("ditagih \(Rupiah(f.march).formatted)"))

            let (xs, xlsx) = try await Self.get(app, "/program/\(f.program.id!)/serapan.xlsx", browser.headers)
            #expect(xs == .ok)
            let rows = try XLSXReader.rows(of: Data(buffer: xlsx), sheet: nil)
            #expect(rows.first?.cells == AbsorptionController.columns)
            let total = try #require(rows.first { $0.cells.first == "Seluruh program" && $0.cells[1] == "Jumlah" })
            #expect(total.cells[3] == String(f.february + f.march) && total.cells[4] == String(f.february + 50_000))
            #expect(total.numeric.isSuperset(of: [2, 3, 4, 5]))
            let march = try #require(rows.first { $0.cells.first == "PT Batik Sejahtera" && $0.cells[1] == "2026-03" })
            #expect(march.cells[3] == String(f.march) && march.cells[4] == String(f.february))
        }
    }

    @Test("a sponsor's user sees only its own rows; another Pemda gets 404; someone of the Pemda who may not read gets 403; anonymous is refused",
          arguments: TestDatabase.available)
    func access(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.seed(app)
            let (user, sponsorToken) = try await app.makeUser("csr.user", .sponsor, "33.75")
            let link = SponsorUserModel()
            link.id = UUID()
            link.userID = user.id!
            link.sponsorID = f.csr.id!
            try await link.create(on: app.db)
            let api = "/api/v1/programs/\(f.program.id!)/absorption"
            let (status, body) = try await Self.get(app, api, .bearer(sponsorToken))
            #expect(status == .ok)
            let a = try JSONDecoder().decode(BudgetAbsorption.self, from: Data(buffer: body))
            #expect(a.scope == "sponsor" && a.accounts.map(\.sponsorID) == [f.csr.id])
            #expect(a.program.total.paid == f.february, "the totals are its share: the APBD's Rp50.000 is not in them")
            let browser = try await BrowserSession.login(app, "csr.user")
            let (ps, page) = try await Self.get(app, "/program/\(f.program.id!)/serapan", browser.headers)
            #expect(ps == .ok && page.string.contains("PT Batik Sejahtera"))
            #expect(!page.string.contains("Bank Pasar Sejahtera") && !page.string.contains("APBD") && !page.string.contains("Seluruh program"))
            let (xs, xlsx) = try await Self.get(app, "/program/\(f.program.id!)/serapan.xlsx", browser.headers)
            #expect(xs == .ok)
            #expect(Set(try XLSXReader.rows(of: Data(buffer: xlsx), sheet: nil).dropFirst().map { $0.cells[0] }) == ["PT Batik Sejahtera", "Bagian Anda"])

            // A sponsor user not linked to a sponsor reads nothing; nor does the RT head.
            let (_, unlinked) = try await app.makeUser("csr.lain", .sponsor, "33.75")
            let (_, rt) = try await app.makeUser("rt.lain", .rt, "33.75.01.1002", rt: "001", rw: "001")
            for token in [unlinked, rt] { #expect(try await Self.get(app, api, .bearer(token)).0 == .forbidden) }
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, jambiSponsor) = try await app.makeUser("csr.jambi", .sponsor, "15.71")
            for token in [jambi, jambiSponsor] { #expect(try await Self.get(app, api, .bearer(token)).0 == .notFound) }
            let jambiBrowser = try await BrowserSession.login(app, "op.jambi")
            for path in ["/program/\(f.program.id!)/serapan", "/program/\(f.program.id!)/serapan.xlsx"] {
                #expect(try await Self.get(app, path, jambiBrowser.headers).0 == .notFound, "\(path)")
                let (anonymous, anonymousBody) = try await Self.get(app, path, [:])
                #expect(anonymous != .ok && !anonymousBody.string.contains("Sejahtera"), "\(path): \(anonymous)")
            }
            #expect(try await Self.get(app, api, [:]).0 == .unauthorized)
        }
    }
}
