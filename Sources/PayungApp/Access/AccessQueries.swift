import Vapor
import Fluent
import Foundation
import PayungCore
import SQLKit

/// Database access for users, role grants and tokens.
struct AccessQueries {
    let db: any Database

    func user(id: UUID) async throws -> UserModel? {
        try await UserModel.find(id, on: db)
    }

    func user(username: String) async throws -> UserModel? {
        try await UserModel.query(on: db).filter(\.$username == username.lowercased()).first()
    }

    func grants(of userID: UUID) async throws -> [RoleGrantModel] {
        try await RoleGrantModel.query(on: db).filter(\.$user.$id == userID)
            .sort(\.$role).sort(\.$regionCode).all()
    }

    /// The user as an actor, when active.
    func authenticated(userID: UUID, method: Authenticated.Method) async throws -> Authenticated? {
        guard let user = try await user(id: userID), user.isActive else { return nil }
        let grants = try await grants(of: userID).compactMap(\.coreGrant)
        return Authenticated(userID: userID, displayName: user.displayName,
                             actor: Actor(userID: userID.uuidString, username: user.username, grants: grants),
                             method: method)
    }

    /// The owner of a bearer token that is neither expired nor revoked.
    func authenticate(token: String, now: Date) async throws -> Authenticated? {
        guard let row = try await APITokenModel.query(on: db)
            .filter(\.$tokenHash == Self.hash(token: token))
            .filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now)
            .first()
        else { return nil }
        row.lastUsedAt = now
        try await row.update(on: db)
        return try await authenticated(userID: row.$user.id, method: .token)
    }

    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func tokens(of userID: UUID) async throws -> [APITokenModel] {
        try await APITokenModel.query(on: db).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all()
    }

    /// Users holding at least one grant inside the admin's scopes, by
    /// username, one page at a time. The scope is applied in SQL.
    func users(within scopes: [AccessScope], search: String?, page: PageRequest) async throws -> Page<UserModel> {
        guard !scopes.isEmpty else { return Page(items: [], page: page, total: 0) }
        func filtered() -> QueryBuilder<UserModel> {
            let query = UserModel.query(on: db)
            if let search, !search.isEmpty {
                query.group(.or) { $0.filter(\.$username ~~ search.lowercased()).filter(\.$displayName ~~ search) }
            }
            return query.filter(.sql(unsafeRaw: "users.id IN (SELECT user_id FROM role_grants WHERE \(Self.scopeCondition(scopes)))"))
        }
        let total = try await filtered().count()
        let items = try await filtered().sort(\.$username).range(page.offset..<(page.offset + page.size)).all()
        return Page(items: items, page: page, total: total)
    }

    /// `region_code = 'R' OR region_code LIKE 'R.%'` for each scope. Codes are
    /// validated `RegionCode`s (digits and dots only), so inlining them is safe.
    static func scopeCondition(_ scopes: [AccessScope], column: String = "region_code") -> String {
        scopes.map { "(\(column) = '\($0.region.dotted)' OR \(column) LIKE '\($0.region.dotted).%')" }
            .joined(separator: " OR ")
    }
}

extension RoleGrantModel {
    /// The grant as the core understands it; `nil` for a row no longer valid.
    var coreGrant: RoleGrant? {
        guard let role = Role(rawValue: role), let region = RegionCode(regionCode) else { return nil }
        return try? RoleGrant(role: role, region: region, rt: rt, rw: rw)
    }
}

extension AccessQueries {
    // MARK: Failed logins

    func lockedUntil(_ userID: UUID) async throws -> Date? {
        try await UserModel.find(userID, on: db)?.lockedUntil
    }

    func clearFailedLogins(_ userID: UUID) async throws {
        try await db.sql.raw("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: userID)").run()
    }

    /// Counts one failed login in one statement (parallel failures all
    /// count) and locks the account when the count reaches `limit`. A lock
    /// that has run out starts a fresh count. Returns whether the account is
    /// now locked.
    func countFailedLogin(_ userID: UUID, now: Date, limit: Int, lockUntil: Date) async throws -> Bool {
        struct Row: Decodable { let failed_logins: Int }
        let row = try await db.sql.raw("""
            UPDATE users SET
              failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= \(bind: now) THEN 1 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= \(bind: now) THEN NULL
                                  WHEN locked_until IS NULL AND failed_logins + 1 >= \(bind: limit) THEN \(bind: lockUntil)
                                  ELSE locked_until END
            WHERE id = \(bind: userID) RETURNING failed_logins
            """).first(decoding: Row.self)
        return (row?.failed_logins ?? 0) >= limit
    }
}
