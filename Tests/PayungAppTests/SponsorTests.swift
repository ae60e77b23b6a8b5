import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Sponsors, pledges and the sponsor's statement")
struct SponsorTests {
    @Test("the operator records a sponsor and a pledge; coverage allocates to it; the statement shows counts, never a name or NIK", arguments: TestDatabase.available)
    func statement(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(code: "pkl-2026", quota: 20, start: "2026-01", end: "2026-12")
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let (_, jambiToken) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, sponsorToken) = try await app.makeUser("csr.user", .sponsor, "33.75")
            let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            for serial in 1...7 {
                _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), name: "Pekerja \(serial)",
                                                                      occupation: serial <= 5 ? "batik_labourer" : "becak_driver"),
                                                        actor: rt, by: .cli("t"))
            }
            try await app.db.sql.raw("UPDATE proposals SET status = 'active', kpj = '33750000057', bpjs_start_date = '2026-01-05'").run()
            var sponsorID = UUID()
            try await app.testing().test(.POST, "/api/v1/sponsors", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(SponsorInput(pemda: "33.75", kind: "csr", name: "PT Batik Sejahtera", contact: "CSR 0285-421234"))
            }) { res in
                #expect(res.status == .created)
                sponsorID = (try? res.content.decode(SponsorDTO.self))?.id ?? sponsorID
            }
            try await app.testing().test(.POST, "/api/v1/sponsors", headers: .bearer(jambiToken), beforeRequest: { req in
                try req.content.encode(SponsorInput(pemda: "33.75", kind: "csr", name: "Dari Jambi"))
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.POST, "/api/v1/sponsors/\(sponsorID)/pledges", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(PledgeInput(programID: program.id!, fromMonth: "2026-01", throughMonth: "2027-03", participants: 10, months: 12))
            }) { res in #expect(res.status == .unprocessableEntity && res.body.string.contains("pledge_period_invalid")) }
            try await app.testing().test(.POST, "/api/v1/sponsors/\(sponsorID)/pledges", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(PledgeInput(programID: program.id!, fromMonth: "2026-01", throughMonth: "2026-12", participants: 10, months: 12))
            }) { res in #expect(res.status == .created) }
            let run = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
            #expect(run.planned == 84 && run.unfunded == 0)
            // Sponsor users see only their own sponsor, once linked by an admin.
            try await app.testing().test(.GET, "/api/v1/sponsors/\(sponsorID)/statement", headers: .bearer(sponsorToken)) { res in
                #expect(res.status == .notFound)
            }
            // The operator reads the sponsor but does not manage users: told no, not "not found".
            try await app.testing().test(.POST, "/api/v1/sponsors/\(sponsorID)/users", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(["username": "csr.user"])
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.POST, "/api/v1/sponsors/\(sponsorID)/users", headers: .bearer(jambiToken), beforeRequest: { req in
                try req.content.encode(["username": "csr.user"])
            }) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.POST, "/api/v1/sponsors/\(sponsorID)/users", headers: .bearer(adminToken), beforeRequest: { req in
                try req.content.encode(["username": "csr.user"])
            }) { res in #expect(res.status == .ok) }
            try await app.testing().test(.GET, "/api/v1/sponsors/\(sponsorID)/statement", headers: .bearer(sponsorToken)) { res in
                #expect(res.status == .ok)
                let body = res.body.string
                let statement = try? res.content.decode(SponsorStatementDTO.self)
                #expect(statement?.people == 7 && statement?.personMonths == 84)
                // 5 batik labourers shown; 2 becak drivers hidden (< 5) with the smallest other cell.
                #expect(statement?.byOccupation.allSatisfy { $0.people == nil } == true)
                #expect(statement?.byDistrict.first?.people == 7 && statement?.byDistrict.first?.label == "Kecamatan Pekalongan Barat")
                #expect(!body.contains("Pekerja 1") && !body.contains(testNIK(serial: 1)) && !body.contains("3375********"))
            }
            try await app.testing().test(.GET, "/api/v1/sponsors/\(sponsorID)", headers: .bearer(jambiToken)) { res in
                #expect(res.status == .notFound)
            }
            let sponsorSession = try await BrowserSession.login(app, "csr.user")
            try await app.testing().test(.GET, "/penyandang-dana/\(sponsorID)", headers: sponsorSession.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("PT Batik Sejahtera") && res.body.string.contains("&lt;5"))
                #expect(!res.body.string.contains("Pekerja 1") && !res.body.string.contains("Tambah komitmen"))
            }
            try await app.testing().test(.GET, "/usulan", headers: sponsorSession.headers) { res in
                #expect(!res.body.string.contains("Pekerja 1"))
            }
        }
    }
}
