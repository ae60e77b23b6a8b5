import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

/// Claims (issue 14) through the API, as an operator, BPJS and an RT head
/// would use them, on a program whose money is known month by month.
@Suite("Claims: coverage at once, benefits by the rule, a case's steps, a death's end, scholarships, scope")
struct ClaimTests {
    struct Fixture {
        let program: ProgramModel
        let op: String
        let bpjs: String
        let rt: String
        let otherRT: String
        let jambi: String
        let sponsor: String
        let niks: [String]
    }

    /// Two participants active from 10 February 2026; bills for February to
    /// May issued on the 3rd, due on the 15th; only February paid. So on
    /// 20 March one month is overdue (in arrears, covered); on 20 May three
    /// are (lapsed).
    static func fixture(_ app: Application) async throws -> Fixture {
        let (program, _) = try await BillingRunTests.seed(app)
        let (opUser, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
        let (kadis, _) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
        let (_, bpjs) = try await app.makeUser("bpjs.pekalongan", .bpjs, "33.75")
        let (_, rt) = try await app.makeUser("rt.medono.claims", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let (_, otherRT) = try await app.makeUser("rt.medono.other", .rt, "33.75.01.1002", rt: "004", rw: "005")
        let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
        let (_, sponsorUser) = try await app.makeUser("csr.batik", .sponsor, "33.75")
        let maker = AuditActor(userID: opUser.id, username: opUser.username, source: "test")
        let checker = AuditActor(userID: kadis.id, username: kadis.username, source: "test")
        for month in ["2026-02", "2026-03", "2026-04", "2026-05"] {
            let on = PaymentStandingTests.day(month + "-03")
            let run = try await BillingRun(db: app.db, now: on).prepare(programID: program.id!, month: YearMonth(iso: month)!, by: maker,
                                                                        today: CalendarDate(on))
            _ = try await BillingRun(db: app.db, now: on).issue(runID: run.runID, by: checker)
        }
        let sponsor = try #require(try await SponsorModel.query(on: app.db).first())
        let february = try await PaymentStandingTests.billTotal(app, "2026-02")
        _ = try await Payments(db: app.db, now: PaymentStandingTests.day("2026-02-10")).record(
            program: program, PaymentInput(sponsorID: sponsor.id, invoiceRef: "VA-1", paidOn: "2026-02-10", amount: String(february)),
            today: CalendarDate(iso: "2026-02-10")!, by: maker)
        try await app.db.sql.raw("UPDATE programs SET approved_count = 2").run()
        return Fixture(program: program, op: op, bpjs: bpjs, rt: rt, otherRT: otherRT, jambi: jambi,
                       sponsor: sponsorUser, niks: [testNIK(serial: 1), testNIK(serial: 2)])
    }

    static func post<T: Decodable>(_ app: Application, _ path: String, _ token: String, _ body: String, as: T.Type,
                                   expect status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) async throws -> T? {
        var result: T?
        try await app.testing().test(.POST, path, headers: .bearer(token), beforeRequest: { req in
            req.headers.contentType = .json
            req.body = ByteBuffer(string: body)
        }) { res in
            #expect(res.status == status, "\(path) \(body): \(res.status) \(res.body.string.prefix(400))", sourceLocation: sourceLocation)
            if res.status == status, status.code < 300 { result = try res.content.decode(T.self) }
        }
        return result
    }

    struct ErrorBody: Decodable {
        struct Inner: Decodable { let code: String; let message: String }
        let error: Inner
    }

    static func error(_ app: Application, _ path: String, _ token: String, _ body: String, expect status: HTTPStatus,
                      sourceLocation: SourceLocation = #_sourceLocation) async throws -> (code: String, message: String) {
        var out = ("", "")
        try await app.testing().test(.POST, path, headers: .bearer(token), beforeRequest: { req in
            req.headers.contentType = .json
            req.body = ByteBuffer(string: body)
        }) { res in
            #expect(res.status == status, "\(body): \(res.status) \(res.body.string.prefix(300))", sourceLocation: sourceLocation)
            if let e = try? res.content.decode(ErrorBody.self) { out = (e.error.code, e.error.message) }
        }
        return out
    }

    static func report(_ app: Application, _ f: Fixture, nik: String, day: String, kind: String = "death", token: String? = nil) async throws -> ClaimDetailDTO {
        let body = #"{"nik": "\#(nik)", "kind": "\#(kind)", "eventDate": "\#(day)", "place": "Rumah, Medono", "account": "Meninggal mendadak di rumah."}"#
        return try #require(try await post(app, "/api/v1/claims", token ?? f.op, body, as: ClaimDetailDTO.self, expect: .created))
    }

    @Test("a death in a covered month gives Rp42,000,000 in its three parts; a death of a lapsed participant is uncovered with the reason",
          arguments: TestDatabase.available)
    func coverageAndBenefit(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let covered = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            #expect(covered.coverage.covered && covered.coverage.reason == nil)
            let benefit = try #require(covered.benefit)
            #expect(benefit.total == 42_000_000)
            #expect(benefit.lines.map(\.part) == ["lump_sum", "periodic", "funeral"])
            #expect(benefit.lines.map(\.amount) == [20_000_000, 12_000_000, 10_000_000])
            #expect(benefit.legalBasis.contains("82/2019"))
            // The explanation: December to March, March overdue on the day, February paid, who paid.
            #expect(covered.coverage.months.map(\.month) == ["2025-12", "2026-01", "2026-02", "2026-03"])
            #expect(covered.coverage.months[2].then == "paid" && covered.coverage.months[3].then == "overdue")
            #expect(covered.coverage.months[2].payer == "PT Batik Sejahtera")
            #expect(covered.coverage.note.contains("BPJS"))

            let lapsed = try await Self.report(app, f, nik: f.niks[1], day: "2026-05-20")
            #expect(!lapsed.coverage.covered && lapsed.coverage.reason == "lapsed")
            #expect(lapsed.coverage.reasonName?.contains("3 bulan iuran belum dibayar") == true, "\(lapsed.coverage.reasonName ?? "")")
            #expect(lapsed.summary.covered == false && lapsed.summary.uncoveredReasonName != nil)
            // The case is recorded all the same: BPJS decides.
            #expect(lapsed.summary.status == "reported")
            // A death before the BPJS start is uncovered too, with its own reason (through the core: the participant is already dead here).
            let early = EventCoverage.check(eventDay: CalendarDate(iso: "2026-01-05")!, start: CalendarDate(iso: "2026-02-10"), ended: nil, billed: [],
                                            today: CalendarDate(iso: "2026-11-21")!)
            #expect(early.reason?.code == "before_start")
        }
    }

    @Test("after a recorded death the person is absent from the next bill, a billed later month is credited, the slot is freed, BPJS is told",
          arguments: TestDatabase.available)
    func deathEndsParticipation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let claim = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            #expect(claim.participationEnded, "the operator's report of a death ends the participation")
            let proposal = try #require(try await ProposalModel.find(claim.summary.proposalID, on: app.db))
            #expect(proposal.status == "ended" && proposal.endReason == "death" && proposal.endedOn == "2026-03-20")
            struct N: Decodable { let approved_count: Int }
            let count = try await app.db.sql.raw("SELECT approved_count FROM programs").first(decoding: N.self)?.approved_count
            #expect(count == 1, "the quota slot is freed (program setting, default yes)")
            // June's bill: nobody's June for the deceased; April and May, billed before, credited.
            let opUser = try #require(try await UserModel.query(on: app.db).filter(\.$username == "op.pekalongan").first())
            let maker = AuditActor(userID: opUser.id, username: opUser.username, source: "test")
            let on = PaymentStandingTests.day("2026-06-03")
            let run = try await BillingRun(db: app.db, now: on).prepare(programID: f.program.id!, month: YearMonth(iso: "2026-06")!, by: maker,
                                                                        today: CalendarDate(on))
            struct Line: Decodable { let kind: String; let month: String; let amount: Int64 }
            let lines = try await app.db.sql.raw("SELECT kind, month, amount FROM bill_lines WHERE run_id = \(bind: run.runID) AND proposal_id = \(bind: proposal.id!) ORDER BY month")
                .all(decoding: Line.self)
            #expect(lines.map(\.kind) == ["credit", "credit"], "\(lines)")
            #expect(lines.map(\.month) == ["2026-04", "2026-05"] && lines.allSatisfy { $0.amount < 0 })
            let other = try await app.db.sql.raw("SELECT kind, month, amount FROM bill_lines WHERE run_id = \(bind: run.runID) AND proposal_id <> \(bind: proposal.id!)")
                .all(decoding: Line.self)
            #expect(other.map(\.kind) == ["charge"] && other.first?.month == "2026-06", "the living participant is billed as before")
            // The BPJS deactivation batch lists the deceased.
            let ended = try await BPJSDeactivationExport(db: app.db).participations(of: f.program)
            #expect(ended.map(\.proposalID) == [proposal.id!] && ended.first?.reason == .death)
        }
    }

    @Test("arrears paid after the event count only under the program's setting; a program may keep a deceased's quota slot",
          arguments: TestDatabase.available)
    func programSettings(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let opUser = try #require(try await UserModel.query(on: app.db).filter(\.$username == "op.pekalongan").first())
            let maker = AuditActor(userID: opUser.id, username: opUser.username, source: "test")
            let sponsor = try #require(try await SponsorModel.query(on: app.db).first())
            let unpaid = try await PaymentStandingTests.billTotal(app, "2026-03") + PaymentStandingTests.billTotal(app, "2026-04")
                + PaymentStandingTests.billTotal(app, "2026-05")
            // March to May paid on 1 June, after a death on 20 May.
            _ = try await Payments(db: app.db, now: PaymentStandingTests.day("2026-06-01")).record(
                program: f.program, PaymentInput(sponsorID: sponsor.id, invoiceRef: "VA-2", paidOn: "2026-06-01", amount: String(unpaid)),
                today: CalendarDate(iso: "2026-06-01")!, by: maker)
            let strict = try await Self.report(app, f, nik: f.niks[1], day: "2026-05-20")
            #expect(!strict.coverage.covered && strict.coverage.reason == "lapsed" && !strict.coverage.latePaymentCounts)
            #expect(strict.coverage.months.last?.then == "overdue" && strict.coverage.months.last?.now == "paid", "then and now differ")
            let settings = "/api/v1/programs/\(f.program.id!)/settings"
            let updated = try #require(try await Self.post(app, settings, f.op, #"{"claimsLatePaymentCounts": true, "deathFreesQuota": false}"#,
                                                           as: ProgramSettingsDTO.self))
            #expect(updated.claimsLatePaymentCounts && !updated.deathFreesQuota)
            _ = try await Self.error(app, settings, f.bpjs, #"{"deathFreesQuota": true}"#, expect: .forbidden)
            // Refused as uncovered, a new report under the setting: covered by the late payment. (A different kind, not a duplicate.)
            let lenient = try await Self.report(app, f, nik: f.niks[1], day: "2026-05-20", kind: "work_accident")
            #expect(lenient.coverage.covered && lenient.coverage.byLatePayment && lenient.coverage.latePaymentCounts)
            // The deceased keeps the slot: the count stays at 1 (one death already freed one under the old setting).
            struct N: Decodable { let approved_count: Int }
            let before = try await app.db.sql.raw("SELECT approved_count FROM programs").first(decoding: N.self)?.approved_count
            _ = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            let after = try await app.db.sql.raw("SELECT approved_count FROM programs").first(decoding: N.self)?.approved_count
            #expect(before == 1 && after == 1, "\(String(describing: before)) -> \(String(describing: after))")
            #expect(try await ProposalModel.query(on: app.db).filter(\.$status == "ended").count() == 2)
        }
    }

    @Test("an illegal step is refused on the server with a clear message; roles are the table's; the full path to a payment copies the heir's account",
          arguments: TestDatabase.available)
    func workflow(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let claim = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            let steps = "/api/v1/claims/\(claim.summary.id)/transitions"
            let pay = try await Self.error(app, steps, f.bpjs, #"{"action": "pay", "paidOn": "2026-04-10", "amount": 42000000}"#, expect: .conflict)
            #expect(pay.code == "claim_transition_illegal" && pay.message.contains("Pembayaran hanya untuk kasus yang sudah disetujui BPJS"), "\(pay)")
            let early = try await Self.error(app, steps, f.op, #"{"action": "complete_documents"}"#, expect: .conflict)
            #expect(early.code == "claim_documents_missing" && early.message.contains("Akta/surat keterangan kematian"), "\(early)")
            // Every document of the checklist, as PDF; a text file is refused.
            let pdf = Data("%PDF-1.4\n%%EOF\n".utf8)
            try await app.testing().test(.PUT, "/api/v1/claims/\(claim.summary.id)/documents/death_certificate", headers: .bearer(f.op), beforeRequest: { req in
                req.body = ByteBuffer(string: "not a document")
            }) { res in #expect(res.status == .unprocessableEntity && res.body.string.contains("claim_document_type")) }
            for kind in ClaimDocuments.required(for: .death, trafficAccident: false) {
                try await app.testing().test(.PUT, "/api/v1/claims/\(claim.summary.id)/documents/\(kind.rawValue)", headers: .bearer(f.rt), beforeRequest: { req in
                    req.body = ByteBuffer(data: pdf)
                }) { res in #expect(res.status == .created, "\(kind): \(res.status) \(res.body.string.prefix(200))") }
            }
            _ = try await Self.post(app, steps, f.op, #"{"action": "complete_documents"}"#, as: ClaimDetailDTO.self)
            let noHeirs = try await Self.error(app, steps, f.op, #"{"action": "verify"}"#, expect: .conflict)
            #expect(noHeirs.code == "claim_heirs_missing")
            let heirs = "/api/v1/claims/\(claim.summary.id)/heirs"
            _ = try await Self.post(app, heirs, f.op, #"{"name": "Siti Aminah", "relation": "istri", "sharePercent": 60, "bank": "BRI", "account": "0123-01-000123-50-1"}"#,
                                    as: ClaimDetailDTO.self, expect: .created)
            let shares = try await Self.error(app, steps, f.op, #"{"action": "verify"}"#, expect: .conflict)
            #expect(shares.code == "claim_heir_shares_invalid" && shares.message.contains("60%"))
            let withChild = try #require(try await Self.post(app, heirs, f.op, #"{"name": "Rina", "relation": "anak", "sharePercent": 40, "birthDate": "2013-02-01", "schoolLevel": "smp", "yearInLevel": 1}"#,
                                                             as: ClaimDetailDTO.self, expect: .created))
            #expect(withChild.heirs.count == 2)
            let wrongRole = try await Self.error(app, steps, f.bpjs, #"{"action": "verify"}"#, expect: .forbidden)
            #expect(wrongRole.code == "claim_role_not_allowed" && wrongRole.message.contains("Operator"), "\(wrongRole)")
            _ = try await Self.post(app, steps, f.op, #"{"action": "verify"}"#, as: ClaimDetailDTO.self)
            _ = try await Self.post(app, steps, f.op, #"{"action": "submit"}"#, as: ClaimDetailDTO.self)
            let opApproves = try await Self.error(app, steps, f.op, #"{"action": "approve", "bpjsClaimNumber": "JKM-1"}"#, expect: .forbidden)
            #expect(opApproves.code == "claim_role_not_allowed", "BPJS pays, not the city")
            let noNumber = try await Self.error(app, steps, f.bpjs, #"{"action": "approve"}"#, expect: .unprocessableEntity)
            #expect(noNumber.code == "claim_number_required")
            let approved = try #require(try await Self.post(app, steps, f.bpjs, #"{"action": "approve", "bpjsClaimNumber": "JKM/PKL/2026/0007"}"#, as: ClaimDetailDTO.self))
            #expect(approved.approvedAmount == 42_000_000 && approved.summary.status == "approved")
            let wife = try #require(approved.heirs.first { $0.relation == "istri" })
            let paid = try #require(try await Self.post(app, steps, f.bpjs, #"{"action": "pay", "paidOn": "2026-04-28", "heirID": "\#(wife.id)"}"#, as: ClaimDetailDTO.self))
            #expect(paid.summary.status == "paid" && paid.paidAmount == 42_000_000 && paid.paidOn == "2026-04-28")
            #expect(paid.paidBank == "BRI" && paid.paidAccount == "0123-01-000123-50-1" && paid.paidAccountHolder == "Siti Aminah")
            let twice = try await Self.error(app, steps, f.bpjs, #"{"action": "pay", "paidOn": "2026-04-28", "heirID": "\#(wife.id)"}"#, expect: .conflict)
            #expect(twice.code == "claim_transition_illegal")
            let closed = try #require(try await Self.post(app, steps, f.op, #"{"action": "close"}"#, as: ClaimDetailDTO.self))
            #expect(closed.summary.status == "closed" && closed.steps.map(\.action) == ["report", "complete_documents", "verify", "submit", "approve", "pay", "close"])
            // The heir cannot be changed after the case is closed.
            _ = try await Self.error(app, heirs, f.op, #"{"name": "X", "relation": "saudara"}"#, expect: .conflict)
            // A reported work accident is a suspected one, with BPJS's 30-day deadline.
            let accident = try await Self.report(app, f, nik: f.niks[1], day: "2026-11-20", kind: "work_accident", token: f.rt)
            #expect(accident.summary.suspectedWorkAccident && accident.summary.decisionDeadline == "2026-12-21")
            #expect(!accident.participationEnded && accident.benefit == nil, "an accident ends nothing; its benefit waits for BPJS's figures")
            let dup = try await Self.error(app, "/api/v1/claims", f.op,
                                           #"{"nik": "\#(f.niks[1])", "kind": "work_accident", "eventDate": "2026-11-20", "place": "Pasar", "account": "Jatuh"}"#,
                                           expect: .conflict)
            #expect(dup.code == "claim_duplicate")
        }
    }

    @Test("scholarships: two children by the table, a third gets none, proof of enrolment before payment; under 3 years of membership none",
          arguments: TestDatabase.available)
    func scholarships(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            // Member since 2026: under 3 years, JKM gives no scholarship.
            let short = try await Self.report(app, f, nik: f.niks[1], day: "2026-03-21")
            _ = try await Self.post(app, "/api/v1/claims/\(short.summary.id)/heirs", f.op,
                                    #"{"name": "Adi", "relation": "anak", "birthDate": "2015-01-10", "schoolLevel": "tk_sd", "yearInLevel": 5}"#,
                                    as: ClaimDetailDTO.self, expect: .created)
            var shortDetail: ClaimDetailDTO?
            try await app.testing().test(.GET, "/api/v1/claims/\(short.summary.id)", headers: .bearer(f.op)) { res in
                shortDetail = try res.content.decode(ClaimDetailDTO.self)
            }
            #expect(shortDetail?.scholarships.first?.refusal == "membership_too_short" && shortDetail?.scholarships.first?.years.isEmpty == true)

            // A member since 2020 (an earlier program): two children get the schedule, the third none.
            try await app.db.sql.raw("UPDATE bpjs_memberships SET first_membership_date = '2020-01-01' WHERE nik = \(bind: f.niks[0])").run()
            let count = try await app.db.sql.raw("SELECT nik FROM bpjs_memberships WHERE nik = \(bind: f.niks[0])").all().count
            if count == 0 {
                try await app.db.sql.raw("INSERT INTO bpjs_memberships (nik, kpj, first_membership_date, recorded_at) VALUES (\(bind: f.niks[0]), '33750000058', '2020-01-01', \(bind: Date()))").run()
            }
            let claim = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            #expect(claim.membershipStart == "2020-01-01")
            let heirs = "/api/v1/claims/\(claim.summary.id)/heirs"
            for body in [#"{"name": "Sulung", "relation": "anak", "birthDate": "2011-08-01", "schoolLevel": "smp", "yearInLevel": 3}"#,
                         #"{"name": "Tengah", "relation": "anak", "birthDate": "2022-02-01"}"#,
                         #"{"name": "Bungsu", "relation": "anak", "birthDate": "2024-05-01"}"#] {
                _ = try await Self.post(app, heirs, f.op, body, as: ClaimDetailDTO.self, expect: .created)
            }
            var detail: ClaimDetailDTO?
            try await app.testing().test(.GET, "/api/v1/claims/\(claim.summary.id)", headers: .bearer(f.op)) { res in
                detail = try res.content.decode(ClaimDetailDTO.self)
            }
            let s = try #require(detail?.scholarships)
            #expect(s.count == 3)
            // Sulung: SMP year 3 in 2025/2026, then SMA 3 years, then university until 23 (August 2034): 1 + 3 + 5 years.
            #expect(s[0].years.map(\.level) == ["smp"] + Array(repeating: "sma", count: 3) + Array(repeating: "university", count: 5), "\(s[0].years.map(\.level))")
            #expect(s[0].years.first?.schoolYear == 2025 && s[0].years.first?.amount == 2_000_000)
            #expect(s[0].total == 2_000_000 + 3 * 3_000_000 + 5 * 12_000_000)
            // Tengah: not yet in school; TK A from the school year they are 4 on 1 July (2026, started by 21 November), the next one upcoming.
            #expect(s[1].years.first?.schoolYear == 2026 && s[1].years.first?.level == "tk_sd" && s[1].years.first?.state == "proof_missing")
            #expect(s[1].years.dropFirst().first?.state == "upcoming" && s[1].years.count == 8 + 3 + 3 + 5, "TK-SD 8, SMP 3, SMA 3, university 5: all before 23")
            #expect(s[2].refusal == "child_limit" && s[2].years.isEmpty, "a third child gets none")
            // 2025/2026 has started: proof missing; with proof it is due; BPJS pays it; a future year cannot be paid.
            #expect(s[0].years[0].state == "proof_missing")
            let sulung = s[0].heirID
            try await app.testing().test(.PUT, "/api/v1/claims/\(claim.summary.id)/documents/enrolment?heirId=\(sulung)&schoolYear=2025",
                                         headers: .bearer(f.rt), beforeRequest: { req in req.body = ByteBuffer(data: Data("%PDF-1.4\n".utf8)) }) { res in
                #expect(res.status == .created, "\(res.body.string.prefix(300))")
                let d = try res.content.decode(ClaimDetailDTO.self)
                #expect(d.scholarships[0].years[0].state == "due")
            }
            let payments = "/api/v1/claims/\(claim.summary.id)/payments"
            let notApproved = try await Self.error(app, payments, f.bpjs, #"{"kind": "scholarship", "paidOn": "2026-08-01", "amount": 2000000, "heirID": "\#(sulung)", "schoolYear": 2025}"#,
                                                   expect: .conflict)
            #expect(notApproved.code == "claim_not_approved")
            // Move the case to approved.
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'approved' WHERE id = \(bind: claim.summary.id)").run()
            let byOperator = try await Self.error(app, payments, f.op, #"{"kind": "scholarship", "paidOn": "2026-08-01", "amount": 2000000, "heirID": "\#(sulung)", "schoolYear": 2025}"#,
                                                  expect: .forbidden)
            #expect(byOperator.code == "claim_role_not_allowed")
            let paid = try #require(try await Self.post(app, payments, f.bpjs, #"{"kind": "scholarship", "paidOn": "2026-08-01", "amount": 2000000, "heirID": "\#(sulung)", "schoolYear": 2025}"#,
                                                        as: ClaimDetailDTO.self, expect: .created))
            #expect(paid.scholarships[0].years[0].state == "paid" && paid.payments.count == 1)
            let future = try await Self.error(app, payments, f.bpjs, #"{"kind": "scholarship", "paidOn": "2026-08-01", "amount": 3000000, "heirID": "\#(sulung)", "schoolYear": 2027}"#,
                                              expect: .conflict)
            #expect(future.code == "claim_scholarship_not_due")
        }
    }

    @Test("scope: Jambi and another RT see nothing and cannot report; the read is audited; a sponsor sees totals with small counts hidden",
          arguments: TestDatabase.available)
    func scope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let claim = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20", token: f.rt)
            #expect(!claim.participationEnded, "an RT head's report ends nothing until the agency verifies it")
            for token in [f.jambi, f.otherRT] {
                try await app.testing().test(.GET, "/api/v1/claims/\(claim.summary.id)", headers: .bearer(token)) { res in
                    #expect(res.status == .notFound)
                }
                try await app.testing().test(.GET, "/api/v1/claims", headers: .bearer(token)) { res in
                    #expect(res.status == .ok && !res.body.string.contains(claim.summary.id.uuidString))
                }
                let other = try await Self.error(app, "/api/v1/claims", token,
                                                 #"{"nik": "\#(f.niks[1])", "kind": "death", "eventDate": "2026-03-20", "place": "x", "account": "y"}"#,
                                                 expect: .notFound)
                #expect(other.code == "claim_participant_not_found")
                _ = try await Self.error(app, "/api/v1/claims/\(claim.summary.id)/transitions", token, #"{"action": "complete_documents"}"#, expect: .notFound)
                _ = try await Self.error(app, "/api/v1/claims/\(claim.summary.id)/heirs", token, #"{"name": "X", "relation": "istri"}"#, expect: .notFound)
                for query in [f.niks[0], "Pekerja"] {
                    let found = try #require(try await Self.post(app, "/api/v1/claims/participants", token, #"{"query": "\#(query)"}"#,
                                                                 as: ClaimController.ParticipantList.self))
                    #expect(found.items.isEmpty, "\(query)")
                }
            }
            // By name (part of it, any case) and by NIK, for someone in scope; masked NIK only.
            let name = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == f.niks[1]).first()).name
            for query in [String(name.lowercased().prefix(5)), f.niks[1]] {
                let found = try #require(try await Self.post(app, "/api/v1/claims/participants", f.rt, #"{"query": "\#(query)"}"#,
                                                             as: ClaimController.ParticipantList.self))
                #expect(found.items.contains { $0.name == name && $0.nikMasked.hasSuffix(String(f.niks[1].suffix(4))) && !$0.nikMasked.contains(f.niks[1]) },
                        "\(query): \(found.items.map(\.name))")
            }
            try await app.testing().test(.GET, "/api/v1/claims/\(claim.summary.id)", headers: .bearer(f.op)) { res in #expect(res.status == .ok) }
            struct N: Decodable { let n: Int }
            let reads = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'claim.read' AND entity_id = \(bind: claim.summary.id.uuidString)")
                .first(decoding: N.self)?.n
            #expect(reads == 1)
            try await app.testing().test(.GET, "/api/v1/claims/\(claim.summary.id)", headers: .bearer(f.sponsor)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/api/v1/claims/totals", headers: .bearer(f.sponsor)) { res in
                #expect(res.status == .ok)
                let t = try res.content.decode(ClaimQueries.Totals.self)
                #expect(t.cases == nil && t.suppressedBelow == 5 && t.byKind.allSatisfy { $0.cases == nil }, "one case is below 5: hidden")
            }
            try await app.testing().test(.GET, "/api/v1/claims/totals", headers: .bearer(f.op)) { res in
                let t = try res.content.decode(ClaimQueries.Totals.self)
                #expect(t.cases == 1 && t.byKind.first?.key == "death" && t.byDistrict.first?.name.contains("Pekalongan Barat") == true, "\(t.byDistrict)")
            }
            // The agency's verification of the RT head's report ends the participation.
            let pdf = Data("%PDF-1.4\n".utf8)
            for kind in ClaimDocuments.required(for: .death, trafficAccident: false) {
                try await app.testing().test(.PUT, "/api/v1/claims/\(claim.summary.id)/documents/\(kind.rawValue)", headers: .bearer(f.rt),
                                             beforeRequest: { req in req.body = ByteBuffer(data: pdf) }) { res in #expect(res.status == .created) }
            }
            _ = try await Self.post(app, "/api/v1/claims/\(claim.summary.id)/heirs", f.rt, #"{"name": "Siti", "relation": "istri"}"#,
                                    as: ClaimDetailDTO.self, expect: .created)
            _ = try await Self.post(app, "/api/v1/claims/\(claim.summary.id)/transitions", f.op, #"{"action": "complete_documents"}"#, as: ClaimDetailDTO.self)
            let verified = try #require(try await Self.post(app, "/api/v1/claims/\(claim.summary.id)/transitions", f.op, #"{"action": "verify"}"#,
                                                            as: ClaimDetailDTO.self))
            #expect(verified.participationEnded)
            let rtLate = try await Self.error(app, "/api/v1/claims/\(claim.summary.id)/heirs", f.rt, #"{"name": "Y", "relation": "anak", "birthDate": "2015-01-01"}"#,
                                              expect: .conflict)
            #expect(rtLate.code == "claim_assembled")
        }
    }

    @Test("hostile: an overflowing school year, a case reopened twice, a second death through a reopen, shares over 100%, a closed event again, payments on a refused case; the database keeps one case per event and one death per person",
          arguments: TestDatabase.available)
    func hostile(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            let death = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-20")
            let heirs = "/api/v1/claims/\(death.summary.id)/heirs"
            let wife = try #require(try await Self.post(app, heirs, f.op, #"{"name": "Siti", "relation": "istri", "sharePercent": 70}"#,
                                                        as: ClaimDetailDTO.self, expect: .created)).heirs[0].id
            let over = try await Self.error(app, heirs, f.op, #"{"name": "Ibu", "relation": "orang_tua", "sharePercent": 40}"#, expect: .conflict)
            #expect(over.code == "claim_heir_shares_invalid" && over.message.contains("110%"))
            _ = try await Self.error(app, heirs, f.op, #"{"name": "X", "relation": "istri", "account": "١٢٣٤"}"#, expect: .unprocessableEntity)
            _ = try await Self.error(app, heirs, f.op, #"{"name": "Anak", "relation": "anak", "birthDate": "2015-01-01", "endedOn": "2014-01-01"}"#,
                                     expect: .unprocessableEntity)
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'approved' WHERE id = \(bind: death.summary.id)").run()
            let payments = "/api/v1/claims/\(death.summary.id)/payments"
            let huge = try await Self.error(app, payments, f.bpjs,
                                            #"{"kind": "scholarship", "paidOn": "2026-11-20", "amount": 1500000, "heirID": "\#(wife)", "schoolYear": 9223372036854775807}"#,
                                            expect: .unprocessableEntity)
            #expect(huge.code == "claim_school_year_invalid", "no trap on year + 1")
            // A second death of the same person, even as a "reopen" of an unrelated refused case.
            let accident = try await Self.report(app, f, nik: f.niks[0], day: "2026-03-10", kind: "work_accident")
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'rejected', rejection_reason = 'Bukan kecelakaan kerja' WHERE id = \(bind: accident.summary.id)").run()
            let viaReopen = try await Self.error(app, "/api/v1/claims", f.op,
                                                 #"{"nik": "\#(f.niks[0])", "kind": "work_death", "eventDate": "2026-03-21", "place": "x", "account": "y", "previousCaseID": "\#(accident.summary.id)"}"#,
                                                 expect: .conflict)
            #expect(viaReopen.code == "claim_death_already_reported")
            let reopened = try #require(try await Self.post(app, "/api/v1/claims", f.op,
                                                            #"{"nik": "\#(f.niks[0])", "kind": "work_accident", "eventDate": "2026-03-10", "place": "x", "account": "y", "previousCaseID": "\#(accident.summary.id)"}"#,
                                                            as: ClaimDetailDTO.self, expect: .created))
            #expect(reopened.previousCaseID == accident.summary.id)
            let twice = try await Self.error(app, "/api/v1/claims", f.op,
                                             #"{"nik": "\#(f.niks[0])", "kind": "occupational_disease", "eventDate": "2026-03-11", "place": "x", "account": "y", "previousCaseID": "\#(accident.summary.id)"}"#,
                                             expect: .conflict)
            #expect(twice.code == "claim_reopened_already")
            // Nothing more is paid on a refused case, even once closed.
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'closed' WHERE id = \(bind: accident.summary.id)").run()
            let refused = try await Self.error(app, "/api/v1/claims/\(accident.summary.id)/payments", f.bpjs,
                                               #"{"kind": "medical", "paidOn": "2026-11-20", "amount": 7000000, "payee": "RS Bendan"}"#, expect: .conflict)
            #expect(refused.code == "claim_not_approved")
            // A closed (not refused) event cannot be claimed again.
            let second = try await Self.report(app, f, nik: f.niks[1], day: "2026-04-01", kind: "work_accident")
            try await app.db.sql.raw("UPDATE claim_cases SET status = 'closed' WHERE id = \(bind: second.summary.id)").run()
            let again = try await Self.error(app, "/api/v1/claims", f.op,
                                             #"{"nik": "\#(f.niks[1])", "kind": "work_accident", "eventDate": "2026-04-01", "place": "x", "account": "y"}"#,
                                             expect: .conflict)
            #expect(again.code == "claim_duplicate")
            // Raced past the checks, a copy of a row is refused by the database itself.
            for (copy, what) in [(second.summary.id, "the same event"), (death.summary.id, "a second death")] {
                let row = try #require(try await ClaimCaseModel.find(copy, on: app.db))
                let clone = ClaimCaseModel()
                clone.id = UUID(); clone.programID = row.programID; clone.proposalID = row.proposalID; clone.workerID = row.workerID
                clone.villageCode = row.villageCode; clone.kind = row.kind; clone.status = "reported"; clone.statusOn = row.statusOn
                clone.eventDate = what == "a second death" ? "2026-03-22" : row.eventDate; clone.place = "x"; clone.account = "y"
                clone.trafficAccident = false; clone.reportedOn = row.reportedOn; clone.reportedAt = row.reportedAt; clone.reportedBy = "race"
                clone.reporterName = "race"; clone.covered = true; clone.coveredByLatePayment = false; clone.latePaymentCounts = false
                clone.coverageMonths = "[]"; clone.updatedAt = row.updatedAt
                await #expect(throws: (any Error).self, "\(what)") { try await clone.create(on: app.db) }
            }
        }
    }

    @Test("the pages: the list, the report form found by NIK in a POST, the case in words", arguments: TestDatabase.available)
    func pages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let f = try await Self.fixture(app)
            var browser = try await BrowserSession.login(app, "rt.medono.claims")
            try await app.testing().test(.GET, "/klaim/lapor", headers: browser.headers) { res in
                #expect(res.status == .ok)
                browser.absorb(res)
            }
            var proposalID = ""
            try await app.testing().test(.POST, "/klaim/lapor/cari", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": browser.csrf, "q": f.niks[0]], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains(f.niks[0]), "the full NIK is not echoed")
                if let r = res.body.string.range(of: #"name="proposalID" value="([^"]+)""#, options: .regularExpression) {
                    proposalID = String(res.body.string[r].dropFirst(#"name="proposalID" value=""#.count).dropLast())
                }
                browser.absorb(res)
            }
            #expect(!proposalID.isEmpty)
            try await app.testing().test(.POST, "/klaim/lapor", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": browser.csrf, "proposalID": proposalID, "kind": "death", "eventDate": "2026-12-01",
                                        "place": "Rumah", "account": "Meninggal"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("belum lewat"), "a future day is refused in words")
            }
            var location = ""
            try await app.testing().test(.POST, "/klaim/lapor", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": browser.csrf, "proposalID": proposalID, "kind": "death", "eventDate": "2026-03-20",
                                        "place": "Rumah", "account": "Meninggal"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther || res.status == .found)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasPrefix("/klaim/"))
            try await app.testing().test(.GET, location, headers: browser.headers) { res in
                let html = res.body.string
                #expect(res.status == .ok)
                for words in ["Meninggal dunia", "Dilaporkan", "Tertanggung pada hari kejadian", "Rp42.000.000", "Santunan sekaligus", "Maret 2026",
                              "Akta/surat keterangan kematian", "Medono"] {
                    #expect(html.contains(words), "\(words)")
                }
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/klaim", headers: op.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("Meninggal dunia") && res.body.string.contains("Menurut kecamatan"))
            }
            try await app.testing().test(.GET, "/klaim?tertahan=1", headers: op.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("Tidak ada kasus yang tertahan"))
            }
            try await app.testing().test(.GET, "/klaim?status=terbang", headers: op.headers) { res in #expect(res.status == .badRequest) }
        }
    }
}
