import Fluent
import Foundation
import PayungCore
import Vapor

/// Downloads: proposal lists (XLSX or CSV, full NIK only for roles that may
/// export personal data, masked otherwise) and the BPJS registration batch.
struct ExportController {
    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.proposalExport.components, use: proposals)
        web.get(WebPath.programs.components + [":id", "batch-bpjs"], use: batch)
    }

    private func proposals(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let programID = try? req.query.get(UUID.self, at: "program"), let program = try await ProgramModel.find(programID, on: req.db),
              ProgramAPIController.visible(program, to: actor) else {
            throw AppError.invalid("program_required", "Pilih program yang akan diunduh.")
        }
        return try await Self.proposalList(program, actor: actor, req)
    }

    private func batch(_ req: Request) async throws -> Response {
        try await Self.bpjsBatch(req.uuidParameter("id", thing: "Program"), req)
    }

    /// The proposal list of `program` as XLSX or CSV (`format`, `status` from the query).
    static func proposalList(_ program: ProgramModel, actor: Actor, _ req: Request) async throws -> Response {
        let format = try ExportRequest.Format.from(req)
        let programID = program.id!
        var status: ProposalStatus?
        if let text = try? req.query.get(String.self, at: "status"), !text.isEmpty {
            guard let known = ProposalStatus(rawValue: text) else {
                throw AppError.invalid("status_invalid", "Status \"\(text)\" tidak dikenal. Pilihan: \(ProposalStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            status = known
        }
        let full = AccessPolicy.mayAnywhere(actor, .importExport)
        let scopes = full ? AccessPolicy.scopes(of: actor, for: .importExport) : ProposalAPIController.readScopes(actor)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-export-\(UUID().uuidString).\(format.rawValue)")
        let count = try await ProposalExport(db: req.db).write(
            ExportRequest(kind: .proposals, programID: programID, format: format, statuses: status.map { [$0] } ?? [],
                          scopes: scopes, fullNIK: full), to: url)
        try await req.audit.record(AuditEntry(action: "export.proposals", entity: "program", entityID: programID.uuidString,
                                              regionCode: program.regencyCode,
                                              note: "\(count) rows, \(full ? "full NIK" : "masked NIK"), \(format.rawValue)"), by: req.auditActor)
        return try await download(url, name: "usulan-\(program.code).\(format.rawValue)", format: format, req)
    }

    /// The BPJS registration batch of program `id` (`format`, `segment` from the query).
    static func bpjsBatch(_ id: UUID, _ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .register)
        guard let program = try await ProgramModel.find(id, on: req.db),
              AccessPolicy.may(actor, .register, in: RegionCode(program.regencyCode)!) else { throw AppError.notFound("Program") }
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

    private static func download(_ url: URL, name: String, format: ExportRequest.Format, _ req: Request) async throws -> Response {
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
