import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

@Suite("Security headers: CSP everywhere, HSTS behind HTTPS, no inline script in templates")
struct SecurityHeadersTests {
    static let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    @Test("pages, API answers, 404s, thrown errors and 405s all carry the headers; no HSTS over plain HTTP")
    func headersOnEveryResponse() async throws {
        try await withTestApp(.sqlite) { app in
            #expect(SecurityHeadersMiddleware.contentSecurityPolicy == Self.csp)
            try await app.loadPilotRegions()
            let (_, token) = try await app.makeUser("operator", .operator, "33.75")
            func check(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], status: HTTPStatus,
                       body: String? = nil, _ more: @escaping @Sendable (TestingHTTPResponse) throws -> Void = { _ in }) async throws {
                try await app.testing().test(method, path, headers: headers, beforeRequest: { req in
                    if let body { req.body = ByteBuffer(string: body) }
                }) { res in
                    #expect(res.status == status, "\(method) \(path)")
                    #expect(res.headers.first(name: "Content-Security-Policy") == Self.csp, "\(method) \(path)")
                    #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                    #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
                    #expect(res.headers.first(name: "Strict-Transport-Security") == nil)
                    try more(res)
                }
            }
            try await check(.GET, "/", status: .ok)
            try await check(.GET, "/masuk", status: .ok)
            try await check(.GET, "/css/payung.css", status: .ok)
            try await check(.GET, "/health", status: .ok)
            try await check(.GET, "/tidak-ada", status: .notFound) { res in
                #expect(res.headers.contentType == .html)
            }
            try await check(.GET, "/api/v1/tidak-ada", status: .notFound) { res in
                let code = try res.content.decode(APIErrorBody.self).error.code; #expect(code == "not_found")
            }
            // Thrown by the authentication middleware and by a handler.
            try await check(.GET, "/api/v1/me", status: .unauthorized)
            try await check(.GET, "/api/v1/programs/bukan-uuid", headers: .bearer(token), status: .notFound)
            // A documented path with a method it does not have: 405 with Allow, and OPTIONS.
            try await check(.PUT, "/api/v1/nik/check", status: .methodNotAllowed) { res in
                #expect(res.headers.first(name: "Allow") == "POST, OPTIONS")
                let code = try res.content.decode(APIErrorBody.self).error.code; #expect(code == "method_not_allowed")
            }
            try await check(.DELETE, "/health", status: .methodNotAllowed) { res in
                #expect(res.headers.first(name: "Allow") == "GET, HEAD, OPTIONS")
            }
            try await check(.OPTIONS, "/api/v1/users/abc", status: .noContent) { res in
                #expect(res.headers.first(name: "Allow") == "GET, HEAD, OPTIONS")
            }
            // A constant path wins over a parameter beside it, as in the router.
            try await check(.OPTIONS, "/api/v1/proposals/bulk", status: .noContent) { res in
                #expect(res.headers.first(name: "Allow") == "POST, OPTIONS")
            }
            try await check(.GET, "/api/v1/proposals/bulk", headers: .bearer(token), status: .methodNotAllowed)
            // A JSON operation sent something else: 415, as the document says.
            var textPlain = HTTPHeaders.bearer(token)
            textPlain.contentType = .plainText
            try await check(.POST, "/api/v1/nik/check", headers: textPlain, status: .unsupportedMediaType, body: "nik=1") { res in
                let code = try res.content.decode(APIErrorBody.self).error.code; #expect(code == "unsupported_media_type")
            }
        }
    }

    @Test("the OpenAPI document lists the statuses the server answers: 401 for a bad token anywhere, 415, 405 in the description")
    func documentMatchesServer() async throws {
        try await withTestApp(.sqlite) { app in
            var document: [String: Any] = [:]
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                document = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
            }
            let paths = document["paths"] as! [String: [String: [String: Any]]]
            func statuses(_ method: String, _ path: String) -> Set<String> {
                Set((paths[path]?[method]?["responses"] as? [String: Any] ?? [:]).keys)
            }
            #expect(statuses("post", "/api/v1/nik/check").isSuperset(of: ["200", "400", "401", "403", "413", "415", "422", "500"]))
            #expect(statuses("get", "/api/v1/regions/{code}").isSuperset(of: ["200", "401", "404", "500"]))
            #expect(statuses("get", "/health") == ["200", "401", "503"])
            let info = (document["info"] as! [String: Any])["description"] as! String
            #expect(info.contains("405") && info.contains("Allow"))
            // A public operation still refuses a wrong token, in the error shape.
            try await app.testing().test(.GET, "/api/v1/regions", headers: .bearer("pyg_wrong")) { res in
                #expect(res.status == .unauthorized)
                let code = try res.content.decode(APIErrorBody.self).error.code; #expect(code == "unauthenticated")
            }
        }
    }

    @Test("HSTS only when PAYUNG_SECURE_COOKIES=1, on errors too")
    func strictTransportBehindHTTPS() async throws {
        try await withApp(configure: { app in
            try await configure(app, config: AppConfig(database: .sqliteMemory, rootDirectory: packageRoot,
                                                       bcryptCost: 4, secureCookies: true))
        }) { app in
            for (path, status) in [("/", HTTPStatus.ok), ("/tidak-ada", .notFound), ("/api/v1/me", .unauthorized)] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == status)
                    #expect(res.headers.first(name: "Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
                    #expect(res.headers.first(name: "Content-Security-Policy") == Self.csp)
                }
            }
        }
        #expect(try AppConfig.fromEnvironment(["PAYUNG_SECURE_COOKIES": "1"]).secureCookies)
        #expect(try !AppConfig.fromEnvironment([:]).secureCookies)
    }

    @Test("no template holds inline script, event handlers, inline style or javascript: URLs")
    func templatesObeyThePolicy() throws {
        let views = URL(fileURLWithPath: packageRoot).appendingPathComponent("Resources/Views")
        let files = try #require(FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        #expect(files.count > 10)
        let forbidden: [(String, String)] = [
            (#"<script(?![^>]*\ssrc=)"#, "inline <script> (put it in Public/js/)"),
            (#"<script[^>]*>[^<]*\S[^<]*</script>"#, "script body beside src"),
            (#"\son[a-z]+\s*=(?!=)"#, "inline event handler (use addEventListener in Public/js/)"),
            (#"\sstyle\s*=(?!=)"#, "inline style attribute (use a class in Public/css/)"),
            (#"<style[\s>]"#, "<style> element (use Public/css/)"),
            (#"javascript:"#, "javascript: URL"),
        ]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let name = file.path.replacingOccurrences(of: views.path + "/", with: "")
            for (pattern, what) in forbidden {
                let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                let hits = regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
                #expect(hits == 0, "\(name): \(what)")
            }
            // Every script a template loads is a file of Public/.
            let src = try NSRegularExpression(pattern: #"<script[^>]*\ssrc="(/[^"]+)""#)
            for match in src.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let path = String(text[Range(match.range(at: 1), in: text)!])
                #expect(FileManager.default.fileExists(atPath: packageRoot + "/Public" + path), "\(name): \(path) missing")
            }
        }
    }
}
