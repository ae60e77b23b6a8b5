import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("The RT head's form helps: errors at their fields, phones in one form, the live check")
struct ProposalFormTests {
    /// The form an RT head in Medono fills in, with `changes` applied.
    static func fields(_ program: ProgramModel, _ csrf: String, _ changes: [String: String] = [:]) -> [String: String] {
        ["_csrf": csrf, "programID": program.id!.uuidString, "nik": testNIK(serial: 1), "name": "Siti Aminah",
         "occupation": "batik_labourer", "street": "Gang Mawar 3", "phone": "0812-3456-7890", "heirName": "Ahmad",
         "heirRelation": "suami", "heirPhone": "", "submit": "1"].merging(changes) { $1 }
    }

    static func rtSession(_ app: Application) async throws -> (BrowserSession, Actor) {
        let (user, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let actor = try #require(try await AccessQueries(db: app.db).authenticated(userID: user.id!, method: .token)).actor
        return (try await BrowserSession.login(app, "rt.medono"), actor)
    }

    @Test("a bad NIK and a bad phone come back marked at exactly those fields, the first focused, the typed values kept",
          arguments: TestDatabase.available)
    func fieldErrors(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (rt, _) = try await Self.rtSession(app)
            try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                try req.content.encode(Self.fields(program, rt.csrf, ["nik": "3375014506", "phone": "12345"]), as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unprocessableEntity)
                #expect(page.invalidFields == ["nik", "phone"])
                #expect(page.focused == ["nik"])
                for id in ["nik", "phone"] {
                    #expect(page.control(id)?.contains("aria-describedby=\"\(id)-error\"") == true)
                    #expect(page.control(id)?.contains("class=\"invalid\"") == true)
                }
                #expect(page.html.contains("<p class=\"field-error\" id=\"phone-error\">Nomor telepon tidak dikenali"))
                #expect(page.html.contains("<p class=\"field-error\" id=\"nik-error\">NIK"))
                // The summary at the top links each error to its field.
                #expect(page.html.contains("id=\"error-summary\""))
                #expect(page.html.contains("<a href=\"#nik\">NIK") && page.html.contains("<a href=\"#phone\">Nomor telepon"))
                // What was typed is still there.
                #expect(page.control("nik")?.contains("value=\"3375014506\"") == true)
                #expect(page.control("phone")?.contains("value=\"12345\"") == true)
                #expect(page.control("name")?.contains("value=\"Siti Aminah\"") == true)
                #expect(page.control("street")?.contains("value=\"Gang Mawar 3\"") == true)
                #expect(page.html.contains("<option value=\"suami\" selected>Suami</option>"))
                #expect(page.html.contains("<option value=\"batik_labourer\" selected>"))
            }
            #expect(try await ProposalModel.query(on: app.db).count() == 0)
            // No program chosen: the program field is the one marked.
            try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                try req.content.encode(Self.fields(program, rt.csrf, ["programID": ""]), as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unprocessableEntity)
                #expect(page.invalidFields == ["programID"] && page.focused == ["programID"])
                #expect(page.html.contains("id=\"programID-error\">Pilih program."))
            }
        }
    }

    @Test("the correction form marks its fields the same way; the NIK stays as proposed", arguments: [TestDatabase.sqlite])
    func correctionErrors(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (rt, actor) = try await Self.rtSession(app)
            let (draft, _) = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 1), submit: false),
                                                                 actor: actor, by: .cli("t"))
            let path = "/usulan/\(draft.id!.uuidString)/ubah"
            try await app.testing().test(.GET, path, headers: rt.headers) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .ok)
                #expect(page.control("nik")?.contains("readonly") == true)
                #expect(!page.html.contains("data-nik-check"))
                #expect(page.invalidFields.isEmpty && page.focused.isEmpty)
            }
            try await app.testing().test(.POST, path, headers: rt.headers, beforeRequest: { req in
                try req.content.encode(Self.fields(program, rt.csrf, ["name": "", "heirPhone": "0812"]), as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unprocessableEntity)
                #expect(page.invalidFields == ["name", "heirPhone"])
                #expect(page.focused == ["name"])
                #expect(page.html.contains("id=\"heirPhone-error\">Nomor telepon ahli waris tidak dikenali"))
                #expect(page.html.contains("action=\"\(path)\""))
                #expect(page.control("heirPhone")?.contains("value=\"0812\"") == true)
                #expect(page.control("nik")?.contains("readonly") == true)
            }
            #expect(try await WorkerModel.query(on: app.db).first()?.phone == nil)
            try await app.testing().test(.POST, path, headers: rt.headers, beforeRequest: { req in
                try req.content.encode(Self.fields(program, rt.csrf, ["phone": "+62 812-3456-7890", "heirPhone": "62 813 1111 2222"]),
                                       as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            let worker = try #require(try await WorkerModel.query(on: app.db).first())
            #expect(worker.phone == "081234567890")
            #expect(try await HeirModel.query(on: app.db).filter(\.$workerID == worker.id!).first()?.phone == "081311112222")
        }
    }

    @Test("phones are stored in one form from the form and the API; a bad one is refused with phone_invalid",
          arguments: TestDatabase.available)
    func phones(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (_, token) = try await app.makeUser("rt.api", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (rt, _) = try await Self.rtSession(app)
            try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                try req.content.encode(Self.fields(program, rt.csrf, ["phone": "+62 812-3456-7890", "heirPhone": "0812 9999 1111"]),
                                       as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 1)).first())
            #expect(worker.phone == "081234567890")
            #expect(try await HeirModel.query(on: app.db).filter(\.$workerID == worker.id!).first()?.phone == "081299991111")

            var input = proposalInput(program: program, nik: testNIK(serial: 2))
            input.phone = "+62 812-3456-7890"
            input.heirs = [HeirInput(name: "Ahmad", relation: "suami", phone: "+62 (0)857 1234 5678")]
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in #expect(res.status == .created, "\(res.body.string)") }
            let apiWorker = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 2)).first())
            #expect(apiWorker.phone == "081234567890")
            #expect(try await HeirModel.query(on: app.db).filter(\.$workerID == apiWorker.id!).first()?.phone == "085712345678")

            input = proposalInput(program: program, nik: testNIK(serial: 3))
            input.phone = "0812"
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("Nomor telepon tidak dikenali"))
            }
            try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in
                let result = try res.content.decode(CheckResultDTO.self)
                #expect(!result.ok)
                #expect(result.issues.map(\.code) == ["phone_invalid"])
                #expect(result.issues.first?.field == "phone")
            }
            #expect(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 3)).count() == 0)
        }
    }

    @Test("the live check asks the server's entry checks from the browser's session: duplicates, outside the Pemda, age; only in the RT's own area; rate-limited",
          arguments: [TestDatabase.sqlite])
    func liveCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 5)
            let (rt, actor) = try await Self.rtSession(app)
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 5)), actor: actor, by: .cli("t"))
            try await app.testing().test(.GET, "/usulan/baru", headers: rt.headers) { res in
                let html = res.body.string
                #expect(html.contains("data-nik-check data-village=\"33.75.01.1002\" data-rt=\"003\" data-rw=\"005\""))
                #expect(html.contains("<output id=\"nik-result\" for=\"nik\" class=\"muted\" aria-live=\"polite\">"))
                #expect(html.contains("<script src=\"/js/nik-check.js\" defer></script>"))
                #expect(FormPage(html).control("nik")?.contains("inputmode=\"numeric\"") == true)
                #expect(FormPage(html).control("phone")?.contains("type=\"tel\"") == true)
            }
            var headers = rt.headers
            headers.add(name: "X-CSRF-Token", value: rt.csrf)
            func check(_ nik: String, village: String = "33.75.01.1002", headers: HTTPHeaders) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.internalServerError, "")
                try await app.testing().test(.POST, "/api/v1/proposals/check", headers: headers, beforeRequest: { req in
                    try req.content.encode(proposalInput(program: program, nik: nik, village: village))
                }) { res in result = (res.status, res.body.string) }
                return result
            }
            // The session's cookie alone is not enough: the script sends the page's CSRF token.
            let (noToken, noTokenBody) = try await check(testNIK(serial: 5), headers: rt.headers)
            #expect(noToken == .forbidden && noTokenBody.contains("csrf_invalid"))

            let (status, duplicate) = try await check(testNIK(serial: 5), headers: headers)
            #expect(status == .ok)
            #expect(duplicate.contains("duplicate_in_program") && duplicate.contains("NIK ini sudah ada di program"))
            let (_, outside) = try await check(testNIK(serial: 6, district: "157101"), headers: headers)
            #expect(outside.contains("nik_outside_pemda"))
            let (_, young) = try await check("3375014506150001", headers: headers)
            #expect(young.contains("age_out_of_bounds"))
            let (_, fine) = try await check(testNIK(serial: 7), headers: headers)
            #expect(fine.contains("\"ok\":true"))
            // Another kelurahan is not the RT head's to ask about.
            let (other, otherBody) = try await check(testNIK(serial: 5), village: "33.75.01.1003", headers: headers)
            #expect(other == .forbidden && otherBody.contains("outside_scope") && !otherBody.contains("duplicate"))

            var statuses: [HTTPStatus] = []
            var last = ""
            for serial in 100..<130 {
                let (s, body) = try await check(testNIK(serial: serial), headers: headers)
                statuses.append(s)
                last = body
            }
            #expect(statuses.filter { $0 == .ok }.count == 30 - 4)
            #expect(statuses.last == .tooManyRequests)
            #expect(last.contains("check_rate_limited") && last.contains("Terlalu banyak pemeriksaan"))
        }
    }
}

/// The controls of a rendered form, read the way a screen reader meets them.
struct FormPage {
    let html: String

    init(_ html: String) { self.html = html }

    /// The opening tag of every input and select, by id, in page order.
    var controls: [(id: String, tag: String)] {
        let pattern = #"<(input|select|textarea)\b[^>]*>"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            let tag = String(html[Range(match.range, in: html)!])
            guard let idRange = tag.range(of: #" id="[^"]+""#, options: .regularExpression) else { return nil }
            return (String(tag[idRange].dropFirst(5).dropLast()), tag)
        }
    }

    func control(_ id: String) -> String? { controls.first { $0.id == id }?.tag }
    var invalidFields: [String] { controls.filter { $0.tag.contains("aria-invalid=\"true\"") }.map(\.id) }
    var focused: [String] { controls.filter { $0.tag.contains(" autofocus") }.map(\.id) }
}
