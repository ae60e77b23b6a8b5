import Fluent
import PayungCore
import Vapor

/// The admin pages: users within the admin's scope, their roles and status.
struct UserAdminController {
    struct NewUserForm: Content {
        let username: String
        let displayName: String
        let password: String
        let role: String
        let region: String
        var rt: String?
        var rw: String?
    }

    struct StatusForm: Content { let active: String }
    struct PasswordResetForm: Content { let newPassword: String }

    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.users.components, use: list)
        web.get(WebPath.newUser.components, use: newForm)
        web.post(WebPath.newUser.components, use: create)
        web.get(WebPath.users.components + [":id"], use: show)
        web.post(WebPath.users.components + [":id", "peran"], use: addGrant)
        web.post(WebPath.users.components + [":id", "peran", ":grantID", "hapus"], use: removeGrant)
        web.post(WebPath.users.components + [":id", "status"], use: setStatus)
        web.post(WebPath.users.components + [":id", "kata-sandi"], use: resetPassword)
    }

    struct ListContext: Encodable {
        let page: PageContext
        let users: [UserDTO]
        let search: String
        let pager: PagerContext
    }

    private func list(_ req: Request) async throws -> View {
        let actor = try manager(req)
        let search = (try? req.query.get(String.self, at: "q")) ?? ""
        let page = try await AccessQueries(db: req.db).users(within: AccessPolicy.scopes(of: actor, for: .manageUsers),
                                                             search: search, page: try PageRequest(req))
        let users = try await UserDTO.named(try await page.items.asyncMap {
            UserDTO($0, grants: try await AccessQueries(db: req.db).grants(of: $0.id!))
        }, on: req.db)
        return try await req.view.render("access/users", ListContext(
            page: PageContext(title: "Pengguna", request: req), users: users, search: search,
            pager: PagerContext(page, path: WebPath.users.path, query: ["q": search])))
    }

    struct FormContext: Encodable {
        let page: PageContext
        let roles: [RoleOption]
        var form: [String: String] = [:]
        var error: String? = nil
    }

    struct RoleOption: Encodable {
        let value: String
        let label: String
        init(_ role: Role) { value = role.rawValue; label = role.indonesianName }
    }

    private func newForm(_ req: Request) async throws -> View {
        _ = try manager(req)
        return try await req.view.render("access/user-new", FormContext(
            page: PageContext(title: "Pengguna baru", request: req), roles: Role.allCases.map(RoleOption.init)))
    }

    private func create(_ req: Request) async throws -> Response {
        let actor = try manager(req)
        let form = try req.content.decodeBounded(NewUserForm.self)
        do {
            let user = try await req.userDirectory.create(
                username: form.username, displayName: form.displayName, password: form.password,
                grants: [GrantInput(role: form.role, region: form.region, rt: form.rt, rw: form.rw)],
                manager: actor, by: req.auditActor)
            return req.redirect(to: WebPath.user(user.id!).path + "?ok=user_created")
        } catch let error as any DomainError {
            let context = FormContext(
                page: PageContext(title: "Pengguna baru", request: req), roles: Role.allCases.map(RoleOption.init),
                form: ["username": form.username, "displayName": form.displayName, "role": form.role,
                       "region": form.region, "rt": form.rt ?? "", "rw": form.rw ?? ""],
                error: error.message)
            let response = try await req.view.render("access/user-new", context).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }

    struct DetailContext: Encodable {
        let page: PageContext
        let user: UserDTO
        let roles: [RoleOption]
        var error: String? = nil
    }

    private func show(_ req: Request) async throws -> View {
        try await req.view.render("access/user", try await detail(req))
    }

    private func detail(_ req: Request, error: String? = nil) async throws -> DetailContext {
        let actor = try manager(req)
        let user = try await req.userDirectory.manageable(try userID(req), manager: actor)
        let dto = try await UserDTO.named([UserDTO(user, grants: try await AccessQueries(db: req.db).grants(of: user.id!))], on: req.db)[0]
        return DetailContext(page: PageContext(title: user.displayName, request: req), user: dto,
                             roles: Role.allCases.map(RoleOption.init), error: error)
    }

    /// Runs a change; on a domain error shows the user page again with the message.
    private func change(_ req: Request, notice: String, _ body: (Actor, UUID) async throws -> Void) async throws -> Response {
        let actor = try manager(req)
        let id = try userID(req)
        do {
            try await body(actor, id)
            return req.redirect(to: WebPath.user(id).path + "?ok=\(notice)")
        } catch let error as any DomainError where error.kind != .notFound {
            let response = try await req.view.render("access/user", try await detail(req, error: error.message)).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }

    private func addGrant(_ req: Request) async throws -> Response {
        try await change(req, notice: "role_added") { actor, id in
            try await req.userDirectory.addGrant(try req.content.decodeBounded(GrantInput.self), to: id, manager: actor, by: req.auditActor)
        }
    }

    private func removeGrant(_ req: Request) async throws -> Response {
        try await change(req, notice: "role_removed") { actor, id in
            guard let grantID = req.parameters.get("grantID", as: UUID.self) else { throw AppError.notFound("Peran") }
            try await req.userDirectory.removeGrant(grantID, from: id, manager: actor, by: req.auditActor)
        }
    }

    private func setStatus(_ req: Request) async throws -> Response {
        try await change(req, notice: "status_changed") { actor, id in
            let form = try req.content.decodeBounded(StatusForm.self)
            try await req.userDirectory.setActive(form.active == "1", userID: id, manager: actor, by: req.auditActor)
        }
    }

    private func resetPassword(_ req: Request) async throws -> Response {
        try await change(req, notice: "password_reset") { actor, id in
            let form = try req.content.decodeBounded(PasswordResetForm.self)
            try await req.userDirectory.setPassword(form.newPassword, userID: id, oldPassword: nil, manager: actor, by: req.auditActor)
        }
    }

    private func manager(_ req: Request) throws -> Actor {
        try req.requireActor(allowedTo: .manageUsers)
    }

    private func userID(_ req: Request) throws -> UUID {
        try req.uuidParameter("id", thing: "Pengguna")
    }
}
