import Fluent
import Foundation
import PayungCore
import Vapor

struct GrantDTO: Content {
    let id: UUID?
    let role: String
    let region: String
    let rt: String?
    let rw: String?
    /// The grant in words: "Ketua RT 003/RW 005, Kelurahan Medono" once
    /// named (`named(_:)`), else with the region code.
    var label: String
    var regionName: String? = nil

    /// The same grant with its region named as people say it.
    func named(_ names: [String: String]) -> GrantDTO {
        var copy = self
        guard let name = names[region], let code = RegionCode(region) else { return copy }
        copy.regionName = code.placeName(name)
        if let role = Role(rawValue: role), let grant = try? RoleGrant(role: role, region: code, rt: rt, rw: rw) {
            copy.label = grant.label(regionName: name)
        }
        return copy
    }

    init(_ model: RoleGrantModel) {
        id = model.id
        role = model.role
        region = model.regionCode
        rt = model.rt
        rw = model.rw
        label = model.coreGrant?.label ?? model.role
    }

    init(_ grant: RoleGrant) {
        id = nil
        role = grant.role.rawValue
        region = grant.region.dotted
        rt = grant.rt
        rw = grant.rw
        label = grant.label
    }
}

struct UserDTO: Content {
    let id: UUID
    let username: String
    let displayName: String
    let isActive: Bool
    var grants: [GrantDTO]

    /// Users with their grants' regions named, in one look-up.
    static func named(_ users: [UserDTO], on db: any Database) async throws -> [UserDTO] {
        let names = try await RegionQueries(db: db).names(of: Array(Set(users.flatMap { $0.grants.map(\.region) })))
        return users.map { user in
            var copy = user
            copy.grants = user.grants.map { $0.named(names) }
            return copy
        }
    }

    init(_ user: UserModel, grants: [RoleGrantModel]) {
        id = user.id!
        username = user.username
        displayName = user.displayName
        isActive = user.isActive
        self.grants = grants.map(GrantDTO.init)
    }
}

struct CreateUserRequest: Content {
    let username: String
    let displayName: String
    let password: String
    let grants: [GrantInput]
}

struct CreateTokenRequest: Content {
    let name: String
    var days: Int?
}

struct CreatedTokenDTO: Content {
    let id: UUID
    let name: String
    /// Shown once; only its hash is kept.
    let token: String
    let expiresAt: Date
}

struct RevokedDTO: Content {
    let revoked: Bool
}

struct MeDTO: Content {
    let id: UUID
    let username: String
    let displayName: String
    let grants: [GrantDTO]
}

enum AccessSchemas {
    static let all: [String: JSON] = [
        "Grant": Schema.object([
            "id": Schema.string(format: "uuid"),
            "role": Schema.string(values: Role.allCases.map(\.rawValue)),
            "region": Schema.string("Region code the role covers", example: "33.75.01.1002"),
            "rt": Schema.string("RT number, rt role only", example: "003"),
            "rw": Schema.string("RW number, rt role only", example: "005"),
            "label": Schema.string(), "regionName": Schema.string(),
        ], required: ["role", "region", "label"]),
        "GrantInput": Schema.object([
            "role": Schema.string(values: Role.allCases.map(\.rawValue)),
            "region": Schema.string(example: "33.75"),
            "rt": Schema.string(), "rw": Schema.string(),
        ], required: ["role", "region"]),
        "User": Schema.object([
            "id": Schema.string(format: "uuid"), "username": Schema.string(), "displayName": Schema.string(),
            "isActive": Schema.boolean, "grants": Schema.array(Schema.ref("Grant")),
        ], required: ["id", "username", "displayName", "isActive", "grants"]),
        "UserPage": PageDTO<UserDTO>.schema(of: "User"),
        "CreateUserRequest": Schema.object([
            "username": Schema.string(example: "op.jambi"), "displayName": Schema.string(),
            "password": Schema.string("At least 10 characters"), "grants": Schema.array(Schema.ref("GrantInput")),
        ], required: ["username", "displayName", "password", "grants"]),
        "CreateTokenRequest": Schema.object(["name": Schema.string(), "days": Schema.integer("1 to 365, default 90")],
                                            required: ["name"]),
        "CreatedToken": Schema.object([
            "id": Schema.string(format: "uuid"), "name": Schema.string(),
            "token": Schema.string("The bearer token; shown once"), "expiresAt": Schema.string(format: "date-time"),
        ], required: ["id", "name", "token", "expiresAt"]),
        "Revoked": Schema.object(["revoked": Schema.boolean], required: ["revoked"]),
        "Me": Schema.object([
            "id": Schema.string(format: "uuid"), "username": Schema.string(), "displayName": Schema.string(),
            "grants": Schema.array(Schema.ref("Grant")),
        ], required: ["id", "username", "displayName", "grants"]),
        "AuditEvent": AuditEventDTO.schema,
        "AuditEventPage": PageDTO<AuditEventDTO>.schema(of: "AuditEvent"),
    ]
}
