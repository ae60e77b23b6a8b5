import Fluent
import PayungCore
import Vapor

/// The API of access control: who am I, users and roles (admin), my tokens,
/// the audit trail (auditor).
struct AccessAPIController {
    static let me = APIOperation(method: .GET, path: "/api/v1/me", operationID: "getMe",
                                 summary: "The calling user and their roles", tag: "Akses", response: "Me")
    static let listUsers = APIOperation(method: .GET, path: "/api/v1/users", operationID: "listUsers",
                                        summary: "Users within the admin's scope", tag: "Akses",
                                        query: [.init(name: "search", description: "Username or name contains", schema: Schema.string())]
                                            + PageRequest.queryParameters,
                                        response: "UserPage", errors: [403])
    static let createUser = APIOperation(method: .POST, path: "/api/v1/users", operationID: "createUser",
                                         summary: "Create a user with roles", tag: "Akses", requestBody: "CreateUserRequest",
                                         response: "User", successStatus: 201, errors: [403, 409])
    static let showUser = APIOperation(method: .GET, path: "/api/v1/users/{id}", operationID: "getUser",
                                       summary: "One user", tag: "Akses", response: "User", errors: [403, 404])
    static let addGrant = APIOperation(method: .POST, path: "/api/v1/users/{id}/grants", operationID: "addGrant",
                                       summary: "Give a user a role over a region", tag: "Akses", requestBody: "GrantInput",
                                       response: "User", errors: [403, 404])
    static let removeGrant = APIOperation(method: .DELETE, path: "/api/v1/users/{id}/grants/{grantID}",
                                          operationID: "removeGrant", summary: "Take a role away", tag: "Akses",
                                          response: "User", errors: [403, 404, 422])
    static let createToken = APIOperation(method: .POST, path: "/api/v1/tokens", operationID: "createToken",
                                          summary: "Create an API token for the caller (shown once)", tag: "Akses",
                                          requestBody: "CreateTokenRequest", response: "CreatedToken", successStatus: 201)
    static let revokeToken = APIOperation(method: .DELETE, path: "/api/v1/tokens/{id}", operationID: "revokeToken",
                                          summary: "Revoke one of the caller's tokens", tag: "Akses",
                                          response: "Revoked", errors: [404])
    static let audit = APIOperation(method: .GET, path: "/api/v1/audit", operationID: "listAuditEvents",
                                    summary: "The audit trail, newest first (auditor)", tag: "Akses",
                                    query: AuditFilter.queryParameters + PageRequest.queryParameters,
                                    response: "AuditEventPage", errors: [403])

    func register(api: APIRouter) {
        api.app.addAPISchemas(AccessSchemas.all)
        api.on(Self.me) { req in
            let auth = try req.requireAuthenticated()
            let grants = try await AccessQueries(db: req.db).grants(of: auth.userID)
            return MeDTO(id: auth.userID, username: auth.actor.username, displayName: auth.displayName,
                         grants: grants.map(GrantDTO.init))
        }
        api.on(Self.listUsers) { req in
            let actor = try requireManager(req)
            let page = try await AccessQueries(db: req.db).users(
                within: AccessPolicy.scopes(of: actor, for: .manageUsers),
                search: try? req.query.get(String.self, at: "search"), page: try PageRequest(req))
            return PageDTO(try await page.items.asyncMap { try await dto($0, req) }.paged(like: page))
        }
        api.on(Self.createUser) { req in
            let actor = try requireManager(req)
            let body = try req.content.decodeBounded(CreateUserRequest.self)
            let user = try await req.userDirectory.create(username: body.username, displayName: body.displayName,
                                                          password: body.password, grants: body.grants,
                                                          manager: actor, by: req.auditActor)
            return CreatedResponse(try await dto(user, req))
        }
        api.on(Self.showUser) { req in
            let user = try await req.userDirectory.manageable(try userID(req), manager: try requireManager(req))
            return try await dto(user, req)
        }
        api.on(Self.addGrant) { req in
            let actor = try requireManager(req)
            let id = try userID(req)
            try await req.userDirectory.addGrant(try req.content.decodeBounded(GrantInput.self), to: id, manager: actor, by: req.auditActor)
            return try await dto(try await req.userDirectory.manageable(id, manager: actor), req)
        }
        api.on(Self.removeGrant) { req in
            let actor = try requireManager(req)
            let id = try userID(req)
            guard let grantID = req.parameters.get("grantID", as: UUID.self) else { throw AppError.notFound("Peran") }
            try await req.userDirectory.removeGrant(grantID, from: id, manager: actor, by: req.auditActor)
            return try await dto(try await req.userDirectory.manageable(id, manager: actor), req)
        }
        api.on(Self.createToken) { req in
            let auth = try req.requireAuthenticated()
            let body = try req.content.decodeBounded(CreateTokenRequest.self)
            let (token, plain) = try await req.userDirectory.createToken(for: auth.userID, name: body.name, days: body.days ?? 90,
                                                                         manager: nil, by: req.auditActor)
            return CreatedResponse(CreatedTokenDTO(id: token.id!, name: token.name, token: plain, expiresAt: token.expiresAt))
        }
        api.on(Self.revokeToken) { req in
            let auth = try req.requireAuthenticated()
            guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("Token") }
            try await req.userDirectory.revokeToken(id, ownerMustBe: auth.userID, manager: nil, by: req.auditActor)
            return RevokedDTO(revoked: true)
        }
        api.on(Self.audit) { req in
            PageDTO(try await req.readAuditTrail().1)
        }
    }

    private func requireManager(_ req: Request) throws -> Actor {
        try req.requireActor(allowedTo: .manageUsers)
    }

    private func userID(_ req: Request) throws -> UUID {
        try req.uuidParameter("id", thing: "Pengguna")
    }

    private func dto(_ user: UserModel, _ req: Request) async throws -> UserDTO {
        UserDTO(user, grants: try await AccessQueries(db: req.db).grants(of: user.id!))
    }
}

/// A response with status 201 Created.
struct CreatedResponse<Body: Content>: AsyncResponseEncodable {
    let body: Body
    init(_ body: Body) { self.body = body }

    func encodeResponse(for request: Request) async throws -> Response {
        let response = try await body.encodeResponse(for: request)
        response.status = .created
        return response
    }
}

extension Array where Element: Sendable {
    func paged<T>(like page: Page<T>) -> Page<Element> {
        Page(items: self, page: page.page, total: page.total)
    }
}
