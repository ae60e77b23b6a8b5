import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Monthly bills: prepared by one, issued by another, never rewritten; later changes are adjustments")
struct BillingRunTests {
    /// A 2026 program with two participants from February, paid by a CSR pledge, its months planned.
    static func seed(_ app: Application) async throws -> (program: ProgramModel, rt: Actor) {
        try await app.loadPilotRegions()
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
        sponsor.name = "PT Batik Sejahtera"
        sponsor.segment = PayerKind.csr.defaultSegment.rawValue
        sponsor.createdAt = app.clock.now()
        try await sponsor.create(on: app.db)
        let pledge = PledgeModel()
        pledge.id = UUID()
        pledge.sponsorID = sponsor.id!
        pledge.programID = program.id!
        pledge.fromMonth = "2026-01"
        pledge.throughMonth = "2026-12"
        pledge.participants = 10
        pledge.months = 12
        pledge.createdAt = app.clock.now()
        try await pledge.create(on: app.db)
        _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
        return (program, rt)
    }

    struct Line: Decodable, Hashable { let kind: String; let coverage_month_id: UUID; let month: String; let amount: Int64 }

    static func lines(_ app: Application, run: UUID) async throws -> [Line] {
        try await app.db.sql.raw("SELECT kind, coverage_month_id, month, amount FROM bill_lines WHERE run_id = \(bind: run) ORDER BY kind, month, coverage_month_id")
            .all(decoding: Line.self)
    }

    /// The rule's answer for `month` from the tables as they stand (what the SQL must agree with).
    static func rule(_ app: Application, program: UUID, month: YearMonth) async throws -> [BillComposition.Line] {
        struct Standing: Decodable { let id: UUID; let month: String; let total: Int64 }
        struct Billed: Decodable { let coverage_month_id: UUID; let month: String; let amount: Int64; let kind: String; let issued: Int }
        let standing = try await app.db.sql.raw("SELECT id, month, total FROM coverage_months WHERE program_id = \(bind: program)")
            .all(decoding: Standing.self).map { BillComposition.PersonMonth(id: $0.id.uuidString, month: YearMonth(iso: $0.month)!, amount: Rupiah($0.total)) }
        let billed = try await app.db.sql.raw("""
            SELECT b.coverage_month_id, b.month, b.amount, b.kind, CASE WHEN r.issued_at IS NULL THEN 0 ELSE 1 END AS issued
            FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id WHERE b.program_id = \(bind: program) AND r.month <> \(bind: month.iso)
            """).all(decoding: Billed.self)
        return BillComposition.lines(
            for: month, standing: standing,
            debited: Set(billed.filter { $0.kind != "credit" }.map(\.coverage_month_id.uuidString)),
            chargedOnIssued: billed.filter { $0.kind != "credit" && $0.issued == 1 }
                .map { .init(id: $0.coverage_month_id.uuidString, month: YearMonth(iso: $0.month)!, amount: Rupiah($0.amount)) },
            credited: Set(billed.filter { $0.kind == "credit" }.map(\.coverage_month_id.uuidString)))
    }

    static func expectAgreesWithRule(_ app: Application, program: UUID, month: YearMonth, run: UUID) async throws {
        let sql = Set(try await lines(app, run: run).map { "\($0.kind) \($0.coverage_month_id.uuidString) \($0.amount)" })
        let rule = Set(try await rule(app, program: program, month: month).map { "\($0.kind.rawValue) \($0.personMonth.id) \($0.amount.amount)" })
        #expect(sql == rule, "SQL and BillComposition disagree for \(month.iso): only SQL \(sql.subtracting(rule)); only rule \(rule.subtracting(sql))")
    }

    static func ledgerTotal(_ app: Application, program: UUID) async throws -> Int64 {
        struct Sum: Decodable { let total: Int64 }
        return try await app.db.sql.raw("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM ledger_entries WHERE program_id = \(bind: program)")
            .first(decoding: Sum.self)?.total ?? -1
    }

    @Test("prepare, refresh, maker-checker, issue into the ledger; a re-run changes nothing; late and credit lines land on the next bill",
          arguments: TestDatabase.available)
    func lifecycle(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, rt) = try await Self.seed(app)
            let (op, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (kadis, _) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let maker = AuditActor(userID: op.id, username: op.username, source: "test")
            let checker = AuditActor(userID: kadis.id, username: kadis.username, source: "test")
            let billing = BillingRun(db: app.db, now: app.clock.now())
            let today = app.clock.today
            let may = YearMonth(iso: "2026-05")!

            // May: two charges for May, six late months (February to April) that no bill carried yet.
            let prepared = try await billing.prepare(programID: program.id!, month: may, by: maker, today: today)
            #expect(prepared.outcome == .prepared && prepared.lines == 8)
            struct Sum: Decodable { let total: Int64 }
            let expected = try await app.db.sql.raw("SELECT CAST(SUM(total) AS BIGINT) AS total FROM coverage_months WHERE month <= '2026-05'")
                .first(decoding: Sum.self)?.total
            #expect(prepared.total == expected, "the bill is the sum of its person-months")
            try await Self.expectAgreesWithRule(app, program: program.id!, month: may, run: prepared.runID)
            let kinds = Dictionary(grouping: try await Self.lines(app, run: prepared.runID), by: \.kind).mapValues(\.count)
            #expect(kinds == ["charge": 2, "late": 6])

            // Unissued, it can be prepared again: same bill.
            let again = try await billing.prepare(programID: program.id!, month: may, by: maker, today: today)
            #expect(again.outcome == .refreshed && again.runID == prepared.runID && again.lines == 8 && again.total == prepared.total)

            // The maker cannot issue it; the Kepala Dinas can.
            await #expect(throws: AppError.self) { _ = try await billing.issue(runID: prepared.runID, by: maker) }
            #expect(try await Self.ledgerTotal(app, program: program.id!) == 0)
            let issued = try await billing.issue(runID: prepared.runID, by: checker)
            #expect(issued.isIssued && issued.issuedBy == "kadis.pekalongan")
            #expect(try await Self.ledgerTotal(app, program: program.id!) == prepared.total, "ledger = bill total")
            let twice = try await billing.issue(runID: prepared.runID, by: checker)
            #expect(twice.issuedAt == issued.issuedAt)
            #expect(try await Self.ledgerTotal(app, program: program.id!) == prepared.total, "issuing twice books once")

            // Re-running an issued month changes nothing.
            let linesBefore = try await Self.lines(app, run: prepared.runID)
            let rerun = try await billing.prepare(programID: program.id!, month: may, by: maker, today: today)
            #expect(rerun.outcome == .alreadyIssued && rerun.total == prepared.total)
            #expect(try await Self.lines(app, run: prepared.runID) == linesBefore)

            // The database itself refuses to rewrite an issued bill or the ledger.
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("UPDATE ledger_entries SET amount = 1").run() }
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("DELETE FROM bill_lines WHERE run_id = \(bind: prepared.runID)").run() }
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("UPDATE billing_runs SET total = 0 WHERE id = \(bind: prepared.runID)").run() }
            #expect(try await Self.lines(app, run: prepared.runID) == linesBefore)

            // A registration back-dated into billed months; a death in April of a participant already billed for May.
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 3), occupation: "porter"),
                                                    actor: rt, by: .cli("t"))
            let third = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 3)).first())
            try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000099', bpjs_start_date = '2026-03-02' WHERE worker_id = \(bind: third.id!)").run()
            let second = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 2)).first())
            try await app.db.sql.raw("UPDATE proposals SET status = 'ended', end_reason = 'death', ended_on = '2026-04-03' WHERE worker_id = \(bind: second.id!)").run()
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)

            // July cannot come before June; April cannot come after May.
            await #expect(throws: AppError.self) { _ = try await billing.prepare(programID: program.id!, month: YearMonth(iso: "2026-04")!, by: maker, today: today) }
            await #expect(throws: AppError.self) { _ = try await billing.prepare(programID: program.id!, month: YearMonth(iso: "2026-12")!, by: maker, today: today) }
            await #expect(throws: AppError.self) { _ = try await billing.prepare(programID: program.id!, month: YearMonth(iso: "2027-01")!, by: maker, today: today) }

            let june = YearMonth(iso: "2026-06")!
            let juneBill = try await billing.prepare(programID: program.id!, month: june, by: maker, today: today)
            try await Self.expectAgreesWithRule(app, program: program.id!, month: june, run: juneBill.runID)
            let juneLines = try await Self.lines(app, run: juneBill.runID)
            let juneKinds = Dictionary(grouping: juneLines, by: \.kind).mapValues(\.count)
            // June: the driver and the newcomer; the newcomer's March to May late; the deceased's May credited.
            #expect(juneKinds == ["charge": 2, "late": 3, "credit": 1], "\(juneKinds)")
            #expect(juneLines.filter { $0.kind == "credit" }.map(\.month) == ["2026-05"])
            #expect(juneLines.filter { $0.kind == "credit" }.allSatisfy { $0.amount < 0 })
            await #expect(throws: AppError.self) { _ = try await billing.prepare(programID: program.id!, month: YearMonth(iso: "2026-07")!, by: maker, today: today) }
            _ = try await billing.issue(runID: juneBill.runID, by: checker)

            // For the program: sum of lines = bill totals = ledger, to the rupiah.
            let lineSum = try await app.db.sql.raw("SELECT CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines").first(decoding: Sum.self)?.total
            let runSum = try await app.db.sql.raw("SELECT CAST(SUM(total) AS BIGINT) AS total FROM billing_runs").first(decoding: Sum.self)?.total
            let ledgerSum = try await Self.ledgerTotal(app, program: program.id!)
            #expect(lineSum == runSum && runSum == ledgerSum)
            // July's re-run after June's issue finds nothing twice: the credit is not repeated.
            let july = try await billing.prepare(programID: program.id!, month: YearMonth(iso: "2026-07")!, by: maker, today: today)
            #expect(try await Self.lines(app, run: july.runID).filter { $0.kind != "charge" }.isEmpty)
        }
    }
}

@Suite("Bills in the API and on the pages: the operator prepares, the Kepala Dinas issues, Jambi sees nothing")
struct BillingAccessTests {
    func waitForJob(_ app: Application, _ id: String, token: String) async throws -> JobController.JobDTO {
        for _ in 0..<200 {
            var job: JobController.JobDTO?
            try await app.testing().test(.GET, "/api/v1/jobs/\(id)", headers: .bearer(token)) { res in
                job = try? res.content.decode(JobController.JobDTO.self)
            }
            if let job, job.state == "done" || job.state == "failed" { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw AppError.notFound("job")
    }

    @Test("prepare as a job, read, issue by the Kepala Dinas; NIKs masked for who may not see them; Jambi gets 404", arguments: TestDatabase.available)
    func api(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            let (_, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, kadis) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let base = "/api/v1/programs/\(program.id!)/bills"
            for (month, code) in [("2026-13", "month_invalid"), ("2027-02", "billing_month_outside"), ("2026-12", "billing_month_future")] {
                try await app.testing().test(.POST, base, headers: .bearer(op), beforeRequest: { try $0.content.encode(["month": month]) }) { res in
                    #expect(res.status == .unprocessableEntity && res.body.string.contains(code), "\(month): \(res.status) \(res.body.string)")
                }
            }
            try await app.testing().test(.POST, base, headers: .bearer(kadis), beforeRequest: { try $0.content.encode(["month": "2026-05"]) }) { res in
                #expect(res.status == .forbidden, "the Kepala Dinas issues, the operator prepares")
            }
            var jobID = ""
            try await app.testing().test(.POST, base, headers: .bearer(op), beforeRequest: { try $0.content.encode(["month": "2026-05"]) }) { res in
                #expect(res.status == .accepted)
                let job = try res.content.decode(JobController.JobDTO.self)
                jobID = job.id.uuidString
                #expect(job.page?.contains("/tagihan/2026-05") == true)
            }
            let job = try await waitForJob(app, jobID, token: op)
            #expect(job.state == "done", "\(job)")
            try await app.testing().test(.GET, base + "/2026-05", headers: .bearer(kadis)) { res in
                let bill = try res.content.decode(BillDTO.self)
                #expect(bill.state == "prepared" && bill.lines == 8 && bill.dueDate == "2026-05-15")
                #expect(bill.bySponsor.map(\.name) == ["PT Batik Sejahtera"] && bill.bySegment.first?.key == "SC")
            }
            try await app.testing().test(.GET, base + "/2026-05/lines?size=3", headers: .bearer(kadis)) { res in
                let page = try res.content.decode(PageDTO<BillLineDTO>.self)
                #expect(page.total == 8 && page.items.count == 3 && page.items.allSatisfy { $0.nik.contains("*") })
            }
            try await app.testing().test(.GET, base + "/2026-05/lines", headers: .bearer(op)) { res in
                let page = try res.content.decode(PageDTO<BillLineDTO>.self)
                #expect(page.items.contains { $0.nik == testNIK(serial: 1) && $0.name.isEmpty == false })
            }
            try await app.testing().test(.POST, base + "/2026-05/issue", headers: .bearer(op)) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.POST, base + "/2026-05/issue", headers: .bearer(kadis)) { res in
                let bill = try res.content.decode(BillDTO.self)
                #expect(res.status == .ok && bill.state == "issued" && bill.issuedBy == "kadis.pekalongan")
            }
            // Jambi: not a word of Pekalongan's bills.
            for path in [base, base + "/2026-05", base + "/2026-05/lines"] {
                try await app.testing().test(.GET, path, headers: .bearer(jambi)) { res in
                    #expect(res.status == .notFound && !res.body.string.contains("Batik"), "\(path): \(res.status)")
                }
            }
            try await app.testing().test(.POST, base + "/2026-05/issue", headers: .bearer(jambi)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, base + "/2026-5", headers: .bearer(op)) { res in #expect(res.status == .notFound) }
        }
    }

    @Test("the pages: prepare from the form, follow the job, issue with a confirmation; the preparer is told to ask someone else",
          arguments: TestDatabase.available)
    func pages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _) = try await BillingRunTests.seed(app)
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let kadis = try await BrowserSession.login(app, "kadis.pekalongan")
            let base = "/program/\(program.id!)/tagihan"
            try await app.testing().test(.GET, base, headers: op.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("Siapkan tagihan") && res.body.string.contains("Belum ada tagihan"))
            }
            try await app.testing().test(.POST, base, headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf, "month": "2026-12"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("belum tiba"))
            }
            var location = ""
            try await app.testing().test(.POST, base, headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf, "month": "2026-05"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.contains("/tagihan/2026-05?tugas="))
            var body = ""
            for _ in 0..<100 {
                var refreshing = false
                try await app.testing().test(.GET, location, headers: op.headers) { res in
                    body = res.body.string
                    refreshing = res.headers.first(name: "Refresh") != nil
                }
                if !refreshing { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(body.contains("Tagihan Mei 2026") && body.contains("Disiapkan, menunggu diterbitkan") && body.contains("PT Batik Sejahtera"))
            #expect(body.contains("Iuran bulan ini") && body.contains("Penyesuaian: bulan sebelumnya"))
            #expect(!body.contains("Terbitkan tagihan"), "the operator cannot issue")
            try await app.testing().test(.GET, base + "/2026-05", headers: kadis.headers) { res in
                #expect(res.body.string.contains("Terbitkan tagihan") && res.body.string.contains("15 Mei 2026"))
            }
            try await app.testing().test(.POST, base + "/2026-05/terbitkan", headers: kadis.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": kadis.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("Saya sudah memeriksa"), "confirmation checked on the server")
            }
            try await app.testing().test(.GET, "/program/\(program.id!)", headers: kadis.headers) { res in
                #expect(res.body.string.contains("href=\"/program/\(program.id!)/tagihan\""))
            }
            try await app.testing().test(.POST, base + "/2026-05/terbitkan", headers: kadis.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": kadis.csrf, "confirm": "1"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther && res.headers.first(name: .location)?.contains("ok=bill_issued") == true)
            }
            try await app.testing().test(.GET, base, headers: kadis.headers) { res in
                #expect(res.body.string.contains("Diterbitkan") && res.body.string.contains("Mei 2026"))
            }
        }
    }
}
