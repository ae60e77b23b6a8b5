import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("The RT head's form helps: errors at their fields, phones in one form, the live check")
struct ProposalFormTests {
    @Test("a bad NIK and a bad phone come back marked at exactly those fields, the first focused, the typed values kept", arguments: [TestDatabase.sqlite])
    func fieldErrors(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": rt.csrf, "programID": program.id!.uuidString, "nik": "3375014506", "name": "Siti Aminah",
                                        "occupation": "batik_labourer", "phone": "12345", "heirName": "Ahmad", "heirRelation": "suami",
                                        "submit": "1"], as: .urlEncodedForm)
            }) { res in
                let body = res.body.string
                #expect(res.status == .unprocessableEntity)
                #expect(body.components(separatedBy: "aria-invalid=\"true\"").count - 1 == 2)
                #expect(body.contains("aria-describedby=\"nik-error\" class=\"invalid\" autofocus"))
                #expect(body.contains("aria-describedby=\"phone-error\" class=\"invalid\">"))
                #expect(body.contains("<p class=\"field-error\" id=\"phone-error\">Nomor telepon tidak dikenali"))
                #expect(body.contains("<a href=\"#nik\">"))
                #expect(body.contains("value=\"Siti Aminah\"") && body.contains("value=\"12345\""))
                #expect(body.contains("<option value=\"suami\" selected>Suami</option>"))
            }
        }
    }

    @Test("phones are stored in one form from the form and the API; a bad one is refused with phone_invalid", arguments: TestDatabase.available)
    func phones(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (_, token) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": rt.csrf, "programID": program.id!.uuidString, "nik": testNIK(serial: 1), "name": "Siti Aminah",
                                        "occupation": "batik_labourer", "phone": "+62 812-3456-7890", "heirName": "Ahmad",
                                        "heirRelation": "suami", "heirPhone": "0812 9999 1111", "submit": "1"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 1)).first())
            #expect(worker.phone == "081234567890")
            #expect(try await HeirModel.query(on: app.db).filter(\.$workerID == worker.id!).first()?.phone == "081299991111")
            var input = proposalInput(program: program, nik: testNIK(serial: 2))
            input.phone = "0812"
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in
                #expect(res.status == .unprocessableEntity || res.status == .conflict)
                #expect(res.body.string.contains("Nomor telepon tidak dikenali"))
            }
        }
    }

    @Test("the live check answers the form's NIK with the server's entry checks, from the browser's session", arguments: [TestDatabase.sqlite])
    func liveCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let actor = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 5)), actor: actor, by: .cli("t"))
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/usulan/baru", headers: rt.headers) { res in
                #expect(res.body.string.contains("data-village=\"33.75.01.1002\" data-rt=\"003\" data-rw=\"005\""))
            }
            var headers = rt.headers
            headers.add(name: "X-CSRF-Token", value: rt.csrf)
            try await app.testing().test(.POST, "/api/v1/proposals/check", headers: headers, beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 5)))
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("duplicate_in_program"))
            }
        }
    }
}
