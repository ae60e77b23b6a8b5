import Fluent
import Foundation
import PayungCore
import Vapor

/// The admin's onboarding of RT heads and verifiers: upload a sheet, get
/// the accounts and a printable list of activation codes (shown once);
/// re-issue one person's code. Also over the API.
struct OnboardingController {
    static let importPath = WebPath("/admin/pengguna/impor")
    static let apiImport = APIOperation(method: .POST, path: "/api/v1/users/import", operationID: "importUsers",
                                        summary: "Onboard RT heads and verifiers from a sheet (XLSX or CSV): accounts with one-time activation codes",
                                        tag: "Akses",
                                        query: [.init(name: "pemda", description: "The Pemda (regency code, e.g. 33.75); needed when the admin manages several",
                                                      schema: ["type": "string"])],
                                        response: "OnboardingResult", errors: [403, 409, 413, 415, 422], spreadsheetBody: true)

    static let apiReissue = APIOperation(method: .POST, path: "/api/v1/users/{id}/activation-code", operationID: "reissueActivationCode",
                                         summary: "A new one-time activation code for one user (shown once; earlier codes stop working)",
                                         tag: "Akses", response: "ActivationCodeIssued", errors: [403, 404])

    struct Issued: Content {
        let username: String
        let code: String
        let expiresAt: Date
    }

    func register(api: APIRouter, protected web: any RoutesBuilder) {
        api.app.addAPISchemas([
            "OnboardingResult": Schema.object([
                "created": Schema.integer(), "unchanged": Schema.integer(), "rejected": Schema.integer(),
                "rows": Schema.array(Schema.object([
                    "line": Schema.integer(), "name": Schema.string(), "outcome": Schema.string(values: ["created", "unchanged", "rejected"]),
                    "username": Schema.string(), "place": Schema.string(), "role": Schema.string(),
                    "rt": Schema.string(), "rw": Schema.string(),
                    "code": Schema.string("One-time activation code, shown once"),
                    "column": Schema.string("A refused row: the column at fault, as the sheet titles it"),
                    "reason": Schema.string("A refused row: a stable reason code, e.g. village_unknown, phone_invalid, role_unknown"),
                    "message": Schema.string(),
                ], required: ["line", "name", "outcome", "message"])),
            ], required: ["created", "unchanged", "rejected", "rows"]),
            "ActivationCodeIssued": Schema.object([
                "username": Schema.string(), "code": Schema.string("One-time activation code, shown once"),
                "expiresAt": Schema.string(format: "date-time"),
            ], required: ["username", "code", "expiresAt"]),
        ])
        api.on(Self.apiReissue) { req in
            let actor = try req.requireActor(allowedTo: .manageUsers)
            let id = try req.uuidParameter("id", thing: "Pengguna")
            let user = try await req.userDirectory.manageable(id, manager: actor)
            let now = req.application.clock.now()
            let code = try await ActivationCodes.reissue(userID: id, now: now, by: req.auditActor, on: req.db)
            return Issued(username: user.username, code: code, expiresAt: now.addingTimeInterval(Double(ActivationCode.validDays) * 86_400))
        }
        api.on(Self.apiImport) { req in
            let actor = try req.requireActor(allowedTo: .manageUsers)
            let pemda = try Self.pemda(req, actor: actor, raw: try? req.query.get(String.self, at: "pemda"))
            guard let body = req.body.data else { throw AppError.invalid("file_missing", "Kirim berkas XLSX atau CSV sebagai isi permintaan.") }
            let sheet = try TabularFile.read(data: Data(buffer: body), fileName: "api", limits: Onboarding.limits)
            return try await Onboarding(db: req.db, now: req.application.clock.now()).run(sheet, pemda: pemda, manager: actor, by: req.auditActor)
        }
        web.get(Self.importPath.components, use: form)
        web.on(.POST, Self.importPath.components, body: .collect(maxSize: "10mb"), use: upload)
        web.get(Self.importPath.components + ["templat.csv"]) { req in try await Self.template(req, format: .csv) }
        web.get(Self.importPath.components + ["templat.xlsx"]) { req in try await Self.template(req, format: .xlsx) }
        web.post(WebPath.users.components + [":id", "kode-aktivasi"], use: reissue)
    }

    /// The Pemda an admin onboards into: the one named, inside their scope,
    /// or their only one.
    static func pemda(_ req: Request, actor: Actor, raw: String?) throws -> RegionCode {
        let pemdas = AccessPolicy.scopes(of: actor, for: .manageUsers).compactMap { $0.region.ancestor(at: .regency) }
        if let raw, !raw.isEmpty {
            guard let code = RegionCode(String(raw.prefix(20))), code.level == .regency else {
                throw AppError.invalid("pemda_invalid", "Pemda ditulis sebagai kode kabupaten/kota, mis. 33.75.")
            }
            guard AccessPolicy.may(actor, .manageUsers, in: code) else { throw AccessError.forbidden }
            return code
        }
        let unique = Array(Set(pemdas))
        guard unique.count == 1 else {
            throw AppError.invalid("pemda_required", "Anda mengelola beberapa Pemda: pilih Pemda-nya (pemda=kode, mis. 33.75).")
        }
        return unique[0]
    }

    struct FormContext: Encodable {
        let page: PageContext
        let pemdas: [Option]
        var error: String? = nil
        var result: OnboardingResult? = nil
        var created: [OnboardingRowResult] = []
        var others: [OnboardingRowResult] = []
        var validUntil = ""
    }

    struct Option: Encodable { let value: String; let label: String }

    private func pemdaOptions(_ req: Request, _ actor: Actor) async throws -> [Option] {
        let codes = Array(Set(AccessPolicy.scopes(of: actor, for: .manageUsers).compactMap { $0.region.ancestor(at: .regency) })).sorted()
        let names = try await RegionQueries(db: req.db).names(of: codes.map(\.dotted))
        return codes.map { Option(value: $0.dotted, label: names[$0.dotted] ?? $0.dotted) }
    }

    private func form(_ req: Request) async throws -> View {
        let actor = try req.requireActor(allowedTo: .manageUsers)
        return try await req.view.render("access/onboarding", FormContext(
            page: PageContext(title: "Impor Ketua RT dan verifikator", request: req), pemdas: try await pemdaOptions(req, actor)))
    }

    private func upload(_ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .manageUsers)
        struct Upload: Content { var pemda: String?; var file: File? }
        let input = try req.content.decodeBounded(Upload.self)
        var context = FormContext(page: PageContext(title: "Impor Ketua RT dan verifikator", request: req), pemdas: try await pemdaOptions(req, actor))
        do {
            guard let file = input.file, file.data.readableBytes > 0 else {
                throw AppError.invalid("file_missing", "Pilih berkas Excel (.xlsx) atau CSV dulu.")
            }
            let name = file.filename.lowercased()
            guard name.hasSuffix(".xlsx") || name.hasSuffix(".csv") else {
                throw AppError.invalid("file_type_invalid", "Berkas harus Excel .xlsx atau .csv (bukan \(file.filename.prefix(60))). Simpan ulang dari Excel sebagai .xlsx.")
            }
            let sheet = try TabularFile.read(data: Data(buffer: file.data), fileName: file.filename, limits: Onboarding.limits)
            let pemda = try Self.pemda(req, actor: actor, raw: input.pemda)
            let result = try await Onboarding(db: req.db, now: req.application.clock.now()).run(sheet, pemda: pemda, manager: actor, by: req.auditActor)
            context.result = result
            let now = req.application.clock.now()
            context.validUntil = CalendarDate(now.addingTimeInterval(Double(ActivationCode.validDays) * 86_400)).indonesian
            context.created = result.rows.filter { $0.outcome == .created }
            context.others = result.rows.filter { $0.outcome != .created }
            let response = try await req.view.render("access/onboarding", context).encodeResponse(for: req)
            // The codes are on this page only: never cached.
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let error as any DomainError where error.kind != .forbidden {
            context.error = error.message
            let response = try await req.view.render("access/onboarding", context).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }

    /// The sheet to fill: Payung's header words and three example rows,
    /// which the import refuses ("(contoh)"), so a filled template imports as it is.
    static func template(_ req: Request, format: ExportRequest.Format) async throws -> Response {
        _ = try req.requireActor(allowedTo: .manageUsers)
        let headers = OnboardingSheet.headers.map(\.title)
        let examples: [[String]] = [
            ["(contoh) Nama Ketua RT", "0812-3456-7890", "Pekalongan Barat", "Medono", "3", "5", "Ketua RT"],
            ["(contoh) Nama Verifikator Kelurahan", "081298765432", "Pekalongan Barat", "Medono", "", "", "Kelurahan"],
            ["(contoh) Nama Verifikator Kecamatan", "", "Pekalongan Barat", "", "", "", "Kecamatan"],
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-onboarding-\(UUID().uuidString).\(format.rawValue)")
        switch format {
        case .xlsx:
            let writer = try XLSXWriter(url: url, sheetName: "Akun", headers: headers)
            for row in examples { try writer.append(row.map { .text($0) }) }
            try writer.finish()
        case .csv:
            let writer = try CSVWriter(url: url, headers: headers)
            for row in examples { try writer.append(row.map { .text($0) }) }
            try writer.finish()
        }
        let response = try await req.fileio.asyncStreamFile(at: url.path) { _ in try? FileManager.default.removeItem(at: url) }
        response.headers.contentType = format == .xlsx
            ? HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "templat-akun-rt.\(format.rawValue)")
        return response
    }

    private func reissue(_ req: Request) async throws -> View {
        let actor = try req.requireActor(allowedTo: .manageUsers)
        let id = try req.uuidParameter("id", thing: "Pengguna")
        let user = try await req.userDirectory.manageable(id, manager: actor)
        let code = try await ActivationCodes.reissue(userID: id, now: req.application.clock.now(), by: req.auditActor, on: req.db)
        struct Context: Encodable { let page: PageContext; let username: String; let name: String; let code: String; let id: String }
        return try await req.view.render("access/activation-code", Context(
            page: PageContext(title: "Kode aktivasi baru", request: req), username: user.username, name: user.displayName,
            code: code, id: id.uuidString))
    }
}
