import Fluent
import Foundation
import PayungCore
import Vapor

/// Imports and exports over the API, for scripts and other systems: the
/// file is the request body (XLSX or CSV as it is) and the answer is the
/// import's summary with every rejected row as JSON; exports answer with
/// the file. The same importers, checks and audit rows as the pages and
/// the CLI. An import over the API runs while the request waits (a
/// million-row CSV takes about half a minute).
struct ImportAPIController {
    static let importQuery: [APIOperation.QueryParameter] = [
        .init(name: "dryRun", description: "true: check every row and report, write nothing", schema: Schema.boolean),
        .init(name: "sheet", description: "XLSX sheet to read (default: the first)", schema: Schema.string()),
        .init(name: "fileName", description: "Name recorded with the import run", schema: Schema.string()),
        .init(name: "village", description: "Kelurahan (code or name within the Pemda) for rows that have none", schema: Schema.string()),
        .init(name: "rt", description: "RT for rows that have none (3 = 003)", schema: Schema.string()),
        .init(name: "rw", description: "RW for rows that have none", schema: Schema.string()),
    ]
    static let exportQuery: [APIOperation.QueryParameter] = [
        .init(name: "format", description: "xlsx (default) or csv", schema: Schema.string(values: ["xlsx", "csv"])),
    ]

    static let proposals = APIOperation(
        method: .POST, path: "/api/v1/programs/{id}/imports", operationID: "importProposals",
        summary: "Import a roster of proposals: each row checked like the form, valid rows in one transaction",
        tag: "Import", query: importQuery, response: "ImportResult", errors: [403, 404, 413], spreadsheetBody: true)
    static let registry = APIOperation(
        method: .POST, path: "/api/v1/registry/imports", operationID: "importRegistry",
        summary: "Import a registry roster (NIK and name at least) into one Pemda's records: upsert by NIK within that Pemda",
        tag: "Import", query: importQuery + [.init(name: "pemda", description: "Regency or city code (e.g. 33.75); required only when the caller works for several Pemdas",
                                                   schema: Schema.string())], response: "ImportResult", errors: [400, 403, 413], spreadsheetBody: true)
    static let bpjsResults = APIOperation(
        method: .POST, path: "/api/v1/programs/{id}/bpjs-results", operationID: "importBPJSResults",
        summary: "Import BPJS's answer to a registration batch: KPJ and start date, or the refusal reason",
        tag: "Import", query: importQuery, response: "ImportResult", errors: [403, 404, 413], spreadsheetBody: true)
    static let history = APIOperation(
        method: .POST, path: "/api/v1/programs/{id}/history", operationID: "importHistory",
        summary: "Load a past program's participants (NIK, name, KPJ, start and end dates, kelurahan) without the proposal workflow; settings managers only, audited as history",
        tag: "Import", query: importQuery, response: "ImportResult", errors: [403, 404, 413], spreadsheetBody: true)
    static let exportProposals = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/export", operationID: "exportProposals",
        summary: "The proposal list of a program as XLSX or CSV (NIK masked unless the caller may export personal data)",
        tag: "Import", query: exportQuery + [.init(name: "status", description: "Only proposals in this status",
                                                   schema: Schema.string(values: ProposalStatus.allCases.map(\.rawValue)))],
        response: "File", errors: [403, 404, 422], spreadsheetResponse: true)
    static let bpjsBatch = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/bpjs-batch", operationID: "exportBPJSBatch",
        summary: "The BPJS registration batch: approved participants not yet registered",
        tag: "Import", query: exportQuery + [.init(name: "segment", description: "BPJS segment code (default SG)", schema: Schema.string())],
        response: "File", errors: [403, 404, 422], spreadsheetResponse: true)
    static let bpjsDeactivationBatch = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/bpjs-deactivation-batch", operationID: "exportBPJSDeactivationBatch",
        summary: "The BPJS deactivation batch: ended participations BPJS registered (with a KPJ), for BPJS to stop invoicing them",
        tag: "Import", query: exportQuery + [.init(name: "since", description: "Only participations ended on or after this day (YYYY-MM-DD)",
                                                   schema: Schema.string(format: "date"))],
        response: "File", errors: [403, 404, 422], spreadsheetResponse: true)

    func register(api: APIRouter) {
        api.app.addAPISchemas(Self.schemas)
        api.on(Self.proposals) { req in
            let actor = try req.requireActor(allowedTo: .importExport)
            let program = try await Self.program(req, actor: actor, for: .importExport)
            let file = try Self.file(req)
            var importer = ProposalImporter(db: req.db, now: req.application.clock.now(), today: req.today)
            importer.defaults = try Self.defaults(req)
            let result = try await importer
                .run(file, program: program, fileName: Self.fileName(req), actor: actor, by: req.auditActor, dryRun: Self.dryRun(req))
            return ImportResultDTO(result)
        }
        api.on(Self.registry) { req in
            let actor = try req.requireActor(allowedTo: .importExport)
            let pemda = try req.registryPemda(actor, requested: req.query[String.self, at: "pemda"])
            let file = try Self.file(req)
            let result = try await RegistryImporter(db: req.db, now: req.application.clock.now(), today: req.today)
                .run(file, pemda: pemda, fileName: Self.fileName(req), dryRun: Self.dryRun(req), by: req.auditActor)
            return ImportResultDTO(result)
        }
        api.on(Self.history) { req in
            let actor = try req.requireActor(allowedTo: .manageSettings)
            let program = try await Self.program(req, actor: actor, for: .manageSettings)
            let file = try Self.file(req)
            let result = try await HistoryImporter(db: req.db, now: req.application.clock.now(), today: req.today)
                .run(file, program: program, fileName: Self.fileName(req), by: req.auditActor, dryRun: Self.dryRun(req))
            return ImportResultDTO(result)
        }
        api.on(Self.bpjsResults) { req in
            let actor = try req.requireActor(allowedTo: .importExport)
            let program = try await Self.program(req, actor: actor, for: .importExport)
            let file = try Self.file(req)
            let result = try await BPJSResultImport(db: req.db, now: req.application.clock.now(), today: req.today)
                .run(file, program: program, fileName: Self.fileName(req), by: req.auditActor, dryRun: Self.dryRun(req))
            return ImportResultDTO(result)
        }
        api.on(Self.exportProposals) { req in
            let actor = try req.requireActor()
            let id = try req.uuidParameter("id", thing: "Program")
            guard let program = try await ProgramModel.find(id, on: req.db), ProgramAPIController.visible(program, to: actor) else {
                throw AppError.notFound("Program")
            }
            var filter = ProposalWebController.ListFilter()
            if let text = try? req.query.get(String.self, at: "status"), !text.isEmpty {
                guard let status = ProposalStatus(rawValue: text) else {
                    throw AppError.invalid("status_invalid", "Status \"\(text.prefix(30))\" tidak dikenal. Pilihan: \(ProposalStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                filter.status = status
            }
            filter.programID = program.id
            return try await ExportController.proposalList(program, filter: filter, actor: actor, req)
        }
        api.on(Self.bpjsBatch) { req in
            try await ExportController.bpjsBatch(req.uuidParameter("id", thing: "Program"), req)
        }
        api.on(Self.bpjsDeactivationBatch) { req in
            try await ExportController.bpjsDeactivationBatch(req.uuidParameter("id", thing: "Program"), req)
        }
    }

    private static func program(_ req: Request, actor: Actor, for action: Action) async throws -> ProgramModel {
        let id = try req.uuidParameter("id", thing: "Program")
        guard let program = try await ProgramModel.find(id, on: req.db),
              AccessPolicy.may(actor, action, in: RegionCode(program.regencyCode)!) else { throw AppError.notFound("Program") }
        return program
    }

    private static func file(_ req: Request) throws -> TabularFile {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw AppError.invalid("file_missing", "Kirim berkas XLSX atau CSV sebagai isi permintaan.")
        }
        return try TabularFile.read(data: Data(buffer: body), fileName: fileName(req), sheet: try? req.query.get(String.self, at: "sheet"))
    }

    /// `?village=&rt=&rw=`: what the file says once for all its rows.
    static func defaults(_ req: Request) throws -> ImportDefaults {
        func text(_ key: String, max: Int) throws -> String? {
            guard let value = req.query[String.self, at: key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            guard value.count <= max else { throw AppError.invalid("text_too_long", "Parameter \"\(key)\" terlalu panjang (maksimal \(max)).") }
            return value
        }
        return ImportDefaults(village: try text("village", max: 80), rt: try text("rt", max: 5), rw: try text("rw", max: 5))
    }

    private static func fileName(_ req: Request) -> String {
        (try? req.query.get(String.self, at: "fileName")) ?? "api"
    }

    private static func dryRun(_ req: Request) -> Bool {
        (try? req.query.get(Bool.self, at: "dryRun")) ?? false
    }

    static let schemas: [String: JSON] = [
        "ImportResult": Schema.object([
            "summary": Schema.object([
                "rows": Schema.integer("Data rows read"), "inserted": Schema.integer(), "updated": Schema.integer(),
                "unchanged": Schema.integer(), "rejected": Schema.integer(), "dryRun": Schema.boolean,
                "headerLine": Schema.integer("Line of the header row"), "seconds": ["type": "number"],
            ]),
            "rejections": Schema.array(Schema.object([
                "line": Schema.integer("Line (CSV) or row (XLSX) in the file"), "column": Schema.string("Column header"),
                "code": Schema.string("Stable reason code, e.g. nik_wrong_length"), "message": Schema.string("Reason in Bahasa Indonesia"),
                "cells": Schema.array(Schema.string()),
            ], required: ["line", "column", "code", "message"])),
            "changes": Schema.array(Schema.object([
                "line": Schema.integer(), "nik": Schema.string("Masked NIK"), "name": Schema.string(),
                "fields": Schema.array(Schema.object([
                    "field": Schema.string(example: "welfare_decile"), "label": Schema.string(example: "Desil kesejahteraan"),
                    "old": Schema.string("Stored value; absent when there was none"), "new": Schema.string(),
                ], required: ["field", "label", "new"])),
            ], required: ["line", "nik", "name", "fields"])),
        ], required: ["summary", "rejections", "changes"]),
        "File": Schema.string("The file", format: "binary"),
    ]
}

/// What an import did, with every rejected row.
struct ImportResultDTO: Content {
    let summary: ImportSummary
    let rejections: [ImportRejection]
    /// Every stored person the import changes (a dry run: would change), field by field.
    let changes: [ImportRecordChange]

    init(_ result: ImportResult) {
        summary = result.summary
        rejections = result.rejections
        changes = result.changes
    }
}
