import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A one-time activation code of a user (only its SHA-256 is stored).
final class ActivationCodeModel: Model, @unchecked Sendable {
    static let schema = "activation_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}

    /// A new code for a user, valid `ActivationCode.validDays` from `now`.
    init(userID: UUID, plain: String, now: Date, by who: String) {
        self.id = UUID()
        self.userID = userID
        self.codeHash = ActivationCodes.hash(ActivationCode.normalise(plain) ?? plain)
        self.expiresAt = now.addingTimeInterval(Double(ActivationCode.validDays) * 86_400)
        self.createdAt = now
        self.createdBy = who
    }
}

struct CreateActivationCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("activation_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .create()
        try await database.sql.create(index: "activation_codes_user_idx").on("activation_codes").column("user_id").run()
        try await database.schema("users").field("phone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("activation_codes").delete()
        try await database.schema("users").deleteField("phone").update()
    }
}

/// A password hash no password matches: an onboarded account waits for its
/// activation code. (`UserDirectory.signIn` refuses it like a wrong password.)
enum PendingActivation {
    static let marker = "!activation-pending"
    static func isPending(_ hash: String) -> Bool { hash.hasPrefix("!") }
}

/// Storing, checking and consuming activation codes. A code is 48 random
/// bits, so a fast hash (SHA-256) is enough: guessing is bounded by the
/// attempt limits on `/aktivasi`, not by the hash's cost, and a thousand
/// codes are stored in milliseconds rather than bcrypt's minutes.
enum ActivationCodes {
    static func hash(_ compact: String) -> String {
        SHA256.hash(data: Data(compact.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the code is the user's, unused and unexpired (a cheap read,
    /// done before the new password is hashed).
    static func isValid(_ compact: String, for userID: UUID, now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.select().column("id").from(ActivationCodeModel.schema)
            .where("user_id", .equal, userID).where("code_hash", .equal, hash(compact))
            .where("used_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, now)
            .first() != nil
    }

    /// Marks the code used, atomically: of two requests with the same code
    /// only one gets `true`.
    static func consume(_ compact: String, for userID: UUID, now: Date, on db: any Database) async throws -> Bool {
        let used = try await db.sql.raw("""
            UPDATE activation_codes SET used_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: hash(compact))
            AND used_at IS NULL AND expires_at > \(bind: now) RETURNING id
            """).all()
        return !used.isEmpty
    }

    /// Issues a new code for one user; their earlier codes stop working.
    static func reissue(userID: UUID, now: Date, by actor: AuditActor, on db: any Database) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let plain = ActivationCode.make(using: &generator)
        try await db.transaction { tx in
            try await tx.sql.update(ActivationCodeModel.schema).set("used_at", to: now)
                .where("user_id", .equal, userID).where("used_at", .is, SQLLiteral.null).run()
            try await ActivationCodeModel(userID: userID, plain: plain, now: now, by: actor.username).create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.activation_code", entity: "user", entityID: userID.uuidString,
                regionCode: try await primaryRegion(of: userID, on: tx)), by: actor)
        }
        return plain
    }

    /// The widest region of a user's grants, for the audit entry.
    static func primaryRegion(of userID: UUID, on db: any Database) async throws -> String? {
        try await AccessQueries(db: db).grants(of: userID).map(\.regionCode).min { $0.count < $1.count }
    }
}
