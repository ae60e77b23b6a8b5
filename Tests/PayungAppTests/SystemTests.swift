import Foundation
import Testing
import VaporTesting
@testable import PayungApp

@Suite("System: health, OpenAPI, NIK API, web shell")
struct SystemTests {
    @Test("health reports the database kind", arguments: TestDatabase.available)
    func health(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.testing().test(.GET, "/health") { res in
                #expect(res.status == .ok)
                let health = try res.content.decode(SystemController.Health.self)
                #expect(health.status == "ok")
                #expect(health.database == (db == .sqlite ? "sqlite" : "postgresql"))
            }
        }
    }

    @Test("the OpenAPI document describes every API route, and only those")
    func openAPICoversRoutes() async throws {
        try await withTestApp(.sqlite) { app in
            var document: [String: Any] = [:]
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                #expect(res.status == .ok)
                document = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
            }
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = document["paths"] as! [String: [String: Any]]
            var documented = Set<String>()
            for (path, methods) in paths {
                for method in methods.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let registered = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/") || path == "/health" else { return nil }
                return "\(route.method.rawValue) \(path)"
            })
            #expect(registered == documented)
            #expect(documented.contains("POST /api/v1/nik/check"))
            // Every $ref points at a schema that exists.
            let schemas = (document["components"] as! [String: Any])["schemas"] as! [String: Any]
            let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
            let refs = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(!refs.isEmpty)
            for ref in refs { #expect(schemas[String(ref)] != nil, "missing schema \(ref)") }
        }
    }

    @Test("NIK check API: valid, invalid, scientific notation, region warnings", arguments: TestDatabase.available)
    func nikCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, token) = try await app.makeUser("operator", .operator, "33.75")
            func check(_ nik: String) async throws -> NIKCheckResultView {
                var result: NIKCheckResultView?
                try await app.testing().test(.POST, "/api/v1/nik/check", headers: .bearer(token), beforeRequest: { req in
                    try req.content.encode(["nik": nik])
                }) { res in
                    #expect(res.status == .ok)
                    result = try res.content.decode(NIKCheckResultView.self)
                }
                return try #require(result)
            }
            let valid = try await check("3375014506850001")
            #expect(valid.valid && valid.birthDate == "1985-06-05" && valid.sex == "P")
            #expect(valid.province == "33" && valid.regency == "33.75" && valid.district == "33.75.01")
            #expect(valid.warnings.isEmpty)
            let oldDistrict = try await check("3375094506850001")
            #expect(oldDistrict.valid && oldDistrict.warnings.map(\.code) == ["nik_district_unknown"])
            let elsewhere = try await check("3201014506850001")
            #expect(elsewhere.valid && elsewhere.warnings.map(\.code) == ["nik_regency_unknown"])
            let scientific = try await check("3.37501E+15")
            #expect(!scientific.valid && scientific.reason == "nik_scientific_notation")
            let future = try await check("3375011512260001")
            #expect(future.reason == "nik_birth_date_in_future")

            try await app.testing().test(.POST, "/api/v1/nik/check", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(["nomor": "1"])
            }) { res in
                #expect(res.status == .badRequest)
                let error = try res.content.decode(APIErrorBody.self).error
                #expect(error.code == "invalid_body" && error.message.contains("nik"))
            }
        }
    }

    @Test("web shell: pages in Bahasa Indonesia, NIK form works without JS", arguments: TestDatabase.available)
    func webPages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("kelurahan.medono", .kelurahan, "33.75.01.1002")
            try await app.testing().test(.GET, "/") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("<html lang=\"id\">"))
                #expect(res.body.string.contains("Cek NIK"))
            }
            try await app.testing().test(.GET, "/wilayah/33.75") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Kota Pekalongan"))
                #expect(res.body.string.contains("Pekalongan Utara"))
                #expect(res.body.string.contains("Kecamatan (4)"))
            }
            try await app.testing().test(.GET, "/wilayah/99.99") { res in
                #expect(res.status == .notFound)
                #expect(res.body.string.contains("Tidak ditemukan"))
            }
            try await app.testing().test(.GET, "/cek-nik") { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location)?.hasPrefix("/masuk?next=") == true)
            }
            let browser = try await BrowserSession.login(app, "kelurahan.medono")
            try await app.testing().test(.POST, "/cek-nik", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["nik": "3375014506850001", "_csrf": browser.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("5 Juni 1985"))
                #expect(res.body.string.contains("Perempuan"))
            }
            try await app.testing().test(.POST, "/cek-nik", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["nik": "3.37501E+15", "_csrf": browser.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.body.string.contains("notasi ilmiah"))
            }
            try await app.testing().test(.POST, "/cek-nik", headers: browser.headers, beforeRequest: { req in
                try req.content.encode(["nik": "3375014506850001"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("Formulir kedaluwarsa"))
            }
        }
    }
}

/// The NIK check as a client decodes it.
struct NIKCheckResultView: Decodable {
    struct Note: Decodable { let code: String; let message: String }
    let valid: Bool
    let reason: String?
    let warnings: [Note]
    let birthDate: String?
    let sex: String?
    let province: String?
    let regency: String?
    let district: String?
}
