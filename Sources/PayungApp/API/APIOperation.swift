import Vapor

/// One operation of the JSON API. The same value registers the route and
/// describes it in the OpenAPI document, so the two cannot drift apart.
struct APIOperation: Sendable {
    enum Access: Sendable {
        /// No credentials needed: the document itself, health, region lookups,
        /// public aggregates. Marked `security: []` in the document.
        case `public`
        /// A bearer token or a web session is required.
        case authenticated
    }

    struct QueryParameter: Sendable {
        let name: String
        let description: String
        let schema: JSON
        var required = false
    }

    let method: HTTPMethod
    /// OpenAPI form, `{name}` for parameters: `/api/v1/regions/{code}`.
    let path: String
    let operationID: String
    let summary: String
    let tag: String
    var access: Access = .authenticated
    var query: [QueryParameter] = []
    /// Component schema name of the JSON request body.
    var requestBody: String? = nil
    /// Component schema name of the success response.
    let response: String
    var successStatus: Int = 200
    /// Error statuses besides the ones every operation can answer.
    var errors: [Int] = []
    /// The request body is a spreadsheet (XLSX or CSV bytes), not JSON.
    var spreadsheetBody = false
    /// The success response is a spreadsheet download, not JSON.
    var spreadsheetResponse = false
    /// The request body is a proof document (PDF or image bytes), not JSON.
    var documentBody = false
    static let documentMaxSize: ByteCount = "6mb"

    /// Largest spreadsheet accepted as a request body: a million-row CSV is about 85 MB.
    static let spreadsheetMaxSize: ByteCount = "100mb"
    static let spreadsheetMediaTypes = ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"]

    /// Vapor path components: `{code}` becomes the parameter `:code`.
    var pathComponents: [PathComponent] {
        path.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast()))
                : .constant(String(segment))
        }
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}

/// Registers API operations on a route builder and records them for the
/// OpenAPI document.
struct APIRouter {
    let app: Application
    /// Routes anyone may call.
    let publicRoutes: any RoutesBuilder
    /// Routes behind `RequireAuthenticationMiddleware` (401 without credentials).
    let protectedRoutes: any RoutesBuilder

    /// Registers the operation where its declared access puts it: the
    /// document and the enforcement come from the same value.
    func on<Response: AsyncResponseEncodable>(
        _ operation: APIOperation,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let routes = operation.access == .public ? publicRoutes : protectedRoutes
        let body: HTTPBodyStreamStrategy = operation.spreadsheetBody ? .collect(maxSize: APIOperation.spreadsheetMaxSize)
            : operation.documentBody ? .collect(maxSize: APIOperation.documentMaxSize) : .collect
        if operation.requestBody != nil {
            // The document promises JSON and 415 for anything else; Vapor
            // alone would also decode form and multipart bodies.
            routes.on(operation.method, operation.pathComponents, body: body) { req async throws -> Vapor.Response in
                guard APIOperation.isJSON(req.headers.contentType) else {
                    throw Abort(.unsupportedMediaType, reason: "Send the body as application/json")
                }
                return try await handler(req).encodeResponse(for: req)
            }
        } else {
            routes.on(operation.method, operation.pathComponents, body: body, use: handler)
        }
        app.apiOperations.append(operation)
    }
}

extension APIOperation {
    /// `application/json` or `application/<something>+json`, any parameters.
    static func isJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type, type.type.lowercased() == "application" else { return false }
        let sub = type.subType.lowercased()
        return sub == "json" || sub.hasSuffix("+json")
    }

    /// Whether a request path (split on `/`) falls on this operation's path.
    /// Like Vapor's router, a `{parameter}` takes any one segment.
    func matches(_ segments: [Substring]) -> Bool {
        let template = path.split(separator: "/")
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { pattern, segment in
            pattern.hasPrefix("{") || pattern == segment
        }
    }
}

/// Answers what HTTP says for a documented path called with a method it does
/// not have: 405 with `Allow` (instead of Vapor's 404), and `OPTIONS` with 204
/// and `Allow`. Only paths of the API document are concerned; everything else
/// goes on to the router untouched.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard path.hasPrefix("/api/") || path == "/health" else { return try await next.respond(to: request) }
        let methods = Self.methods(at: path, among: request.application.apiOperations)
        // Vapor answers HEAD with the GET route.
        let asked: HTTPMethod = request.method == .HEAD ? .GET : request.method
        guard !methods.isEmpty, !methods.contains(asked) else { return try await next.respond(to: request) }
        let allow = Self.allowHeader(methods)
        if request.method == .OPTIONS {
            let response = Response(status: .noContent)
            response.headers.replaceOrAdd(name: "Allow", value: allow)
            return response
        }
        throw Abort(.methodNotAllowed, headers: ["Allow": allow])
    }

    /// The methods of the most specific documented path a request path falls
    /// on: `/api/v1/proposals/bulk` is that constant path (POST), not
    /// `/api/v1/proposals/{id}` (GET, PUT), as the router prefers constants.
    static func methods(at path: String, among operations: [APIOperation]) -> [HTTPMethod] {
        let segments = path.split(separator: "/")
        let matching = operations.filter { $0.matches(segments) }
        func constants(_ op: APIOperation) -> [Bool] { op.path.split(separator: "/").map { !$0.hasPrefix("{") } }
        guard let best = matching.map(constants).max(by: { $0.lexicographicallyPrecedes($1) { !$0 && $1 } }) else { return [] }
        return matching.filter { constants($0) == best }.map(\.method)
    }

    /// The path's methods, HEAD beside GET, and OPTIONS, in a stable order.
    static func allowHeader(_ methods: [HTTPMethod]) -> String {
        var names = Set(methods.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        names.insert("OPTIONS")
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return names.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
            .joined(separator: ", ")
    }
}

extension Application {
    private struct OperationsKey: StorageKey { typealias Value = [APIOperation] }
    private struct SchemasKey: StorageKey { typealias Value = [String: JSON] }

    /// Every registered API operation, in registration order.
    var apiOperations: [APIOperation] {
        get { storage[OperationsKey.self] ?? [] }
        set { storage[OperationsKey.self] = newValue }
    }

    /// Component schemas of the OpenAPI document, by name.
    var apiSchemas: [String: JSON] {
        get { storage[SchemasKey.self] ?? [:] }
        set { storage[SchemasKey.self] = newValue }
    }

    func addAPISchemas(_ schemas: [String: JSON]) {
        apiSchemas.merge(schemas) { _, new in new }
    }
}
