import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Coverage months: priced by the dated tariff, paid by one pledge")
struct CoverageRunTests {
    /// A 2026 program with a becak driver and a batik labourer registered
    /// from February, and a CSR pledge that pays everything.
    private func seed(_ app: Application, pledges: [(PayerKind, amount: Int64?, participants: Int?, months: Int?)]) async throws -> ProgramModel {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(code: "pkl-2026", start: "2026-01", end: "2026-12")
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        for (serial, occupation) in [(1, "becak_driver"), (2, "batik_labourer")] {
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), occupation: occupation),
                                                    actor: rt, by: .cli("t"))
        }
        try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000057', bpjs_start_date = '2026-02-10'").run()
        for (i, pledge) in pledges.enumerated() {
            let sponsor = SponsorModel()
            sponsor.id = UUID()
            sponsor.pemdaCode = "33.75"
            sponsor.kind = pledge.0.rawValue
            sponsor.name = "Donatur \(i)"
            sponsor.segment = pledge.0.defaultSegment.rawValue
            sponsor.createdAt = app.clock.now().addingTimeInterval(Double(i))
            try await sponsor.create(on: app.db)
            let row = PledgeModel()
            row.id = UUID()
            row.sponsorID = sponsor.id!
            row.programID = program.id!
            row.fromMonth = "2026-01"
            row.throughMonth = "2026-12"
            row.amount = pledge.amount
            row.participants = pledge.participants
            row.months = pledge.months
            row.createdAt = app.clock.now().addingTimeInterval(Double(i))
            try await row.create(on: app.db)
        }
        return program
    }

    struct Month: Decodable { let nik: String; let month: String; let total: Int64; let payer_kind: String?; let tariff_version_id: String; let discount_id: String? }

    private func months(_ app: Application) async throws -> [Month] {
        try await app.db.sql.raw("SELECT nik, month, total, payer_kind, tariff_version_id, discount_id FROM coverage_months ORDER BY nik, month")
            .all(decoding: Month.self)
    }

    @Test("CSR-paid: the driver Rp8.400 from February, the batik labourer Rp16.800 until March then Rp8.400; each month names its rule", arguments: TestDatabase.available)
    func csrPriced(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app, pledges: [(.csr, amount: nil, participants: 10, months: 12)])
            let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(result.planned == 22 && result.unfunded == 0 && result.participants == 2)
            let rows = try await months(app)
            let driver = rows.filter { $0.nik == testNIK(serial: 1) }
            let batik = rows.filter { $0.nik == testNIK(serial: 2) }
            #expect(driver.first?.month == "2026-02" && driver.last?.month == "2026-12" && driver.count == 11)
            #expect(driver.allSatisfy { $0.total == 8_400 && $0.discount_id == "pp50-2025-transport" && $0.payer_kind == "csr" })
            #expect(batik.first { $0.month == "2026-02" }?.total == 16_800)
            #expect(batik.first { $0.month == "2026-03" }?.total == 16_800)
            #expect(batik.first { $0.month == "2026-05" }?.total == 8_400)
            #expect(rows.allSatisfy { $0.tariff_version_id == "bpu-2015" })
            #expect(result.plannedRupiah == 11 * 8_400 + 2 * 16_800 + 9 * 8_400)

            // A re-run changes nothing.
            let again = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(again.planned == 0 && again.alreadyPriced == 22)
            #expect(try await months(app).count == 22)
        }
    }

    @Test("APBD first, at the full rate; a pledge is never over-allocated; the rest is unfunded at the full rate", arguments: TestDatabase.available)
    func apbdFirst(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // APBD pays Rp16.800 x 10 months; Baznas 5 person-months; 22 needed.
            let program = try await seed(app, pledges: [(.baznas, amount: nil, participants: 5, months: 1), (.apbd, amount: 168_000, participants: nil, months: nil)])
            let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            let rows = try await months(app)
            #expect(rows.filter { $0.payer_kind == "apbd" }.count == 10)
            #expect(rows.filter { $0.payer_kind == "apbd" }.allSatisfy { $0.total == 16_800 && $0.discount_id == nil })
            #expect(rows.filter { $0.payer_kind == "baznas" }.count == 5)
            #expect(result.unfunded == 7)
            #expect(rows.filter { $0.payer_kind == nil }.allSatisfy { $0.total == 16_800 })
            struct Sum: Decodable { let s: Int64 }
            let apbd = try await app.db.sql.raw("SELECT CAST(SUM(total) AS BIGINT) AS s FROM coverage_months WHERE payer_kind = 'apbd'").first(decoding: Sum.self)?.s
            #expect(apbd == 168_000)
        }
    }

    @Test("one NIK is never priced twice for a month, in any program or Pemda", arguments: TestDatabase.available)
    func onceAcrossPrograms(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app, pledges: [(.csr, amount: nil, participants: 10, months: 12)])
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            // The same NIK in an overlapping program of the same Pemda, already a participant.
            let other = try await app.makeProgram(code: "pkl-2026b", start: "2026-06", end: "2027-05")
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 1)).first())
            let p = try #require(try await ProposalModel.query(on: app.db).filter(\.$workerID == worker.id!).first())
            try await app.db.sql.raw("""
                INSERT INTO proposals (id, program_id, worker_id, status, village_code, rt, rw, created_at, updated_at, warnings_confirmed, kpj, bpjs_start_date)
                VALUES (\(bind: UUID()), \(bind: other.id!), \(bind: worker.id!), 'active', \(bind: p.villageCode), '003', '005',
                        \(bind: app.clock.now()), \(bind: app.clock.now()), \(bind: true), '33750000057', '2026-06-01')
                """).run()
            let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: other.id!)
            #expect(result.alreadyPriced == 7 && result.planned == 5)
            struct Dup: Decodable { let n: Int }
            let dups = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM (SELECT nik, month FROM coverage_months GROUP BY nik, month HAVING COUNT(*) > 1) d")
                .first(decoding: Dup.self)?.n
            #expect(dups == 0)
            // The database refuses a second row for the same NIK and month outright.
            await #expect(throws: (any Error).self) {
                try await app.db.sql.raw("""
                    INSERT INTO coverage_months (id, program_id, proposal_id, nik, month, tariff_version_id, income_basis, jkk, jkm, jht, total, village_code, planned_at)
                    VALUES (\(bind: UUID()), \(bind: other.id!), \(bind: p.id!), \(bind: testNIK(serial: 1)), '2026-07', 'bpu-2015', 1000000, 10000, 6800, 0, 16800, '33.75.01.1002', \(bind: app.clock.now()))
                    """).run()
            }
        }
    }

    @Test("a participation that ends (death) stops its months; the planned ones after it are removed", arguments: TestDatabase.available)
    func endedStops(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app, pledges: [(.csr, amount: nil, participants: 10, months: 12)])
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 2)).first())
            let p = try #require(try await ProposalModel.query(on: app.db).filter(\.$workerID == worker.id!).first())
            try await app.db.sql.raw("UPDATE proposals SET status = 'ended', end_reason = 'death' WHERE id = \(bind: p.id!)").run()
            let event = ProposalEventModel()
            event.id = UUID()
            event.proposalID = p.id!
            event.at = Date(timeIntervalSince1970: 1_781_913_600) // 20 June 2026, 00:00 UTC
            event.actorUsername = "op"
            event.action = "end"
            event.fromStatus = "active"
            event.toStatus = "ended"
            event.reason = "death"
            try await event.create(on: app.db)
            let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(result.removed == 6 && result.planned == 0)
            let batik = try await months(app).filter { $0.nik == testNIK(serial: 2) }
            #expect(batik.last?.month == "2026-06" && batik.count == 5)
        }
    }

    @Test("ended in November for a death on 3 April: the day typed decides, the months after April are removed; a day to come or before the membership is refused",
          arguments: TestDatabase.available)
    func endDateTyped(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let program = try await seed(app, pledges: [(.csr, amount: nil, participants: 10, months: 12)])
            _ = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 2)).first())
            let p = try #require(try await ProposalModel.query(on: app.db).filter(\.$workerID == worker.id!).first())
            func end(_ date: String?) async throws -> (HTTPStatus, String) {
                var answer: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, "/api/v1/proposals/\(p.id!)/transitions", headers: .bearer(token), beforeRequest: { req in
                    try req.content.encode(TransitionInput(action: "end", reason: "death", note: nil, endDate: date))
                }) { res in answer = (res.status, res.body.string) }
                return answer
            }
            for (date, code) in [("2026-12-01", "end_date_future"), ("2026-01-05", "end_date_before_start"), ("3 April", "end_date_invalid")] {
                let (status, body) = try await end(date)
                #expect(status == .unprocessableEntity && body.contains(code), "\(date): \(status) \(body)")
            }
            #expect(try await ProposalModel.find(p.id!, on: app.db)?.statusValue == .active, "a refused end changes nothing")
            let (status, body) = try await end("2026-04-03")
            #expect(status == .ok && body.contains("\"endedOn\":\"2026-04-03\""), "\(status) \(body)")
            let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            let batik = try await months(app).filter { $0.nik == testNIK(serial: 2) }.map(\.month)
            #expect(batik == ["2026-02", "2026-03", "2026-04"], "\(batik)")
            #expect(result.removed == 8)
        }
    }
}

@Suite("Coverage pages and API: aggregates for the Pemda's staff only")
struct CoverageAccessTests {
    @Test("the operator runs coverage from the page and the API; Jambi and a sponsor cannot", arguments: TestDatabase.available)
    func access(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(code: "pkl-2026", start: "2026-01", end: "2026-12")
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 1), occupation: "becak_driver"),
                                                    actor: rt, by: .cli("t"))
            try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000057', bpjs_start_date = '2026-02-10'").run()
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, jambiToken) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, sponsorToken) = try await app.makeUser("sponsor.pekalongan", .sponsor, "33.75")
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/coverage/run", headers: .bearer(jambiToken)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/coverage/run", headers: .bearer(sponsorToken)) { res in
                #expect(res.status == .forbidden || res.status == .notFound)
            }
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/coverage/run", headers: .bearer(opToken)) { res in
                #expect(res.status == .ok)
                let result = try res.content.decode(CoverageRunResult.self)
                // Unfunded (no pledge): eleven months at the full rate.
                #expect(result.planned == 11 && result.unfunded == 11 && result.plannedRupiah == 11 * 16_800)
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/coverage", headers: .bearer(opToken)) { res in
                let summary = try res.content.decode(CoverageSummaryDTO.self)
                #expect(summary.personMonths == 11 && summary.months.first?.monthName == "Februari 2026")
                #expect(summary.payers.first?.kind == "unfunded")
                #expect(!res.body.string.contains(testNIK(serial: 1)))
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/program/\(program.id!)/cakupan", headers: op.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Rp184.800") && res.body.string.contains("Belum ada penyandang dana"))
                #expect(res.body.string.contains("Februari 2026"))
            }
            try await app.testing().test(.POST, "/program/\(program.id!)/cakupan", headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Tidak ada perubahan"))
            }
            #expect(try await auditCount(app, "coverage.run") == 2)
        }
    }
}
