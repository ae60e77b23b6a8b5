import Fluent
import Foundation
import PayungCore
import Vapor

/// Downloads: proposal lists (XLSX or CSV, full NIK only for roles that may
/// export personal data, masked otherwise) and the BPJS registration and
/// deactivation batches.
struct ExportController {
    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.proposalExport.components, use: proposals)
        web.get(WebPath.programs.components + [":id", "batch-bpjs"], use: batch)
        web.get(WebPath.programs.components + [":id", "nonaktif-bpjs"], use: deactivationBatch)
    }

    /// The list as the page shows it: the same filters (program, status,
    /// kelurahan, name or last NIK digits) and the same scope.
    private func proposals(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let filter = try ProposalWebController.ListFilter(
            status: try? req.query.get(String.self, at: "status"), program: try? req.query.get(String.self, at: "program"),
            village: try? req.query.get(String.self, at: "village"), q: try? req.query.get(String.self, at: "q"), page: PageRequest())
        if let text = try? req.query.get(String.self, at: "status"), !text.isEmpty, filter.status == nil {
            throw AppError.invalid("status_invalid", "Status \"\(text.prefix(30))\" tidak dikenal. Pilihan: \(ProposalStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        var program: ProgramModel?
        if let id = filter.programID {
            guard let found = try await ProgramModel.find(id, on: req.db), ProgramAPIController.visible(found, to: actor) else {
                throw AppError.notFound("Program")
            }
            program = found
        }
        return try await Self.proposalList(program, filter: filter, actor: actor, req)
    }

    private func batch(_ req: Request) async throws -> Response {
        try await Self.bpjsBatch(req.uuidParameter("id", thing: "Program"), req)
    }

    /// The proposal list as XLSX or CSV (`format` from the query).
    static func proposalList(_ program: ProgramModel?, filter: ProposalWebController.ListFilter, actor: Actor, _ req: Request) async throws -> Response {
        let format = try ExportRequest.Format.from(req)
        let full = AccessPolicy.mayAnywhere(actor, .importExport)
        let scopes = full ? AccessPolicy.scopes(of: actor, for: .importExport) : ProposalAPIController.readScopes(actor)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-export-\(UUID().uuidString).\(format.rawValue)")
        let count = try await ProposalExport(db: req.db).write(
            ExportRequest(kind: .proposals, programID: program?.id, format: format, statuses: filter.status.map { [$0] } ?? [],
                          region: filter.village, search: filter.search, scopes: scopes, fullNIK: full), to: url)
        let described = filter.query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        try await req.audit.record(AuditEntry(action: "export.proposals", entity: "program", entityID: program?.id?.uuidString,
                                              regionCode: program?.regencyCode ?? scopes.first?.region.dotted,
                                              note: "\(count) rows, \(full ? "full NIK" : "masked NIK"), \(format.rawValue)"
                                                + (described.isEmpty ? "" : ", filter \(described)")), by: req.auditActor)
        return try await download(url, name: "usulan-\(program?.code ?? "semua").\(format.rawValue)", format: format, req)
    }

    /// The BPJS registration batch of program `id` (`format`, `segment` from the query).
    static func bpjsBatch(_ id: UUID, _ req: Request) async throws -> Response {
        let program = try await bpjsBatchProgram(id, req)
        let format = try ExportRequest.Format.from(req)
        let segment = BPJSSegment(rawValue: ((try? req.query.get(String.self, at: "segment")) ?? "SG").uppercased()) ?? .sg
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-batch-\(UUID().uuidString).\(format.rawValue)")
        let count = try await BPJSBatchExport(db: req.db, today: req.today).write(program: program, layout: .standard, segment: segment,
                                                                                 format: format, to: url)
        try await req.audit.record(AuditEntry(action: "bpjs.export_batch", entity: "program", entityID: id.uuidString,
                                              regionCode: program.regencyCode, note: "\(count) participants, segment \(segment.rawValue)"),
                                   by: req.auditActor)
        return try await download(url, name: "pendaftaran-bpjs-\(program.code).\(format.rawValue)", format: format, req)
    }

    /// Program `id`, if the caller may download its BPJS batches (registration
    /// or deactivation): who registers its participants with BPJS, the
    /// operator and the BPJS officer of its Pemda. Anyone else's: 404.
    static func bpjsBatchProgram(_ id: UUID, _ req: Request) async throws -> ProgramModel {
        let actor = try req.requireActor(allowedTo: .register)
        guard let program = try await ProgramModel.find(id, on: req.db),
              AccessPolicy.may(actor, .register, in: RegionCode(program.regencyCode)!) else { throw AppError.notFound("Program") }
        return program
    }

    static func download(_ url: URL, name: String, format: ExportRequest.Format, _ req: Request) async throws -> Response {
        let response = try await req.fileio.asyncStreamFile(at: url.path) { _ in try? FileManager.default.removeItem(at: url) }
        response.headers.contentType = format == .xlsx
            ? HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: name)
        return response
    }
}

extension ExportRequest.Format {
    /// `format` from the query: XLSX when absent, an error when unknown.
    static func from(_ req: Request) throws -> Self {
        guard let text = try? req.query.get(String.self, at: "format"), !text.isEmpty else { return .xlsx }
        guard let format = Self(rawValue: text.lowercased()) else {
            throw AppError.invalid("format_invalid", "Format unduhan \"\(text)\" tidak dikenal: pilih xlsx atau csv.")
        }
        return format
    }
}
