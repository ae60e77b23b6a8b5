import Foundation
import PayungCore
import Vapor

/// The BPJS deactivation batch download, for the same people as the
/// registration batch (`bpjsBatchProgram`).
extension ExportController {
    func deactivationBatch(_ req: Request) async throws -> Response {
        try await Self.bpjsDeactivationBatch(req.uuidParameter("id", thing: "Program"), req)
    }

    /// The deactivation batch of program `id` (`format`, `since` from the query).
    static func bpjsDeactivationBatch(_ id: UUID, _ req: Request) async throws -> Response {
        let program = try await bpjsBatchProgram(id, req)
        let format = try ExportRequest.Format.from(req)
        let since = try BPJSDeactivationExport.since(req.query[String.self, at: "since"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-deactivation-\(UUID().uuidString).\(format.rawValue)")
        let count = try await BPJSDeactivationExport(db: req.db).write(program: program, layout: .standard, since: since, format: format, to: url)
        try await req.audit.record(BPJSDeactivationExport.auditEntry(program: program, count: count, since: since, format: format), by: req.auditActor)
        return try await download(url, name: "penonaktifan-bpjs-\(program.code).\(format.rawValue)", format: format, req)
    }
}
