import PayungCore
import Vapor

/// NIK checks: `POST /api/v1/nik/check` and the web form. A NIK travels in a
/// request body, never in a URL, where proxies and logs would keep it.
struct NIKController {
    struct CheckRequest: Content {
        let nik: String
    }

    static let checkOperation = APIOperation(
        method: .POST, path: "/api/v1/nik/check", operationID: "checkNIK",
        summary: "Validate a NIK and decode birth date, sex and region", tag: "Identitas",
        requestBody: "NIKCheckRequest", response: "NIKCheckResult")

    static let schemas: [String: JSON] = [
        "NIKCheckRequest": Schema.object(["nik": Schema.string("NIK as typed or pasted", example: "3375014506850001")],
                                         required: ["nik"]),
        "NIKCheckResult": Schema.object([
            "valid": Schema.boolean,
            "reason": Schema.string("Reason code when invalid", example: "nik_scientific_notation"),
            "message": Schema.string("Reason in Bahasa Indonesia when invalid"),
            "warnings": Schema.array(Schema.object(["code": Schema.string(), "message": Schema.string()],
                                                   required: ["code", "message"])),
            "birthDate": Schema.string(format: "date", example: "1985-06-05"),
            "sex": Schema.string(values: ["L", "P"]),
            "province": Schema.string(example: "33"),
            "regency": Schema.string(example: "33.75"),
            "district": Schema.string(example: "33.75.01"),
        ], required: ["valid", "warnings"]),
    ]

    func register(api: APIRouter, web: any RoutesBuilder) {
        api.app.addAPISchemas(Self.schemas)
        api.on(Self.checkOperation) { req in
            let body = try req.content.decodeBounded(CheckRequest.self)
            return try await NIKCheckService(db: req.db, today: req.today).check(body.nik)
        }
        web.get(WebPath.nikCheck.components) { req in
            try await req.view.render("identity/nik-check", FormContext(page: PageContext(title: "Cek NIK", request: req)))
        }
        web.post(WebPath.nikCheck.components) { req in
            let body = try req.content.decodeBounded(CheckRequest.self)
            let result = try await NIKCheckService(db: req.db, today: req.today).check(body.nik)
            return try await req.view.render("identity/nik-check", FormContext(
                page: PageContext(title: "Cek NIK", request: req), input: body.nik, result: ResultView(result)))
        }
    }

    struct FormContext: Encodable {
        let page: PageContext
        var input: String = ""
        var result: ResultView? = nil
    }

    /// The check result in words for the page.
    struct ResultView: Encodable {
        let valid: Bool
        let message: String?
        let reason: String?
        let warnings: [NIKCheckResult.Note]
        let birthDate: String?
        let sex: String?
        let district: String?

        init(_ r: NIKCheckResult) {
            valid = r.valid
            message = r.message
            reason = r.reason
            warnings = r.warnings
            birthDate = r.birthDate.flatMap(CalendarDate.init(iso:))?.indonesian
            sex = r.sex.flatMap(Sex.init(rawValue:))?.indonesianName
            district = r.district
        }
    }
}

extension NIKCheckResult: Content {}
