import Vapor

/// The front page.
struct HomeController {
    func register(web: any RoutesBuilder) {
        web.get(WebPath.home.components) { req async throws -> View in
            try await req.view.render("home/index", ["page": PageContext(title: "Beranda", request: req)])
        }
    }
}
