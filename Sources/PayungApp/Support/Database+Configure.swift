import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// The database engines Payung runs on. Dialect differences branch on this,
/// in one place per query.
public enum DatabaseKind: String, Sendable, Codable {
    case sqlite
    case postgresql
}

extension Database {
    /// The engine behind this connection.
    var kind: DatabaseKind {
        (self as? any SQLDatabase)?.dialect.name == "postgresql" ? .postgresql : .sqlite
    }

    /// This database as SQLKit, for the hot paths Fluent is too slow for.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            fatalError("Payung runs on SQL databases only (SQLite, PostgreSQL)")
        }
        return sql
    }
}

extension Application {
    func useDatabase(_ location: DatabaseLocation, logSQL: Bool) throws {
        let level: Logger.Level = logSQL ? .info : .debug
        switch location {
        case .sqliteFile(let path):
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), dataEncoder: .init(), dataDecoder: .init(), sqlLogLevel: level), as: .sqlite)
        case .sqliteMemory:
            databases.use(.sqlite(.memory, connectionPoolTimeout: .seconds(30), dataEncoder: .init(), dataDecoder: .init(), sqlLogLevel: level), as: .sqlite)
        case .postgres(let url):
            // A burst (fifty RT heads signing in at once, a bulk approval)
            // waits for a connection instead of failing after the default 10 s
            // with one connection per event loop.
            databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url),
                                    maxConnectionsPerEventLoop: 2, connectionPoolTimeout: .seconds(30),
                                    encodingContext: .default, decodingContext: .default,
                                    sqlLogLevel: level), as: .psql)
        }
    }

    /// Per-file settings that must be in force before any other statement.
    /// WAL lets readers (reports) run beside the one writer; it is stored in
    /// the file, so setting it once at start-up is enough.
    func prepareDatabase(_ location: DatabaseLocation) async throws {
        if case .sqliteFile = location {
            try await db.sql.raw("PRAGMA journal_mode = WAL").run()
        }
    }
}
