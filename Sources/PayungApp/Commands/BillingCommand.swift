import Foundation
import PayungCore
import Vapor

/// `payung billing run --program CODE --month 2026-05`: prepares (or
/// refreshes, while unissued) a month's bill as a recorded job, so it never
/// runs beside a web prepare of the same month. Issuing stays with a person
/// on the page or the API (`MakerChecker`): the command never issues.
struct BillingCommand: AsyncCommandGroup {
    var help: String { "Monthly bills: prepare a month's bill (issuing is done by a person, on the page or the API)" }
    var commands: [String: any AnyAsyncCommand] { ["run": BillingRunCommand()] }
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
