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
        let body: HTTPBodyStreamStrategy = operation.spreadsheetBody ? .collect(maxSize: APIOperation.spreadsheetMaxSize) : .collect
        routes.on(operation.method, operation.pathComponents, body: body, use: handler)
        app.apiOperations.append(operation)
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
