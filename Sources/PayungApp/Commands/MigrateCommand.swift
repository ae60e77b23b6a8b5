import Fluent
import Vapor

/// `payung migrate [--revert]`: brings the schema up to date, without asking.
struct PayungMigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead")
        var revert: Bool
        init() {}
    }

    var help: String { "Creates or updates the database schema" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.revert {
            try await app.autoRevert()
            context.console.print("Migrations reverted.")
        } else {
            try await app.autoMigrate()
            context.console.print("Database schema is up to date (\(app.db.kind.rawValue)).")
        }
    }
}
