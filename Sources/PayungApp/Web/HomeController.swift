import Vapor

/// The front page: for a signed-in person, what to do next in each of their
/// roles, each a link; for a visitor, what Payung is and how to sign in.
struct HomeController {
    func register(web: any RoutesBuilder) {
        web.get(WebPath.home.components) { req async throws -> View in
            struct Context: Encodable {
                let page: PageContext
                let tasks: HomeTasks?
                let roles: String?
            }
            let actor = req.authenticated?.actor
            let tasks = try await actor.asyncMap { try await HomeTasks.build(for: $0, req: req) }
            return try await req.view.render("home/index", Context(
                page: PageContext(title: "Beranda", request: req), tasks: tasks,
                roles: actor.map { $0.roles.map(\.indonesianName).sorted().joined(separator: ", ") }))
        }
    }
}
