import Vapor

/// Bcrypt hashing off the event loop. The cost is configurable so tests run
/// fast with the real algorithm (`PAYUNG_BCRYPT_COST`, default 12).
struct PasswordHashing: Sendable {
    let app: Application

    func hash(_ password: String) async throws -> String {
        try await app.password.async.hash(password).get()
    }

    func verify(_ password: String, against digest: String) async throws -> Bool {
        try await app.password.async.verify(password, created: digest).get()
    }

    /// Passwords: at least 10 characters (NIST SP 800-63B favours length over rules).
    static func isStrongEnough(_ password: String) -> Bool { password.count >= 10 }
}
