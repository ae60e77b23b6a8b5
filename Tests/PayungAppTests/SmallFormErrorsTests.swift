import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Login, password change and the NIK check mark the field in error")
struct SmallFormErrorsTests {
    @Test("a wrong password: both fields described by the message, the password focused, the username kept", arguments: [TestDatabase.sqlite])
    func login(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("op.pkl", .operator, "33.75")
            var session = BrowserSession()
            try await app.testing().test(.GET, "/masuk") { res in
                session.absorb(res)
                let page = FormPage(res.body.string)
                #expect(page.focused == ["username"] && page.invalidFields.isEmpty)
            }
            try await app.testing().test(.POST, "/masuk", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["username": "op.pkl", "password": "salah-sekali", "_csrf": session.csrf], as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unauthorized)
                #expect(page.invalidFields == ["username", "password"])
                #expect(page.focused == ["password"])
                #expect(page.control("username")?.contains("aria-describedby=\"login-error\"") == true)
                #expect(page.control("username")?.contains("value=\"op.pkl\"") == true)
                #expect(page.control("password")?.contains("value=") == false)
                #expect(page.html.contains("id=\"login-error\">Nama pengguna atau kata sandi salah"))
            }
        }
    }

    @Test("a password change names the field that is wrong", arguments: [
        ("salah-sekali", "kata-sandi-baru-1", "kata-sandi-baru-1", "oldPassword", "Kata sandi lama salah."),
        ("rahasia-sekali", "pendek", "pendek", "newPassword", "Kata sandi minimal 10 karakter."),
        ("rahasia-sekali", "kata-sandi-baru-1", "kata-sandi-baru-2", "confirmPassword", "Konfirmasi kata sandi baru tidak sama."),
    ])
    func password(old: String, new: String, confirm: String, field: String, message: String) async throws {
        try await withTestApp(.sqlite) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("op.pkl", .operator, "33.75")
            let session = try await BrowserSession.login(app, "op.pkl")
            try await app.testing().test(.POST, "/akun/kata-sandi", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": session.csrf, "oldPassword": old, "newPassword": new, "confirmPassword": confirm],
                                       as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .unprocessableEntity)
                #expect(page.invalidFields == [field])
                #expect(page.focused == [field])
                #expect(page.control(field)?.contains("aria-describedby=\"\(field)-error\"") == true)
                #expect(page.html.contains("<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"))
                #expect(page.html.contains("<a href=\"#\(field)\">\(message)</a>"))
            }
        }
    }

    @Test("an invalid NIK on /cek-nik is marked at the field, the summary links to it; a valid one is not marked", arguments: [TestDatabase.sqlite])
    func nikCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("op.pkl", .operator, "33.75")
            let session = try await BrowserSession.login(app, "op.pkl")
            try await app.testing().test(.POST, "/cek-nik", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": session.csrf, "nik": "3375-0145"], as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(page.invalidFields == ["nik"] && page.focused == ["nik"])
                #expect(page.control("nik")?.contains("aria-describedby=\"nik-error\"") == true)
                #expect(page.control("nik")?.contains("value=\"3375-0145\"") == true)
                #expect(page.html.contains("<p class=\"field-error\" id=\"nik-error\">"))
                #expect(page.html.contains("<a href=\"#nik\">"))
            }
            try await app.testing().test(.POST, "/cek-nik", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": session.csrf, "nik": testNIK(serial: 1)], as: .urlEncodedForm)
            }) { res in
                let page = FormPage(res.body.string)
                #expect(res.status == .ok && res.body.string.contains("NIK valid."))
                #expect(page.invalidFields.isEmpty && page.focused.isEmpty)
            }
        }
    }
}
