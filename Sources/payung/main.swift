import Foundation
import Logging
import PayungApp
import Vapor

var environment = try Environment.detect()
// Logs go to standard error, answers to standard output, so that scripts can
// pipe a command's answer (`payung nik check ... | jq`).
try LoggingSystem.bootstrap(from: &environment) { level in
    { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
let app = try await Application.make(environment)
var exitCode: Int32 = 0
do {
    let command = environment.arguments.dropFirst().first ?? "serve"
    var config = try AppConfig.fromEnvironment()
    // The budget planner is arithmetic: it never creates or opens a database.
    config.opensDatabase = command != "budget"
    config.sweepsJobs = command == "serve" || command.hasPrefix("-")
    try await configure(app, config: config)
    if command == "serve" || command.hasPrefix("-") {
        try await app.autoMigrate()
    }
    try await app.startup()
    try await app.running?.onStop.get()
} catch {
    exitCode = PayungExit.report(error, logger: app.logger)
}
try await app.asyncShutdown()
exit(exitCode)
