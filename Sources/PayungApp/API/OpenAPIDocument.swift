import Vapor

/// Builds the OpenAPI 3 document from the registered operations.
enum OpenAPIDocument {
    static func build(operations: [APIOperation], schemas: [String: JSON]) -> JSON {
        var paths: [String: [String: JSON]] = [:]
        for op in operations {
            paths[op.path, default: [:]][op.method.rawValue.lowercased()] = describe(op)
        }
        var allSchemas = schemas
        allSchemas["Error"] = Schema.object([
            "error": Schema.object([
                "code": Schema.string("Stable machine code, e.g. nik_wrong_length"),
                "message": Schema.string("Message in Bahasa Indonesia"),
            ], required: ["code", "message"]),
        ], required: ["error"])
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Payung API",
                "version": "1",
                "description": "Perlindungan BPJS Ketenagakerjaan bagi pekerja rentan: API Payung. Every error has the shape {\"error\":{\"code\",\"message\"}}.",
            ],
            "servers": [["url": "/"]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "schemas": .object(allSchemas),
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "API token from `payung token create`"],
                ],
            ],
            "security": [["bearer": []]],
        ]
    }

    private static func describe(_ op: APIOperation) -> JSON {
        var parameters: [JSON] = op.pathParameters.map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": Schema.string()]
        }
        parameters += op.query.map { q in
            ["name": .string(q.name), "in": "query", "required": .bool(q.required),
             "description": .string(q.description), "schema": q.schema]
        }
        let file: JSON = ["schema": ["type": "string", "format": "binary"]]
        let spreadsheet = JSON.object(Dictionary(uniqueKeysWithValues: APIOperation.spreadsheetMediaTypes.map { ($0, file) }))
        var responses: [String: JSON] = [
            String(op.successStatus): ["description": "OK",
                                       "content": op.spreadsheetResponse ? spreadsheet : ["application/json": ["schema": Schema.ref(op.response)]]],
        ]
        var errorStatuses = Set(op.errors)
        if op.access == .authenticated { errorStatuses.insert(401) }
        if op.requestBody != nil || op.spreadsheetBody { errorStatuses.formUnion([400, 422]) }
        for status in errorStatuses.sorted() {
            responses[String(status)] = ["description": .string(HTTPResponseStatus(statusCode: status).reasonPhrase),
                                         "content": ["application/json": ["schema": Schema.ref("Error")]]]
        }
        var result: [String: JSON] = [
            "operationId": .string(op.operationID),
            "summary": .string(op.summary),
            "tags": [.string(op.tag)],
            "responses": .object(responses),
        ]
        if !parameters.isEmpty { result["parameters"] = .array(parameters) }
        if let body = op.requestBody {
            result["requestBody"] = ["required": true, "content": ["application/json": ["schema": Schema.ref(body)]]]
        } else if op.spreadsheetBody {
            result["requestBody"] = ["required": true, "description": "The file as it is, XLSX or CSV", "content": spreadsheet]
        }
        if op.access == .public { result["security"] = [] }
        return .object(result)
    }
}
