import Foundation
import Vapor

/// `payung coverage run --program CODE`: plans the program's person-months
/// (docs/PREMIUMS.md). Idempotent: running it again adds only what is missing.
struct CoverageCommand: AsyncCommandGroup {
    var help: String { "Coverage months: who is covered in which month, priced and paid by whom" }
    var commands: [String: any AnyAsyncCommand] { ["run": CoverageRunCommand()] }
}

struct CoverageRunCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "program", help: "Program code") var program: String?
        init() {}
    }

    var help: String { "Plans, prices and allocates the program's person-months" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let program = try await app.program(code: signature.program)
        let started = Date()
        let result = try await CoverageRun(db: app.db, now: app.clock.now()).run(programID: program.id!)
        try await AuditTrail(db: app.db, now: app.clock.now()).record(AuditEntry(
            action: "coverage.run", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
            note: "\(result.planned) person-months planned, \(result.unfunded) unfunded"), by: .cli("coverage"))
        context.console.print(String(format: "%@: %d participants, %d person-months planned (%d unfunded, %d already priced, %d removed), Rp%lld, %.1f s.",
                                     program.code, result.participants, result.planned, result.unfunded, result.alreadyPriced,
                                     result.removed, result.plannedRupiah, Date().timeIntervalSince(started)))
    }
}
