import Fluent
import Foundation
import PayungCore
import Vapor

/// `payung import proposals FILE --program CODE [--dry-run]` and
/// `payung import registry FILE`.
struct ImportCommand: AsyncCommandGroup {
    var help: String { "Imports spreadsheets (CSV or XLSX)" }
    var commands: [String: any AnyAsyncCommand] {
        ["proposals": ImportProposalsCommand(), "registry": ImportRegistryCommand(), "history": ImportHistoryCommand()]
    }
}

/// `payung import history FILE --program CODE`: a past program's participants
/// (NIK, name, KPJ, start and end dates, kelurahan) without the workflow.
struct ImportHistoryCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV or XLSX with NIK, name, KPJ, start date, kelurahan (end date optional)") var file: String
        @Option(name: "program", help: "Program code, e.g. pkl-bb-2022") var program: String?
        @Option(name: "sheet", help: "XLSX sheet name") var sheet: String?
        @Option(name: "report", help: "Write rejected rows to this XLSX") var report: String?
        @Flag(name: "dry-run", help: "Check every row and report, write nothing") var dryRun: Bool
        init() {}
    }

    var help: String { "Loads a past program's participants as history (no proposal workflow)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let program = try await app.program(code: signature.program)
        let file = try TabularFile.read(path: signature.file, sheet: signature.sheet)
        let result = try await HistoryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
            .run(file, program: program, fileName: URL(fileURLWithPath: signature.file).lastPathComponent, by: .cli("import history"),
                 dryRun: signature.dryRun)
        try ImportOutput.print(result, report: signature.report, console: context.console)
    }
}

struct ImportProposalsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV (comma or semicolon) or XLSX") var file: String
        @Option(name: "program", help: "Program code, e.g. pkl-bb-2023") var program: String?
        @Option(name: "sheet", help: "XLSX sheet name (default: the first)") var sheet: String?
        @Option(name: "report", help: "Write rejected rows to this XLSX") var report: String?
        @Flag(name: "dry-run", help: "Check every row and report, write nothing") var dryRun: Bool
        @Option(name: "village", help: "Kelurahan (code or name) for rows that have none") var village: String?
        @Option(name: "rt", help: "RT for rows that have none, e.g. 003") var rt: String?
        @Option(name: "rw", help: "RW for rows that have none, e.g. 005") var rw: String?
        init() {}
    }

    var help: String { "Imports proposals into a program: each row checked like the form; valid rows in one transaction" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let program = try await app.program(code: signature.program)
        let file = try TabularFile.read(path: signature.file, sheet: signature.sheet)
        var importer = ProposalImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
        importer.defaults = ImportDefaults(village: signature.village, rt: signature.rt, rw: signature.rw)
        let result = try await importer
            .run(file, program: program, fileName: URL(fileURLWithPath: signature.file).lastPathComponent, actor: nil,
                 by: .cli("import proposals"), dryRun: signature.dryRun,
                 progress: TerminalProgress.reporter())
        try ImportOutput.print(result, report: signature.report, console: context.console)
    }
}

/// Progress on a terminal: rows done, rows per second, time left.
enum TerminalProgress {
    static func reporter(label: String = "rows") -> ImportProgress? {
        guard isatty(2) != 0 else { return nil }
        let started = Date()
        return { done, total in
            let elapsed = max(Date().timeIntervalSince(started), 0.001)
            let rate = Double(done) / elapsed
            let eta = rate > 0 ? Double(total - done) / rate : 0
            FileHandle.standardError.write(Data(String(format: "\r%d/%d %@, %.0f/s, ETA %.0f s   ", done, total, label, rate, eta).utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}

enum ImportOutput {
    static func print(_ result: ImportResult, report: String?, console: any Console) throws {
        let s = result.summary
        console.print(String(format: "%@%d rows: %d new, %d updated, %d unchanged, %d rejected (%.1f s).",
                             s.dryRun ? "Dry run, nothing written. " : "", s.rows, s.inserted, s.updated, s.unchanged, s.rejected, s.seconds))
        console.print("Header on line \(s.headerLine): " + s.mapping.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        if !result.changes.isEmpty {
            console.print(s.dryRun ? "Would change:" : "Changed:")
            for c in result.changes.prefix(50) { console.print("  line \(c.line), \(c.name) (\(c.nik)): \(c.sentence)") }
            if result.changes.count > 50 { console.print("  ... and \(result.changes.count - 50) more") }
        }
        for r in result.rejections.prefix(20) { console.print("  line \(r.line), \(r.column): \(r.message) [\(r.code)]") }
        if result.rejections.count > 20 { console.print("  ... and \(result.rejections.count - 20) more") }
        if let report, !result.rejections.isEmpty {
            try RejectionReport.write(result, to: URL(fileURLWithPath: report))
            console.print("Rejected rows written to \(report)")
        }
    }
}
