import Vapor

/// Turns every error into the API's JSON error shape under `/api`, and into a
/// page in Bahasa Indonesia everywhere else. Replaces Vapor's ErrorMiddleware.
struct ErrorPresentationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let presented = PresentedError(error)
            if presented.status.code >= 500 {
                request.logger.report(error: error)
            }
            if request.url.path.hasPrefix("/api/") {
                let response = Response(status: presented.status, headers: presented.headers)
                try response.content.encode(APIErrorBody(error: .init(code: presented.code, message: presented.message)))
                return response
            }
            return await errorPage(presented, for: request)
        }
    }

    private func errorPage(_ presented: PresentedError, for request: Request) async -> Response {
        let context = ErrorPageContext(
            page: PageContext(title: "Kesalahan", request: request),
            status: Int(presented.status.code), code: presented.code, message: presented.message)
        do {
            let response = try await request.view.render("errors/error", context).encodeResponse(for: request)
            response.status = presented.status
            response.headers.add(contentsOf: presented.headers)
            return response
        } catch {
            request.logger.report(error: error)
            return Response(status: presented.status, body: .init(string: presented.message))
        }
    }
}

struct ErrorPageContext: Encodable {
    let page: PageContext
    let status: Int
    let code: String
    let message: String
}
