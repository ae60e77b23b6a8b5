import Foundation
import PayungCore
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

/// Users and credentials for tests.
extension Application {
    var testDirectory: UserDirectory {
        UserDirectory(db: db, now: clock.now(), passwords: PasswordHashing(app: self))
    }

    /// Creates a user with one role and returns a bearer token for them.
    @discardableResult
    func makeUser(_ username: String, _ role: Role, _ region: String, rt: String? = nil, rw: String? = nil,
                  password: String = "rahasia-sekali") async throws -> (user: UserModel, token: String) {
        let user = try await testDirectory.create(username: username, displayName: username.capitalized, password: password,
                                                  grants: [GrantInput(role: role.rawValue, region: region, rt: rt, rw: rw)],
                                                  manager: nil, by: .cli("test"))
        let (_, token) = try await testDirectory.createToken(for: user.id!, name: "test", days: 30, manager: nil, by: .cli("test"))
        return (user, token)
    }

    /// Loads the pilot regions fixture.
    func loadPilotRegions() async throws {
        _ = try await RegionImporter(db: db).importFile(at: Fixtures.pilotRegions)
    }
}

extension HTTPHeaders {
    static func bearer(_ token: String) -> HTTPHeaders {
        ["Authorization": "Bearer \(token)"]
    }
}

/// A browser's session: cookie jar and the page's CSRF token.
struct BrowserSession {
    var cookie: String = ""
    var csrf: String = ""

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        let match = String(html[range])
        return match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }

    mutating func absorb(_ res: TestingHTTPResponse) {
        if let value = res.headers.setCookie?["payung_session"]?.string { cookie = value }
        if let token = Self.csrf(in: res.body.string) { csrf = token }
    }

    var headers: HTTPHeaders { cookie.isEmpty ? [:] : ["Cookie": "payung_session=\(cookie)"] }

    /// Signs in through the login form, as a browser does.
    static func login(_ app: Application, _ username: String, _ password: String = "rahasia-sekali") async throws -> BrowserSession {
        var session = BrowserSession()
        try await app.testing().test(.GET, "/masuk") { res in session.absorb(res) }
        try await app.testing().test(.POST, "/masuk", headers: session.headers, beforeRequest: { req in
            try req.content.encode(["username": username, "password": password, "_csrf": session.csrf], as: .urlEncodedForm)
        }) { res in
            #expect(res.status == .seeOther, "login of \(username) failed: \(res.status)")
            session.absorb(res)
        }
        try await app.testing().test(.GET, "/akun", headers: session.headers) { res in session.absorb(res) }
        return session
    }
}
