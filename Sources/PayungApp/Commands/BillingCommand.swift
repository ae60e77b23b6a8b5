import Foundation
import PayungCore
import Vapor

/// `payung billing run --program CODE --month 2026-05`: prepares (or
/// refreshes, while unissued) a month's bill as a recorded job, so it never
/// runs beside a web prepare of the same month. Issuing stays with a person
/// on the page or the API (`MakerChecker`): the command never issues.
struct BillingCommand: AsyncCommandGroup {
    var help: String { "Monthly bills: prepare a month's bill (issuing is done by a person, on the page or the API)" }
    var commands: [String: any AnyAsyncCommand] { ["run": BillingRunCommand(), "reconcile": BillingReconcileCommand()] }
}

struct BillingRunCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "month", help: "Contribution month, YYYY-MM") var month: String?
        init() {}
    }

    var help: String { "Prepares the program's bill for a month (idempotent once issued)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let program = try await app.program(code: signature.program)
        guard let text = signature.month, text.count == 7, let month = YearMonth(iso: text) else {
            throw CommandFailure("--month YYYY-MM is required (for example --month 2026-05)")
        }
        let started = Date()
        let owner = JobOwner(.cli("billing"))
        let id = try await app.jobs.submit(app, kind: BillingController.jobKind, subject: "billing:\(program.id!.uuidString):\(month.iso)",
                                           parameters: BillingController.JobParameters(programID: program.id!, month: month.iso),
                                           owner: owner, describe: "Penyiapan tagihan \(month.indonesian)")
        await app.jobs.drain()
        guard let job = try await JobModel.find(id, on: app.db) else { throw CommandFailure("the job vanished") }
        guard job.stateValue == .done, let json = job.result,
              let result = try? JSONDecoder().decode(BillingPrepareResult.self, from: Data(json.utf8)) else {
            throw CommandFailure("\(job.errorCode ?? "failed"): \(job.errorMessage ?? "the bill was not prepared")")
        }
        let words = switch result.outcome {
        case .prepared: "prepared"
        case .refreshed: "prepared again (not yet issued)"
        case .alreadyIssued: "already issued, unchanged"
        }
        context.console.print(String(format: "%@ %@: %@, %d lines, Rp%lld, %.1f s.", program.code, month.iso, words, result.lines,
                                     result.total, Date().timeIntervalSince(started)))
    }
}

/// `payung billing reconcile FILE --program CODE [--layout layout.json]`:
/// compares BPJS's invoice or payment file with Payung's person-months and
/// records the differences, as the page and the API do.
struct BillingReconcileCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "BPJS's invoice or payment file, XLSX or CSV") var file: String
        @Option(name: "program", help: "Program code") var program: String?
        @Option(name: "layout", help: "JSON column layout (default: NIK, BULAN_IURAN, IURAN, KPJ, NAMA, DIBAYAR; see docs/BILLING.md)")
        var layout: String?
        init() {}
    }

    var help: String { "Compares BPJS's invoice with Payung's person-months and lists every difference per NIK and month" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let program = try await app.program(code: signature.program)
        let layout = try BPJSInvoiceLayout.load(path: signature.layout)
        let file = try TabularFile.read(path: signature.file)
        let (run, rejections) = try await ReconciliationImport(db: app.db, now: app.clock.now(), today: app.clock.today)
            .run(file, program: program, layout: layout, fileName: URL(fileURLWithPath: signature.file).lastPathComponent, by: .cli("billing reconcile"))
        let console = context.console
        console.print("\(program.code) \(run.months): \(run.rows) rows; \(run.missing) not billed by BPJS, \(run.extra) billed but not expected "
                      + "(\(run.afterEnd) after the participation ended), \(run.amountDiffers) different amounts; \(run.rejected) rows unreadable.")
        for r in rejections.prefix(20) { console.print("  line \(r.line), \(r.column): \(r.message)") }
        console.print("Differences: /program/\(program.id!.uuidString)/rekonsiliasi/\(run.id!.uuidString)")
    }
}
