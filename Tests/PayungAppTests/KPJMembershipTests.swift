import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("A KPJ belongs to one person")
struct KPJMembershipTests {
    /// An approved proposal of `nik` in `program`, ready to register.
    func approved(_ app: Application, _ program: ProgramModel, nik: String, village: String = "33.75.01.1002",
                  rt: String = "003", rw: String = "005") async throws -> ProposalModel {
        let user = try await app.makeUser("rt.\(program.code).\(nik.suffix(4))", .rt, village, rt: rt, rw: rw).user
        let actor = Actor(userID: user.id!.uuidString, username: user.username,
                          grants: [try RoleGrant(role: .rt, region: RegionCode(village)!, rt: rt, rw: rw)])
        let (proposal, _) = try await app.testProposals.propose(
            proposalInput(program: program, nik: nik, village: village, rt: rt, rw: rw), actor: actor, by: .cli("t"))
        try await app.db.sql.raw("UPDATE proposals SET status = 'approved' WHERE id = \(bind: proposal.id!)").run()
        return proposal
    }

    func register(_ app: Application, _ token: String, _ id: UUID, kpj: String, start: String = "2027-01-01") async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        try await app.testing().test(.POST, "/api/v1/proposals/\(id)/transitions", headers: .bearer(token), beforeRequest: { req in
            try req.content.encode(TransitionInput(action: "register", kpj: kpj, startDate: start))
        }) { res in out = (res.status, res.body.string) }
        return out
    }

    @Test("a KPJ held by another NIK is refused, naming the holder only to who may see them; a person keeps one KPJ",
          arguments: TestDatabase.available)
    func uniqueKPJ(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let pekalongan = try await app.makeProgram()
            let jambi = try await app.makeProgram(code: "jmb-2027", regency: "15.71")
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let opJambi = try await app.makeUser("op.jambi", .operator, "15.71")
            let siti = try await approved(app, pekalongan, nik: testNIK(serial: 71))
            let budi = try await approved(app, pekalongan, nik: testNIK(serial: 72))
            let tono = try await approved(app, jambi, nik: testNIK(serial: 73), village: "15.71.01.1001", rt: "001", rw: "002")
            #expect(try await register(app, op.token, siti.id!, kpj: "12345678901").0 == .ok)
            let again = try await register(app, op.token, budi.id!, kpj: "12345678901")
            #expect(again.0 == .conflict && again.1.contains("kpj_held_by_another") && again.1.contains("Siti Aminah"))
            let elsewhere = try await register(app, opJambi.token, tono.id!, kpj: "12345678901")
            #expect(elsewhere.0 == .conflict && elsewhere.1.contains("kpj_held_by_another") && !elsewhere.1.contains("Siti"))
            #expect(try await ProposalModel.find(budi.id, on: app.db)?.status == "approved")
            // The same person in the next year's program keeps the KPJ; another number is refused.
            try await app.db.sql.raw("UPDATE proposals SET status = 'ended' WHERE id = \(bind: siti.id!)").run()
            let next = try await app.makeProgram(code: "pkl-bb-2028", start: "2028-01", end: "2028-12")
            let sitiAgain = try await approved(app, next, nik: testNIK(serial: 71), rt: "004", rw: "005")
            let other = try await register(app, op.token, sitiAgain.id!, kpj: "99999999999", start: "2028-01-01")
            #expect(other.0 == .conflict && other.1.contains("nik_has_other_kpj"))
            #expect(try await register(app, op.token, sitiAgain.id!, kpj: "12345678901", start: "2028-01-01").0 == .ok)
            let membership = try #require(try await BPJSMembershipQueries(db: app.db).membership(nik: testNIK(serial: 71)))
            #expect(membership.kpj == "12345678901" && membership.firstMembershipDate.iso == "2027-01-01")
        }
    }

    @Test("BPJS's answer file: a KPJ held by another NIK, or given twice in the file, is a rejected row", arguments: TestDatabase.available)
    func resultImport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let siti = try await approved(app, program, nik: testNIK(serial: 74))
            _ = try await approved(app, program, nik: testNIK(serial: 75))
            _ = try await approved(app, program, nik: testNIK(serial: 76))
            #expect(try await register(app, op.token, siti.id!, kpj: "11111111111").0 == .ok)
            let csv = "NIK,KPJ,Tanggal Mulai\n\(testNIK(serial: 75)),11111111111,01/01/2027\n\(testNIK(serial: 76)),22222222222,01/01/2027\n"
            let file = TabularFile(rows: TabularFile.csvRows(Data(csv.utf8)))
            let result = try await BPJSResultImport(db: app.db, now: app.clock.now(), today: app.clock.today)
                .run(file, program: program, by: .cli("t"), dryRun: false)
            #expect(result.rejections.map(\.code) == ["kpj_held_by_another"])
            #expect(result.rejections.first?.line == 2)
            #expect(result.summary.inserted == 1)
            #expect(try await BPJSMembershipQueries(db: app.db).holder(kpj: "22222222222") == testNIK(serial: 76))
        }
    }
}
