import SQLKit
import Vapor

/// Health and the OpenAPI document.
struct SystemController {
    struct Health: Content {
        let status: String
        let database: String
        let version: String
    }

    static let openAPIOperation = APIOperation(
        method: .GET, path: "/api/v1/openapi.json", operationID: "getOpenAPI",
        summary: "This OpenAPI 3 document", tag: "Sistem", access: .public, response: "OpenAPIDocument")

    func register(api: APIRouter, root: any RoutesBuilder) {
        api.app.addAPISchemas(["OpenAPIDocument": ["type": "object"], "Health": Schema.object([
            "status": Schema.string(values: ["ok"]),
            "database": Schema.string(values: [DatabaseKind.sqlite.rawValue, DatabaseKind.postgresql.rawValue]),
            "version": Schema.string(),
        ], required: ["status", "database", "version"])])
        // Health sits outside /api/v1 (load balancers expect it at the root)
        // but is described in the document all the same.
        api.app.apiOperations.append(APIOperation(
            method: .GET, path: "/health", operationID: "getHealth", summary: "Liveness and database check",
            tag: "Sistem", access: .public, response: "Health", errors: [503]))
        root.get("health") { req async throws -> Response in
            do {
                try await req.db.sql.raw("SELECT 1").run()
            } catch {
                // Outside /api/ errors become pages: health answers JSON itself.
                req.logger.report(error: error)
                let response = Response(status: .serviceUnavailable)
                try response.content.encode(APIErrorBody(error: .init(
                    code: "database_unavailable", message: "Basis data tidak menjawab.")))
                return response
            }
            return try await Health(status: "ok", database: req.db.kind.rawValue, version: PayungVersion.current)
                .encodeResponse(for: req)
        }
        api.on(Self.openAPIOperation) { req async throws -> Response in
            let document = OpenAPIDocument.build(operations: req.application.apiOperations, schemas: req.application.apiSchemas)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let response = Response(status: .ok, body: .init(data: try encoder.encode(document)))
            response.headers.contentType = .json
            return response
        }
    }
}

public enum PayungVersion {
    public static let current = "0.1.0"
}
