import Fluent
import Vapor

extension Application {
    /// The program a command names with `--program CODE`, after migrating;
    /// a clear failure when the option is missing or names no program.
    func program(code: String?) async throws -> ProgramModel {
        guard let code, !code.isEmpty else { throw CommandFailure("--program CODE is required") }
        try await autoMigrate()
        guard let program = try await ProgramModel.query(on: db).filter(\.$code == code).first() else {
            throw CommandFailure("no program with code \(code)")
        }
        return program
    }
}
