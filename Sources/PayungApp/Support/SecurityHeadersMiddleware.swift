import Vapor

/// Headers every response carries, error pages and 404s included (this
/// middleware wraps `ErrorPresentationMiddleware`): no MIME sniffing, no
/// framing (click-jacking), no full URLs leaked to other sites, no caching of
/// personal pages, and a Content-Security-Policy that allows no inline script,
/// no inline style and nothing from another origin. Templates therefore keep
/// script in `Public/js/` and style in `Public/css/` (a test reads every
/// template to hold them to it). Behind HTTPS (`PAYUNG_SECURE_COOKIES=1`)
/// browsers are also told to come back over HTTPS only (HSTS).
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Same origin only; `data:` images for the odd inline icon; no plugins,
    /// no `<base>` rewriting, forms post only here, never framed.
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// One year, subdomains too: sent only when Payung is served over HTTPS.
    static let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    /// `true` when Payung sits behind HTTPS (`AppConfig.secureCookies`).
    var strictTransport = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        if strictTransport {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.strictTransportSecurity)
        }
        if request.authenticated != nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
