import Fluent
import PayungCore
import Vapor

/// Signing in and out, and the user's own account: password and API tokens.
struct SessionController {
    struct LoginForm: Content {
        let username: String
        let password: String
        var next: String?
    }

    struct PasswordForm: Content {
        let oldPassword: String
        let newPassword: String
        let confirmPassword: String
    }

    struct TokenForm: Content {
        let name: String
        var days: Int?
    }

    func register(public web: any RoutesBuilder, protected: any RoutesBuilder) {
        web.get(WebPath.login.components, use: loginPage)
        web.post(WebPath.login.components, use: login)
        protected.post(WebPath.logout.components, use: logout)
        protected.get(WebPath.account.components, use: accountPage)
        protected.post(WebPath.accountPassword.components, use: changePassword)
        protected.post(WebPath.accountTokens.components, use: createToken)
        protected.post(WebPath.accountTokens.components + [":tokenID", "cabut"], use: revokeToken)
    }

    struct LoginContext: Encodable {
        let page: PageContext
        let next: String
        var username = ""
        var error: String? = nil
    }

    private func loginPage(_ req: Request) async throws -> Response {
        if req.authenticated != nil { return req.redirect(to: WebPath.home.path) }
        let next = safeNext(try? req.query.get(String.self, at: "next"))
        return try await req.view.render("access/login", LoginContext(
            page: PageContext(title: "Masuk", request: req, needsCSRF: true), next: next)).encodeResponse(for: req)
    }

    private func login(_ req: Request) async throws -> Response {
        let form = try req.content.decodeBounded(LoginForm.self)
        guard form.username.count <= 100, form.password.count <= 200 else {
            throw AppError.invalid("login_input_too_long", "Nama pengguna atau kata sandi terlalu panjang.")
        }
        let directory = req.userDirectory
        let address = req.clientAddress
        let limiter = req.application.rateLimiters.failedLoginsPerAddress
        let now = req.application.clock.now()
        if let wait = limiter.retryAfter(address, now: now) {
            throw RateLimited(code: "login_rate_limited",
                              message: "Terlalu banyak percobaan masuk yang gagal dari alamat ini. Coba lagi dalam \((wait + 59) / 60) menit.",
                              retryAfter: wait)
        }
        do {
            let user = try await directory.signIn(username: form.username, password: form.password, by: req.auditActor)
            // A fresh session id at sign-in (no session fixation); the CSRF token is renewed too.
            if let old = req.session.id {
                _ = try? await req.application.sessions.driver.deleteSession(old, for: req).get()
            }
            req.session.id = nil
            req.session.data = SessionData()
            req.session.data[SessionKeys.userID] = user.id!.uuidString
            req.session.data[SessionKeys.loginAt] = String(req.application.clock.now().timeIntervalSince1970)
            req.session.data[SessionKeys.csrf] = SecureRandom.token(bytes: 24)
            return req.redirect(to: safeNext(form.next))
        } catch let error as AccessError {
            if error == .invalidCredentials { limiter.hit(address, now: now) }
            let context = LoginContext(page: PageContext(title: "Masuk", request: req, needsCSRF: true),
                                       next: safeNext(form.next), username: form.username, error: error.message)
            let response = try await req.view.render("access/login", context).encodeResponse(for: req)
            response.status = error == .invalidCredentials ? .unauthorized : .forbidden
            return response
        }
    }

    private func logout(_ req: Request) async throws -> Response {
        try await req.audit.record(AuditEntry(action: "session.logout", entity: "user",
                                              entityID: req.authenticated?.userID.uuidString), by: req.auditActor)
        req.session.destroy()
        return req.redirect(to: WebPath.login.path + "?ok=logged_out")
    }

    struct AccountContext: Encodable {
        struct TokenRow: Encodable {
            let id: String
            let name: String
            let created: String
            let expires: String
            let status: String
            let active: Bool
        }
        let page: PageContext
        let username: String
        let roles: [String]
        let tokens: [TokenRow]
        var newToken: String? = nil
        var error: String? = nil
        /// The password field the error is about, marked on the page (`aria-invalid`, `autofocus`).
        var errorField: String? = nil
    }

    /// The account's grants in words ("Ketua RT 003/RW 005, Kelurahan Medono").
    static func grantLabels(_ grants: [RoleGrant], db: any Database) async throws -> [String] {
        let names = try await RegionQueries(db: db).names(of: grants.map(\.region.dotted))
        return grants.map { $0.label(regionName: names[$0.region.dotted]) }
    }

    private func accountContext(_ req: Request, newToken: String? = nil, error: String? = nil) async throws -> AccountContext {
        let auth = try req.requireAuthenticated()
        let now = req.application.clock.now()
        let tokens = try await AccessQueries(db: req.db).tokens(of: auth.userID).map { t in
            let status = t.revokedAt != nil ? "dicabut" : (t.expiresAt <= now ? "kedaluwarsa" : "aktif")
            return AccountContext.TokenRow(id: t.id!.uuidString, name: t.name, created: CalendarDate(t.createdAt).indonesian,
                                           expires: CalendarDate(t.expiresAt).indonesian, status: status, active: status == "aktif")
        }
        return AccountContext(page: PageContext(title: "Akun", request: req), username: auth.actor.username,
                              roles: try await Self.grantLabels(auth.actor.grants, db: req.db), tokens: tokens, newToken: newToken, error: error)
    }

    private func accountPage(_ req: Request) async throws -> View {
        try await req.view.render("access/account", try await accountContext(req))
    }

    private func changePassword(_ req: Request) async throws -> Response {
        let auth = try req.requireAuthenticated()
        let form = try req.content.decodeBounded(PasswordForm.self)
        do {
            guard form.newPassword == form.confirmPassword else {
                throw AppError.invalid("password_confirmation_mismatch", "Konfirmasi kata sandi baru tidak sama.")
            }
            try await req.userDirectory.setPassword(form.newPassword, userID: auth.userID, oldPassword: form.oldPassword,
                                                    manager: nil, by: req.auditActor)
            return req.redirect(to: WebPath.account.path + "?ok=password_changed")
        } catch let error as any DomainError {
            var context = try await accountContext(req, error: error.message)
            context.errorField = ["password_mismatch": "oldPassword", "password_too_weak": "newPassword",
                                  "password_confirmation_mismatch": "confirmPassword"][error.code]
            let view = try await req.view.render("access/account", context)
            let response = try await view.encodeResponse(for: req)
            response.status = .unprocessableEntity
            return response
        }
    }

    private func createToken(_ req: Request) async throws -> View {
        let auth = try req.requireAuthenticated()
        let form = try req.content.decodeBounded(TokenForm.self)
        do {
            let (_, plain) = try await req.userDirectory.createToken(for: auth.userID, name: form.name, days: form.days ?? 90,
                                                                     manager: nil, by: req.auditActor)
            return try await req.view.render("access/account", try await accountContext(req, newToken: plain))
        } catch let error as any DomainError {
            return try await req.view.render("access/account", try await accountContext(req, error: error.message))
        }
    }

    private func revokeToken(_ req: Request) async throws -> Response {
        let auth = try req.requireAuthenticated()
        guard let id = req.parameters.get("tokenID", as: UUID.self) else { throw AppError.notFound("Token") }
        try await req.userDirectory.revokeToken(id, ownerMustBe: auth.userID, manager: nil, by: req.auditActor)
        return req.redirect(to: WebPath.account.path + "?ok=token_revoked")
    }

    /// Only local paths, so a crafted link cannot send a user elsewhere after login.
    private func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return WebPath.home.path }
        return next
    }
}

extension Request {
    var userDirectory: UserDirectory {
        UserDirectory(db: db, now: application.clock.now(), passwords: PasswordHashing(app: application))
    }

    func requireAuthenticated() throws -> Authenticated {
        guard let auth = authenticated else { throw AccessError.notAuthenticated }
        return auth
    }
}
