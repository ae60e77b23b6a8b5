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
                "description": .string("""
                    Perlindungan BPJS Ketenagakerjaan bagi pekerja rentan: API Payung. \
                    Every error has the shape {"error":{"code","message"}} and every status an operation can \
                    answer is listed under it. A path called with a method it does not list answers \
                    405 Method Not Allowed with an `Allow` header; `OPTIONS` on a path answers 204 with `Allow`.
                    """),
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

    /// Every error status the server can answer for this operation: the
    /// ones the operation declares, plus those its shape implies, so that a
    /// client (or schemathesis) never meets an undocumented status.
    static func errorStatuses(_ op: APIOperation) -> Set<Int> {
        var statuses = Set(op.errors)
        // ErrorPresentationMiddleware answers JSON only under /api/ (health
        // answers its own 503).
        if op.path.hasPrefix("/api/") { statuses.insert(500) }
        // A bearer token that is wrong, expired or revoked is refused even
        // where no token is needed (ActorMiddleware).
        statuses.insert(401)
        if op.access == .authenticated {
            // A state-changing call riding on a session cookie without its CSRF token.
            if ![HTTPMethod.GET, .HEAD, .OPTIONS].contains(op.method) { statuses.insert(403) }
        }
        // The record named in the path does not exist or is outside the caller's scope.
        if !op.pathParameters.isEmpty { statuses.insert(404) }
        // A query parameter that is malformed (400) or out of range (422).
        if !op.query.isEmpty { statuses.formUnion([400, 422]) }
        if op.requestBody != nil {
            // Unreadable JSON (400), over the 1 MB limit (413), not JSON (415),
            // missing or breaking a rule (422).
            statuses.formUnion([400, 413, 415, 422])
        } else if op.spreadsheetBody || op.documentBody {
            statuses.formUnion([400, 413, 422])
        }
        return statuses
    }

    /// The error shape under /api/; outside it (health) errors are the
    /// error page, except the 503 health answers itself.
    private static func errorContent(_ op: APIOperation, _ status: Int) -> JSON {
        if op.path.hasPrefix("/api/") || status == 503 {
            return ["application/json": ["schema": Schema.ref("Error")]]
        }
        return ["text/html": ["schema": ["type": "string"]]]
    }

    private static func errorDescription(_ status: Int) -> String {
        switch status {
        case 400: "Malformed request: unreadable body or query parameter"
        case 401: "No credentials, or an unknown, revoked or expired bearer token (refused on every operation)"
        case 403: "The caller may not do this (or a session call without its CSRF token)"
        case 404: "Not found, or outside the caller's regions"
        case 409: "Conflicts with the current state"
        case 413: "The request body is over the size limit"
        case 415: "The request body is not of a media type the operation takes (send application/json)"
        case 422: "Well formed but invalid: the error code says which rule"
        case 500: "Internal error (details are in the server log only)"
        case 503: "A dependency (the database) is not answering"
        default: HTTPResponseStatus(statusCode: status).reasonPhrase
        }
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
        for status in errorStatuses(op).sorted() {
            responses[String(status)] = ["description": .string(errorDescription(status)),
                                         "content": errorContent(op, status)]
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
        } else if op.documentBody {
            let documents = JSON.object(Dictionary(uniqueKeysWithValues: PaymentProof.mediaTypes.map { ($0, file) }))
            result["requestBody"] = ["required": true, "description": "The document as it is, PDF or an image, at most 5 MB", "content": documents]
        }
        if op.access == .public { result["security"] = [] }
        return .object(result)
    }
}
