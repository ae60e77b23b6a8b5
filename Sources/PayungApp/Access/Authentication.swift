import Fluent
import Foundation
import PayungCore
import Vapor

/// The signed-in user of a request and how they proved it.
struct Authenticated: Sendable {
    enum Method: Sendable { case session, token }

    let userID: UUID
    let displayName: String
    let actor: Actor
    let method: Method
}

extension Request {
    private struct AuthenticatedKey: StorageKey { typealias Value = Authenticated }

    var authenticated: Authenticated? {
        get { storage[AuthenticatedKey.self] }
        set { storage[AuthenticatedKey.self] = newValue }
    }

    /// The actor, or 401 (API) / a redirect to the login page (web).
    func requireActor() throws -> Actor {
        guard let actor = authenticated?.actor else { throw AccessError.notAuthenticated }
        return actor
    }
}

/// Session keys and lifetimes.
enum SessionKeys {
    static let userID = "user_id"
    static let loginAt = "login_at"
    static let csrf = "csrf"
    /// A web session ends this long after login, whatever the cookie says.
    static let maxAge: TimeInterval = 12 * 3600
}

/// Finds who is calling: a bearer token (API) or the session cookie (web).
/// A bearer token that is wrong, expired or revoked is refused at once (401).
struct ActorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let now = request.application.clock.now()
        let queries = AccessQueries(db: request.db)
        if let bearer = request.headers.bearerAuthorization {
            guard let auth = try await queries.authenticate(token: bearer.token, now: now) else {
                throw AccessError.notAuthenticated
            }
            request.authenticated = auth
        } else if request.hasSession, let id = request.session.data[SessionKeys.userID].flatMap(UUID.init(uuidString:)) {
            let loginAt = request.session.data[SessionKeys.loginAt].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            if let loginAt, now.timeIntervalSince(loginAt) < SessionKeys.maxAge,
               let auth = try await queries.authenticated(userID: id, method: .session) {
                request.authenticated = auth
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

/// Guards routes that need a signed-in user: 401 in the API, a redirect to
/// the login page on the web.
struct RequireAuthenticationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.authenticated != nil else {
            if request.url.path.hasPrefix("/api/") { throw AccessError.notAuthenticated }
            let target = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
            return request.redirect(to: WebPath.login.path + "?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        return try await next.respond(to: request)
    }
}

/// Cross-site request forgery protection for every state-changing request
/// that rides on the session cookie: forms carry `_csrf`, scripts send
/// `X-CSRF-Token`. Bearer-token API calls carry no cookie and need neither.
/// Runs after `ActorMiddleware`.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let safe = [HTTPMethod.GET, .HEAD, .OPTIONS].contains(request.method)
        // API calls ride on a cookie only when a session signed them in;
        // without one they are either bearer calls or unauthenticated (401 later).
        let ridesOnCookie = request.url.path.hasPrefix("/api/") ? request.authenticated?.method == .session : true
        if !safe, ridesOnCookie, request.headers.bearerAuthorization == nil {
            let invalid = AppError(code: "csrf_invalid",
                                   message: "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
                                   kind: .forbidden)
            // No session, no token to compare with: refused before a byte of the body is read.
            guard let expected = request.hasSession ? request.session.data[SessionKeys.csrf] : nil else { throw invalid }
            // The token is in the body: collect it first, bounded. Before sign-in
            // only small forms (the login form) are taken, so an anonymous
            // client cannot make the server hold large bodies.
            let limit = Self.bodyLimit(signedIn: request.authenticated != nil,
                                       multipart: request.headers.contentType?.type == "multipart")
            if let declared = request.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
                throw Abort(.payloadTooLarge)
            }
            let sent: String?
            if let header = request.headers.first(name: "X-CSRF-Token") {
                sent = header
            } else {
                _ = try await request.body.collect(max: limit).get()
                sent = try? request.content.get(String.self, at: "_csrf")
            }
            guard let sent, constantTimeEqual(expected, sent) else { throw invalid }
        }
        return try await next.respond(to: request)
    }

    /// Bytes of a cookie-borne form body read to find its CSRF token.
    static func bodyLimit(signedIn: Bool, multipart: Bool) -> Int {
        guard signedIn else { return 16 * 1024 }
        return multipart ? APIOperation.spreadsheetMaxSize.value : 1024 * 1024
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

enum CSRF {
    /// The session's CSRF token, made on first use (this starts a session).
    static func token(for request: Request) -> String {
        if request.hasSession || request.authenticated != nil, let token = request.session.data[SessionKeys.csrf] {
            return token
        }
        let token = SecureRandom.token(bytes: 24)
        request.session.data[SessionKeys.csrf] = token
        return token
    }
}

enum SecureRandom {
    /// URL-safe random text from the system's cryptographic generator.
    static func token(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
