import Fluent
import Foundation
import PayungCore
import Vapor

/// What a role grant looks like on the way in (form, API, CLI), before it is
/// checked against the region list.
struct GrantInput: Content, Sendable {
    let role: String
    let region: String
    var rt: String? = nil
    var rw: String? = nil
}

/// User administration and sign-in. Every change is one transaction with its
/// audit row. `manager` is the admin acting (nil for the server's own CLI,
/// which runs with the machine owner's authority).
struct UserDirectory {
    let db: any Database
    let now: Date
    let passwords: PasswordHashing

    static let maxFailedLogins = 5
    static let lockout: TimeInterval = 15 * 60

    // MARK: Users

    func create(username rawUsername: String, displayName: String, password: String,
                grants inputs: [GrantInput], manager: Actor?, by actor: AuditActor) async throws -> UserModel {
        guard let username = UserError.validUsername(rawUsername) else { throw UserError.invalidUsername }
        let name = displayName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw UserError.displayNameMissing }
        guard PasswordHashing.isStrongEnough(password) else { throw AccessError.weakPassword }
        guard !inputs.isEmpty else { throw UserError.noRole }
        let grants = try await inputs.asyncMap { try await resolve($0, manager: manager) }
        let hash = try await passwords.hash(password)
        return try await db.transaction { tx in
            guard try await AccessQueries(db: tx).user(username: username) == nil else {
                throw UserError.usernameTaken(username)
            }
            let user = UserModel(username: username, displayName: name, passwordHash: hash, createdAt: now)
            try await user.create(on: tx)
            for grant in grants { try await RoleGrantModel(userID: user.id!, grant: grant).create(on: tx) }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.create", entity: "user", entityID: user.id!.uuidString, regionCode: grants.first?.region.dotted,
                changes: ["username": .init(old: nil, new: username), "display_name": .init(old: nil, new: name),
                          "roles": .init(old: nil, new: grants.map(\.label).joined(separator: "; "))]), by: actor)
            return user
        }
    }

    /// A user the manager may administer: every grant of theirs lies in the
    /// manager's `manage_users` scope. Others are "not found" (404).
    func manageable(_ id: UUID, manager: Actor?) async throws -> UserModel {
        guard let user = try await AccessQueries(db: db).user(id: id) else { throw AppError.notFound("Pengguna") }
        guard let manager else { return user }
        let grants = try await AccessQueries(db: db).grants(of: id)
        guard !grants.isEmpty, grants.allSatisfy({ grant in
            RegionCode(grant.regionCode).map { AccessPolicy.may(manager, .manageUsers, in: $0) } ?? false
        }) else { throw AppError.notFound("Pengguna") }
        return user
    }

    func addGrant(_ input: GrantInput, to userID: UUID, manager: Actor?, by actor: AuditActor) async throws {
        _ = try await manageable(userID, manager: manager)
        let grant = try await resolve(input, manager: manager)
        try await db.transaction { tx in
            try await RoleGrantModel(userID: userID, grant: grant).create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.grant_add", entity: "user", entityID: userID.uuidString, regionCode: grant.region.dotted,
                changes: ["role": .init(old: nil, new: grant.label)]), by: actor)
        }
    }

    func removeGrant(_ grantID: UUID, from userID: UUID, manager: Actor?, by actor: AuditActor) async throws {
        _ = try await manageable(userID, manager: manager)
        try await db.transaction { tx in
            let grants = try await AccessQueries(db: tx).grants(of: userID)
            guard let grant = grants.first(where: { $0.id == grantID }) else { throw AppError.notFound("Peran") }
            guard grants.count > 1 else { throw UserError.lastGrant }
            try await grant.delete(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.grant_remove", entity: "user", entityID: userID.uuidString, regionCode: grant.regionCode,
                changes: ["role": .init(old: grant.coreGrant?.label ?? grant.role, new: nil)]), by: actor)
        }
    }

    func setActive(_ active: Bool, userID: UUID, manager: Actor?, by actor: AuditActor) async throws {
        let user = try await manageable(userID, manager: manager)
        let region = try await primaryRegion(of: userID)
        guard user.isActive != active else { return }
        try await db.transaction { tx in
            user.isActive = active
            if active { user.failedLogins = 0; user.lockedUntil = nil }
            try await user.update(on: tx)
            try await APITokenModel.query(on: tx).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: active ? nil : now).update()
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: active ? "user.activate" : "user.deactivate", entity: "user", entityID: userID.uuidString, regionCode: region,
                changes: ["is_active": .init(old: String(!active), new: String(active))]), by: actor)
        }
    }

    /// Sets a new password: by the user (who must give the old one) or by a manager.
    func setPassword(_ newPassword: String, userID: UUID, oldPassword: String?, manager: Actor?,
                     by actor: AuditActor) async throws {
        let user = try await manageable(userID, manager: manager)
        let region = try await primaryRegion(of: userID)
        if let oldPassword {
            guard try await passwords.verify(oldPassword, against: user.passwordHash) else { throw AccessError.passwordMismatch }
        }
        guard PasswordHashing.isStrongEnough(newPassword) else { throw AccessError.weakPassword }
        let hash = try await passwords.hash(newPassword)
        try await db.transaction { tx in
            user.passwordHash = hash
            user.passwordChangedAt = now
            user.failedLogins = 0
            user.lockedUntil = nil
            try await user.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.password_set", entity: "user", entityID: userID.uuidString, regionCode: region,
                note: oldPassword == nil ? "reset by administrator" : "changed by the user"), by: actor)
        }
    }

    // MARK: Sign-in

    /// Checks a password, counting failures; five in a row lock the account
    /// for 15 minutes. Unknown users cost the same bcrypt time as known ones.
    /// Signs a user in. An unknown, inactive or locked account answers
    /// exactly like a wrong password (same error, a bcrypt verify each time),
    /// so answers do not tell which accounts exist. Failures are counted by
    /// one atomic `UPDATE`, so parallel guesses cannot lose counts.
    func signIn(username raw: String, password: String, by actor: AuditActor) async throws -> UserModel {
        let username = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await AccessQueries(db: db).user(username: username), user.isActive else {
            _ = try? await passwords.verify(password, against: Self.dummyHash)
            throw AccessError.invalidCredentials
        }
        // An onboarded account without a password yet: refused like a wrong
        // password (same time, same answer) until its code is used.
        let ok: Bool
        if PendingActivation.isPending(user.passwordHash) {
            _ = try? await passwords.verify(password, against: Self.dummyHash)
            ok = false
        } else {
            ok = try await passwords.verify(password, against: user.passwordHash)
        }
        let region = try await primaryRegion(of: user.id!)
        let who = AuditActor(userID: user.id, username: user.username, source: actor.source)
        let locked = try await AccessQueries(db: db).lockedUntil(user.id!).map { $0 > now } ?? false
        if ok, !locked {
            try await db.transaction { tx in
                try await AccessQueries(db: tx).clearFailedLogins(user.id!)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "session.login", entity: "user", entityID: user.id?.uuidString, regionCode: region), by: who)
            }
            return user
        }
        try await db.transaction { tx in
            let lockedNow = locked ? true : try await AccessQueries(db: tx).countFailedLogin(
                user.id!, now: now, limit: Self.maxFailedLogins, lockUntil: now.addingTimeInterval(Self.lockout))
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "session.login_failed", entity: "user", entityID: user.id?.uuidString, regionCode: region,
                note: locked ? "account locked" + (ok ? " (right password)" : "") : (lockedNow ? "account locked" : nil)), by: who)
        }
        throw AccessError.invalidCredentials
    }

    /// A real bcrypt hash, verified against for unknown users (made once, lazily).
    private static let dummyHash = (try? Bcrypt.hash("payung-unknown-user", cost: 12)) ?? ""

    // MARK: Tokens

    /// Makes an API token; the plain token is returned once and never stored.
    func createToken(for userID: UUID, name: String, days: Int, manager: Actor?, by actor: AuditActor) async throws -> (APITokenModel, String) {
        guard (1...365).contains(days) else { throw UserError.tokenDaysOutOfRange }
        _ = try await manageable(userID, manager: manager)
        let plain = "pyg_" + SecureRandom.token(bytes: 32)
        let token = APITokenModel()
        token.id = UUID()
        token.$user.id = userID
        token.name = name.isEmpty ? "token" : String(name.prefix(80))
        token.tokenHash = AccessQueries.hash(token: plain)
        token.createdAt = now
        token.expiresAt = now.addingTimeInterval(Double(days) * 86_400)
        let region = try await primaryRegion(of: userID)
        try await db.transaction { tx in
            try await token.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "token.create", entity: "api_token", entityID: token.id!.uuidString, regionCode: region,
                changes: ["name": .init(old: nil, new: token.name), "user_id": .init(old: nil, new: userID.uuidString),
                          "expires_at": .init(old: nil, new: ISO8601DateFormatter().string(from: token.expiresAt))]), by: actor)
        }
        return (token, plain)
    }

    func revokeToken(_ tokenID: UUID, ownerMustBe owner: UUID?, manager: Actor?, by actor: AuditActor) async throws {
        guard let token = try await APITokenModel.find(tokenID, on: db), owner == nil || token.$user.id == owner else {
            throw AppError.notFound("Token")
        }
        if owner == nil { _ = try await manageable(token.$user.id, manager: manager) }
        guard token.revokedAt == nil else { return }
        let region = try await primaryRegion(of: token.$user.id)
        try await db.transaction { tx in
            token.revokedAt = now
            try await token.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "token.revoke", entity: "api_token", entityID: tokenID.uuidString, regionCode: region,
                changes: ["revoked": .init(old: "false", new: "true")]), by: actor)
        }
    }

    /// The region a user's events are filed under (their widest grant), so
    /// that auditors see the events of their own Pemda only.
    func primaryRegion(of userID: UUID) async throws -> String? {
        try await AccessQueries(db: db).grants(of: userID).map(\.regionCode).min { $0.count < $1.count }
    }

    // MARK: Grants

    /// Checks a grant: known role, valid and existing region at the role's
    /// level, RT/RW for RT heads, inside the manager's scope.
    func resolve(_ input: GrantInput, manager: Actor?) async throws -> RoleGrant {
        guard let role = Role(rawValue: input.role.trimmingCharacters(in: .whitespaces)) else {
            throw UserError.unknownRole(input.role)
        }
        guard let region = RegionCode(input.region) else { throw UserError.invalidRegion(input.region) }
        let grant = try RoleGrant(role: role, region: region,
                                  rt: input.rt.flatMap { $0.isEmpty ? nil : $0 }, rw: input.rw.flatMap { $0.isEmpty ? nil : $0 })
        guard try await RegionQueries(db: db).find(region) != nil else { throw UserError.regionNotFound(region.dotted) }
        if let manager, !AccessPolicy.may(manager, .manageUsers, in: region) { throw UserError.outsideScope }
        return grant
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
