import Fluent
import Foundation
import PayungCore
import Vapor

/// `payung bpjs export-deactivation --program CODE -o FILE [--format xlsx|csv] [--since YYYY-MM-DD] [--layout layout.json]`.
struct BPJSExportDeactivationCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "output", short: "o", help: "File to write") var output: String?
        @Option(name: "format", help: "xlsx (default) or csv") var format: String?
        @Option(name: "since", help: "Only participations ended on or after this day (YYYY-MM-DD)") var since: String?
        @Option(name: "layout", help: "JSON column layout (see docs/BPJS-BATCH.md)") var layout: String?
        init() {}
    }

    var help: String { "Writes the deactivation batch: ended participations BPJS registered (with a KPJ), for BPJS to stop invoicing them" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let code = signature.program, let output = signature.output else { throw CommandFailure("--program CODE and -o FILE are required") }
        guard let format = ExportRequest.Format(rawValue: signature.format ?? "xlsx") else { throw CommandFailure("--format xlsx or csv") }
        let since: CalendarDate?
        do { since = try BPJSDeactivationExport.since(signature.since) } catch { throw CommandFailure("--since YYYY-MM-DD, e.g. 2026-03-01") }
        let layout = try BPJSDeactivationLayout.load(path: signature.layout)
        let app = context.application
        try await app.autoMigrate()
        guard let program = try await ProgramModel.query(on: app.db).filter(\.$code == code).first() else { throw CommandFailure("no program \(code)") }
        let count = try await BPJSDeactivationExport(db: app.db).write(program: program, layout: layout, since: since, format: format,
                                                                      to: URL(fileURLWithPath: output))
        try await AuditTrail(db: app.db, now: app.clock.now()).record(
            BPJSDeactivationExport.auditEntry(program: program, count: count, since: since, format: format), by: .cli("bpjs export-deactivation"))
        context.console.print("Wrote \(count) ended participations to deactivate to \(output).")
    }
}
