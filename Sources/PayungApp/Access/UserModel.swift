import Fluent
import Foundation
import PayungCore

/// A person who signs in. Roles are in `role_grants`.
final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?

    @Children(for: \.$user) var grants: [RoleGrantModel]

    init() {}

    init(id: UUID = UUID(), username: String, displayName: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isActive = true
        self.failedLogins = 0
        self.createdAt = createdAt
    }
}

/// One role of a user over a region (`PayungCore.RoleGrant` in storage).
final class RoleGrantModel: Model, @unchecked Sendable {
    static let schema = "role_grants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "role") var role: String
    @Field(key: "region_code") var regionCode: String
    @OptionalField(key: "rt") var rt: String?
    @OptionalField(key: "rw") var rw: String?

    init() {}

    init(userID: UUID, grant: RoleGrant) {
        self.id = UUID()
        self.$user.id = userID
        self.role = grant.role.rawValue
        self.regionCode = grant.region.dotted
        self.rt = grant.rt
        self.rw = grant.rw
    }
}

/// An API token: only its SHA-256 is stored; the token is shown once.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
}
