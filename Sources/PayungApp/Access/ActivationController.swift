import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// First login of an onboarded person: their username and the code from the
/// printed list, then a password of their own. Unknown user, wrong code,
/// used or expired code: one answer, and attempts are limited.
struct ActivationController {
    static let path = WebPath("/aktivasi")

    func register(public web: any RoutesBuilder) {
        web.get(Self.path.components, use: page)
        web.post(Self.path.components, use: activate)
    }

    struct Context: Encodable {
        let page: PageContext
        var username = ""
        var error: String? = nil
    }

    struct Form: Content {
        var username: String?
        var code: String?
        var password: String?
        var confirmPassword: String?
    }

    private func page(_ req: Request) async throws -> View {
        try await req.view.render("access/activate", Context(page: PageContext(title: "Aktivasi akun", request: req, needsCSRF: true)))
    }

    private func activate(_ req: Request) async throws -> Response {
        let form = try req.content.decodeBounded(Form.self)
        let username = String((form.username ?? "").trimmingCharacters(in: .whitespaces).lowercased().prefix(100))
        func again(_ message: String, _ status: HTTPStatus) async throws -> Response {
            let response = try await req.view.render("access/activate", Context(
                page: PageContext(title: "Aktivasi akun", request: req, needsCSRF: true), username: username, error: message))
                .encodeResponse(for: req)
            response.status = status
            return response
        }
        let password = form.password ?? ""
        guard password.count <= 200, PasswordHashing.isStrongEnough(password) else {
            return try await again("Kata sandi baru minimal 10 karakter.", .unprocessableEntity)
        }
        guard password == form.confirmPassword else { return try await again("Kedua kata sandi tidak sama. Ketik ulang.", .unprocessableEntity) }
        let now = req.application.clock.now()
        let limiters = req.application.rateLimiters
        let address = req.clientAddress
        if let wait = limiters.failedActivationsPerAddress.retryAfter(address, now: now)
            ?? limiters.failedActivationsPerUser.retryAfter(username, now: now) {
            throw RateLimited(code: "activation_rate_limited",
                              message: "Terlalu banyak percobaan aktivasi yang salah. Coba lagi dalam \((wait + 59) / 60) menit.", retryAfter: wait)
        }
        let wrong = "Nama pengguna atau kode aktivasi salah, atau kodenya sudah dipakai atau kedaluwarsa. Periksa daftar dari admin dinas."
        guard let compact = ActivationCode.normalise(form.code ?? ""),
              let user = try await AccessQueries(db: req.db).user(username: username), user.isActive
        else {
            limiters.failedActivationsPerAddress.hit(address, now: now)
            limiters.failedActivationsPerUser.hit(username, now: now)
            return try await again(wrong, .unauthorized)
        }
        // The code is checked before the password is hashed, so an unknown
        // user and a wrong code cost the same time and get the same answer.
        let userID = user.id!
        guard try await ActivationCodes.isValid(compact, for: userID, now: now, on: req.db) else {
            limiters.failedActivationsPerAddress.hit(address, now: now)
            limiters.failedActivationsPerUser.hit(username, now: now)
            return try await again(wrong, .unauthorized)
        }
        let hash = try await PasswordHashing(app: req.application).hash(password)
        let activated = try await req.db.transaction { tx -> Bool in
            // Consumed atomically: two tabs with the same code cannot both use it.
            guard try await ActivationCodes.consume(compact, for: userID, now: now, on: tx) else { return false }
            try await tx.sql.update("users").set("password_hash", to: hash).set("password_changed_at", to: now)
                .set("failed_logins", to: 0).set("locked_until", to: SQLLiteral.null).where("id", .equal, userID).run()
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.activated", entity: "user", entityID: userID.uuidString,
                regionCode: try await ActivationCodes.primaryRegion(of: userID, on: tx)),
                by: AuditActor(userID: userID, username: user.username, source: "web"))
            return true
        }
        guard activated else {
            limiters.failedActivationsPerAddress.hit(address, now: now)
            limiters.failedActivationsPerUser.hit(username, now: now)
            return try await again(wrong, .unauthorized)
        }
        return req.redirect(to: WebPath.login.path + "?ok=activated")
    }
}
