import Foundation
import PayungCore
import Vapor

/// `payung nik check NIK`: prints the check as JSON (the same as the API).
/// Exit status 0 when valid, 1 when invalid.
struct NIKCommand: AsyncCommandGroup {
    var help: String { "NIK tools" }
    var commands: [String: any AnyAsyncCommand] { ["check": NIKCheckCommand()] }
}

struct NIKCheckCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "nik", help: "The NIK, as typed or pasted (quote it if it has spaces)")
        var nik: String
        init() {}
    }

    var help: String { "Validates a NIK and prints JSON: valid, reason, warnings, birthDate, sex, province, regency, district" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let result = try await NIKCheckService(db: app.db, today: app.clock.today).check(signature.nik)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        context.console.output(String(decoding: try encoder.encode(result), as: UTF8.self), style: .plain)
        if !result.valid { throw ExitStatus(code: 1) }
    }
}

/// Ends a command with a given exit status and no further message.
struct ExitStatus: Error {
    let code: Int32
}
