import Vapor

/// Static files (`/css/`, `/js/`) may be kept by the browser for a day, then
/// revalidated by their ETag: a phone on poor signal does not fetch the
/// style sheet on every page. Personal pages stay `no-store`
/// (`SecurityHeadersMiddleware`).
struct StaticCacheMiddleware: AsyncMiddleware {
    static let maxAge = 86_400

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let path = request.url.path
        if path.hasPrefix("/css/") || path.hasPrefix("/js/"), [.ok, .notModified].contains(response.status) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(Self.maxAge)")
        }
        return response
    }
}
