import Fluent
import Foundation
import PayungCore
import Vapor

/// `payung export KIND --program CODE --format xlsx|csv -o FILE`.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "proposals or participants") var kind: String
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "format", help: "xlsx (default) or csv") var format: String?
        @Option(name: "output", short: "o", help: "File to write") var output: String?
        @Option(name: "status", help: "Only these statuses, comma-separated") var status: String?
        init() {}
    }

    var help: String { "Exports a list to XLSX or CSV (streamed, any size)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let kind = ExportRequest.Kind(rawValue: signature.kind) else {
            throw CommandFailure("unknown list \(signature.kind); choose \(ExportRequest.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let format = ExportRequest.Format(rawValue: signature.format ?? "xlsx") else { throw CommandFailure("--format xlsx or csv") }
        guard let code = signature.program, let output = signature.output else { throw CommandFailure("--program CODE and -o FILE are required") }
        let app = context.application
        try await app.autoMigrate()
        guard let program = try await ProgramModel.query(on: app.db).filter(\.$code == code).first() else { throw CommandFailure("no program \(code)") }
        let statuses = (signature.status ?? "").split(separator: ",").compactMap { ProposalStatus(rawValue: String($0)) }
        let started = Date()
        let count = try await ProposalExport(db: app.db).write(
            ExportRequest(kind: kind, programID: program.id!, format: format, statuses: statuses),
            to: URL(fileURLWithPath: output), progress: TerminalProgress.reporter())
        try await AuditTrail(db: app.db, now: app.clock.now()).record(AuditEntry(
            action: "export.\(kind.rawValue)", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
            note: "\(count) rows, full NIK, \(format.rawValue)"), by: .cli("export"))
        context.console.print(String(format: "Wrote %d rows to %@ in %.1f s.", count, output, Date().timeIntervalSince(started)))
    }
}

/// `payung bpjs export-batch|export-deactivation|import-result|import-active`.
struct BPJSCommand: AsyncCommandGroup {
    var help: String { "BPJS registration and deactivation batches and lists" }
    var commands: [String: any AnyAsyncCommand] {
        ["export-batch": BPJSExportBatchCommand(), "export-deactivation": BPJSExportDeactivationCommand(),
         "import-result": BPJSImportResultCommand(), "import-active": BPJSImportActiveCommand()]
    }
}

struct BPJSExportBatchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "output", short: "o", help: "File to write") var output: String?
        @Option(name: "format", help: "xlsx (default) or csv") var format: String?
        @Option(name: "segment", help: "BPJS segment code (default SG: vulnerable workers paid by APBD)") var segment: String?
        @Option(name: "layout", help: "JSON column layout (see docs/BPJS-BATCH.md)") var layout: String?
        init() {}
    }

    var help: String { "Writes the registration batch: approved participants not yet registered" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let code = signature.program, let output = signature.output else { throw CommandFailure("--program CODE and -o FILE are required") }
        guard let segment = BPJSSegment(rawValue: (signature.segment ?? "SG").uppercased()) else {
            throw CommandFailure("segment must be one of \(BPJSSegment.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let format = ExportRequest.Format(rawValue: signature.format ?? "xlsx") else { throw CommandFailure("--format xlsx or csv") }
        let app = context.application
        try await app.autoMigrate()
        guard let program = try await ProgramModel.query(on: app.db).filter(\.$code == code).first() else { throw CommandFailure("no program \(code)") }
        let count = try await BPJSBatchExport(db: app.db, today: app.clock.today).write(
            program: program, layout: try BPJSBatchLayout.load(path: signature.layout), segment: segment, format: format,
            to: URL(fileURLWithPath: output))
        try await AuditTrail(db: app.db, now: app.clock.now()).record(AuditEntry(
            action: "bpjs.export_batch", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
            note: "\(count) participants, segment \(segment.rawValue)"), by: .cli("bpjs export-batch"))
        context.console.print("Wrote \(count) participants awaiting registration to \(output).")
    }
}

struct BPJSImportResultCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "BPJS's answer: NIK or ID_USULAN, KPJ and TANGGAL_MULAI, or ALASAN_DITOLAK") var file: String
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "report", help: "Write rejected rows to this XLSX") var report: String?
        @Flag(name: "dry-run", help: "Check and report only") var dryRun: Bool
        init() {}
    }

    var help: String { "Records BPJS's answer: KPJ numbers (registered) or refusals (back to the proposer)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let code = signature.program else { throw CommandFailure("--program CODE is required") }
        let app = context.application
        try await app.autoMigrate()
        guard let program = try await ProgramModel.query(on: app.db).filter(\.$code == code).first() else { throw CommandFailure("no program \(code)") }
        let result = try await BPJSResultImport(db: app.db, now: app.clock.now(), today: app.clock.today)
            .run(try TabularFile.read(path: signature.file), program: program, fileName: URL(fileURLWithPath: signature.file).lastPathComponent,
                 by: .cli("bpjs import-result"), dryRun: signature.dryRun)
        context.console.print("\(result.summary.inserted) registered, \(result.summary.updated) returned to the proposer.")
        try ImportOutput.print(result, report: signature.report, console: context.console)
    }
}

struct BPJSImportActiveCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "List with NIK (and KPJ, SEGMEN)") var file: String
        @Flag(name: "replace", help: "Replace the previous list instead of adding to it") var replace: Bool
        init() {}
    }

    var help: String { "Loads BPJS's list of already-active participants for the duplicate check" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let result = try await BPJSActiveImport(db: app.db, now: app.clock.now(), today: app.clock.today)
            .run(try TabularFile.read(path: signature.file), fileName: URL(fileURLWithPath: signature.file).lastPathComponent,
                 replace: signature.replace, by: .cli("bpjs import-active"))
        try ImportOutput.print(result, report: nil, console: context.console)
    }
}
