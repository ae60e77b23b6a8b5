import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// Reconciliation with BPJS: upload BPJS's invoice or payment file for a
/// program, read every difference per NIK and month. The operator and
/// BPJS's officer of the program's Pemda, who may read its records.
struct ReconciliationController {
    static let create = APIOperation(
        method: .POST, path: "/api/v1/programs/{id}/reconciliations", operationID: "reconcileBPJSInvoice",
        summary: "Compare BPJS's invoice or payment file (XLSX or CSV as the body; columns NIK, BULAN_IURAN, IURAN, optionally KPJ, NAMA, DIBAYAR) with Payung's person-months",
        tag: "Tagihan", query: [.init(name: "fileName", description: "Name recorded with the reconciliation", schema: Schema.string()),
                                .init(name: "sheet", description: "XLSX sheet to read (default: the first)", schema: Schema.string())],
        response: "Reconciliation", successStatus: 201, errors: [403, 404, 413, 422], spreadsheetBody: true)
    static let list = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/reconciliations", operationID: "listReconciliations",
        summary: "A program's reconciliations with BPJS, newest first", tag: "Tagihan", query: PageRequest.queryParameters,
        response: "ReconciliationPage", errors: [400, 403, 404])
    static let differences = APIOperation(
        method: .GET, path: "/api/v1/programs/{id}/reconciliations/{reconciliationId}/differences", operationID: "listReconciliationDifferences",
        summary: "A reconciliation's differences per NIK and month: expected by Payung, billed by BPJS, paid",
        tag: "Tagihan", query: [.init(name: "kind", description: "missing, extra, amount, or after_end (billed after the participation ended)",
                                      schema: Schema.string(values: Self.filters))] + PageRequest.queryParameters,
        response: "ReconciliationDifferencePage", errors: [400, 403, 404])

    static let filters = Reconciliation.Kind.allCases.map(\.rawValue) + ["after_end"]

    struct ReconciliationDTO: Content {
        let id: UUID
        let fileName: String
        let months: [String]
        let rows: Int
        let missing: Int
        let extra: Int
        let amountDiffers: Int
        let afterEnd: Int
        let rejected: Int
        let expectedTotal: Int64
        let billedTotal: Int64
        let paidTotal: Int64?
        let rejections: [ImportRejection]
        let createdBy: String
        let createdAt: Date

        init(_ r: ReconciliationModel, withRejections: Bool) {
            id = r.id!
            fileName = r.fileName
            months = r.months.split(separator: ",").map(String.init)
            rows = r.rows
            missing = r.missing
            extra = r.extra
            amountDiffers = r.amountDiffers
            afterEnd = r.afterEnd
            rejected = r.rejected
            expectedTotal = r.expectedTotal
            billedTotal = r.billedTotal
            paidTotal = r.paidTotal
            rejections = withRejections ? (try? JSONDecoder().decode([ImportRejection].self, from: Data(r.rejections.utf8))) ?? [] : []
            createdBy = r.createdBy
            createdAt = r.createdAt
        }
    }

    struct DifferenceDTO: Content {
        let nik: String
        let kpj: String?
        let name: String?
        let month: String
        let kind: String
        let kindName: String
        let expected: Int64?
        let billed: Int64?
        let paid: Int64?
        let afterEnd: Bool
        let inProgram: Bool
    }

    static func reconciliation(_ req: Request, _ program: ProgramModel) async throws -> ReconciliationModel {
        guard let id = req.parameters.get("reconciliationId", as: UUID.self), let r = try await ReconciliationModel.find(id, on: req.db),
              r.programID == program.id else { throw AppError.notFound("Rekonsiliasi") }
        return r
    }

    static func page(of program: ProgramModel, page: PageRequest, on db: any Database) async throws -> Page<ReconciliationModel> {
        let query = ReconciliationModel.query(on: db).filter(\.$programID == program.id!)
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.size)).all()
        return Page(items: items, page: page, total: total)
    }

    /// `kind`: a `Reconciliation.Kind`, `after_end`, or nil for all.
    static func differences(of r: ReconciliationModel, kind: String?, page: PageRequest, fullNIK: Bool,
                            on db: any Database) async throws -> Page<DifferenceDTO> {
        var filter: SQLQueryString = "reconciliation_id = \(bind: r.id!)"
        switch kind {
        case nil: break
        case "after_end": filter = filter + " AND after_end = \(bind: true)"
        case let k?: filter = filter + " AND kind = \(bind: k)"
        }
        struct Count: Decodable { let n: Int }
        let total = try await db.sql.raw("SELECT COUNT(*) AS n FROM reconciliation_differences WHERE \(filter)").first(decoding: Count.self)?.n ?? 0
        struct Row: Decodable {
            let nik: String; let kpj: String?; let name: String?; let month: String; let kind: String
            let expected: Int64?; let billed: Int64?; let paid: Int64?; let after_end: Bool; let in_program: Bool
        }
        let rows = try await db.sql.raw("""
            SELECT nik, kpj, name, month, kind, expected, billed, paid, after_end, in_program FROM reconciliation_differences
            WHERE \(filter) ORDER BY month, kind, nik LIMIT \(bind: page.size) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        return Page(items: rows.map { r in
            DifferenceDTO(nik: fullNIK ? r.nik : NIK.mask(r.nik), kpj: r.kpj, name: r.name, month: r.month, kind: r.kind,
                          kindName: Reconciliation.Kind(rawValue: r.kind)?.indonesianName ?? r.kind, expected: r.expected, billed: r.billed,
                          paid: r.paid, afterEnd: r.after_end, inProgram: r.in_program)
        }, page: page, total: total)
    }

    static func kind(_ req: Request) throws -> String? {
        guard let text = req.query[String.self, at: "kind"], !text.isEmpty else { return nil }
        guard filters.contains(text) else {
            throw AppError.badRequest("kind_invalid", "Jenis selisih \"\(text.prefix(30))\" tidak dikenal. Pilihan: \(filters.joined(separator: ", ")).")
        }
        return text
    }

    static func importFile(_ req: Request, _ program: ProgramModel, data: Data, fileName: String, sheet: String?) async throws -> ReconciliationModel {
        guard !data.isEmpty else { throw AppError.invalid("file_missing", "Kirim berkas tagihan BPJS (XLSX atau CSV).") }
        let file = try TabularFile.read(data: data, fileName: fileName, sheet: sheet)
        return try await ReconciliationImport(db: req.db, now: req.application.clock.now(), today: req.today)
            .run(file, program: program, fileName: fileName, by: req.auditActor).run
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        let rejection = Schema.object(["line": Schema.integer(), "column": Schema.string(), "code": Schema.string(), "message": Schema.string(),
                                       "cells": Schema.array(Schema.string())], required: ["line", "column", "code", "message", "cells"])
        api.app.addAPISchemas([
            "Reconciliation": Schema.object([
                "id": Schema.string(format: "uuid"), "fileName": Schema.string(), "months": Schema.array(Schema.string(example: "2026-05")),
                "rows": Schema.integer(), "missing": Schema.integer(), "extra": Schema.integer(), "amountDiffers": Schema.integer(),
                "afterEnd": Schema.integer(), "rejected": Schema.integer(), "expectedTotal": money, "billedTotal": money, "paidTotal": money,
                "rejections": Schema.array(rejection), "createdBy": Schema.string(), "createdAt": Schema.string(format: "date-time"),
            ], required: ["id", "fileName", "months", "rows", "missing", "extra", "amountDiffers", "afterEnd", "rejected", "expectedTotal",
                          "billedTotal", "rejections", "createdBy", "createdAt"]),
            "ReconciliationPage": PageDTO<ReconciliationDTO>.schema(of: "Reconciliation"),
            "ReconciliationDifference": Schema.object([
                "nik": Schema.string(), "kpj": Schema.string(), "name": Schema.string(), "month": Schema.string(example: "2026-05"),
                "kind": Schema.string(values: Reconciliation.Kind.allCases.map(\.rawValue)), "kindName": Schema.string(),
                "expected": money, "billed": money, "paid": money, "afterEnd": Schema.boolean, "inProgram": Schema.boolean,
            ], required: ["nik", "month", "kind", "kindName", "afterEnd", "inProgram"]),
            "ReconciliationDifferencePage": PageDTO<DifferenceDTO>.schema(of: "ReconciliationDifference"),
        ])
        api.on(Self.create) { req -> Response in
            let program = try await BillingController.program(req, for: .reconcile)
            let fileName = String((req.query[String.self, at: "fileName"] ?? "api").prefix(200))
            let run = try await Self.importFile(req, program, data: req.body.data.map { Data(buffer: $0) } ?? Data(),
                                                              fileName: fileName, sheet: req.query[String.self, at: "sheet"])
            let response = Response(status: .created)
            try response.content.encode(ReconciliationDTO(run, withRejections: true))
            return response
        }
        api.on(Self.list) { req -> PageDTO<ReconciliationDTO> in
            let program = try await BillingController.program(req, for: .reconcile)
            return PageDTO(try await Self.page(of: program, page: try PageRequest(req), on: req.db).map { ReconciliationDTO($0, withRejections: false) })
        }
        api.on(Self.differences) { req -> PageDTO<DifferenceDTO> in
            let program = try await BillingController.program(req, for: .reconcile)
            let r = try await Self.reconciliation(req, program)
            let full = AccessPolicy.may(try req.requireActor(), .readFullNIK, in: RegionCode(program.regencyCode)!)
            return PageDTO(try await Self.differences(of: r, kind: try Self.kind(req), page: try PageRequest(req), fullNIK: full, on: req.db))
        }
        registerPages(web: web)
    }
}
