import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Access in the browser: login, lockout, admin pages, audit page")
struct WebAccessTests {
    @Test("login sets a HttpOnly SameSite=Lax cookie; wrong passwords lock the account", arguments: TestDatabase.available)
    func loginAndLockout(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            var browser = BrowserSession()
            try await app.testing().test(.GET, "/masuk") { res in
                #expect(res.status == .ok)
                let cookie = try #require(res.headers.setCookie?["payung_session"])
                #expect(cookie.isHTTPOnly && cookie.sameSite == .lax)
                browser.absorb(res)
            }
            let anonymousCookie = browser.cookie
            // Without the CSRF token the form is refused.
            try await app.testing().test(.POST, "/masuk", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["username": "kel.medono", "password": "rahasia-sekali"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .forbidden) }
            for attempt in 1...5 {
                try await app.testing().test(.POST, "/masuk", headers: browser.headers, beforeRequest: { req in
                    try req.content.encode(["username": "kel.medono", "password": "salah-\(attempt)", "_csrf": browser.csrf], as: .urlEncodedForm)
                }) { res in
                    #expect(res.status == .unauthorized)
                    #expect(res.body.string.contains("Nama pengguna atau kata sandi salah"))
                }
            }
            // Locked now, even with the right password; answered like a wrong password.
            try await app.testing().test(.POST, "/masuk", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["username": "kel.medono", "password": "rahasia-sekali", "_csrf": browser.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("Nama pengguna atau kata sandi salah"))
                #expect(res.headers.setCookie?["payung_session"] == nil || !res.body.string.contains("Keluar"))
            }
            app.clock = .fixed(testNow.addingTimeInterval(16 * 60))
            let signedIn = try await BrowserSession.login(app, "kel.medono")
            #expect(signedIn.cookie != anonymousCookie, "a new session id after login")
            try await app.testing().test(.GET, "/akun", headers: signedIn.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Verifikator kelurahan/desa, Kelurahan Medono"))
            }
            try await app.testing().test(.POST, "/keluar", headers: signedIn.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": signedIn.csrf], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, "/akun", headers: signedIn.headers) { res in
                #expect(res.status == .seeOther)
            }
            let failures = try await AuditQueries(db: app.db).list(
                AuditFilterBuilder.make(action: "session.login_failed"),
                scopes: [AccessScope(region: RegionCode("33.75")!, rt: nil, rw: nil)], page: PageRequest())
            #expect(failures.total == 6)
        }
    }

    @Test("an admin creates a user and adds a role through the pages", arguments: TestDatabase.available)
    func adminPages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("admin.pekalongan", .admin, "33.75")
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            let admin = try await BrowserSession.login(app, "admin.pekalongan")
            try await app.testing().test(.GET, "/admin/pengguna", headers: admin.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("kel.medono"))
                #expect(res.body.string.contains("2 pengguna"))
            }
            try await app.testing().test(.POST, "/admin/pengguna/baru", headers: admin.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": admin.csrf, "username": "rt.medono", "displayName": "Pak RT", "password": "pendek",
                                        "role": "rt", "region": "33.75.01.1002", "rt": "3", "rw": "5"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("Kata sandi minimal 10 karakter"))
                #expect(res.body.string.contains("value=\"rt.medono\""), "the form keeps what was typed")
            }
            var location = ""
            try await app.testing().test(.POST, "/admin/pengguna/baru", headers: admin.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": admin.csrf, "username": "rt.medono", "displayName": "Pak RT", "password": "rahasia-sekali",
                                        "role": "rt", "region": "33.75.01.1002", "rt": "3", "rw": "5"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasPrefix("/admin/pengguna/"))
            try await app.testing().test(.GET, location, headers: admin.headers) { res in
                #expect(res.body.string.contains("<td>Ketua RT 003/RW 005, Kelurahan Medono</td>"))
                #expect(res.body.string.contains("Pengguna dibuat."))
            }
            // Other roles do not get the admin pages.
            let verifier = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/admin/pengguna", headers: verifier.headers) { res in
                #expect(res.status == .forbidden)
                #expect(!res.body.string.contains("rt.medono"))
            }
        }
    }

    @Test("the auditor's page lists and filters the trail of their Pemda only", arguments: TestDatabase.available)
    func auditPage(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("auditor.pekalongan", .auditor, "33.75")
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.makeUser("op.jambi", .operator, "15.71")
            let auditor = try await BrowserSession.login(app, "auditor.pekalongan")
            try await app.testing().test(.GET, "/audit", headers: auditor.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("op.pekalongan"))
                #expect(!res.body.string.contains("op.jambi"))
            }
            try await app.testing().test(.GET, "/audit?action=token.&actor=system", headers: auditor.headers) { res in
                #expect(res.body.string.contains("token.create"))
                #expect(!res.body.string.contains("user.create"))
            }
        }
    }
}

/// Builds audit filters in tests without a request.
enum AuditFilterBuilder {
    static func make(action: String) -> AuditFilter {
        var filter = AuditFilter.empty
        filter.action = action
        return filter
    }
}
