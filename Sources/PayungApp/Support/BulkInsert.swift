import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Inserts many rows the fastest way each database offers, inside the
/// caller's transaction: PostgreSQL `COPY ... FROM STDIN` on the
/// transaction's own connection; SQLite one prepared `INSERT` stepped once
/// per row on the transaction's own connection (`SQLiteBulkStatement`).
/// Rows are written straight from the caller's values into the COPY buffer
/// or the statement's binds, with no intermediate row objects.
///
/// Table and column names are the code's own constants, never user input.
enum BulkInsert {
    /// Writes `count` rows; `row(i, &row)` puts row `i`'s values in column order.
    static func insert(into table: String, columns: [String], count: Int, on db: any Database,
                       row: @escaping @Sendable (Int, inout BulkRow) -> Void) async throws {
        guard count > 0 else { return }
        let started = Date()
        defer {
            if ProcessInfo.processInfo.environment["PAYUNG_IMPORT_TIMING"] == "1" {
                print(String(format: "  %@: %d rows in %.2f s", table, count, Date().timeIntervalSince(started)))
            }
        }
        if db.kind == .postgresql, let postgres = db as? any PostgresDatabase {
            try await copy(into: table, columns: columns, count: count, postgres: postgres, logger: db.logger, row: row)
        } else if let sqlite = db as? any SQLiteDatabase {
            try await SQLiteBulkStatement.insert(into: table, columns: columns, count: count, on: sqlite, row: row)
        } else {
            throw BulkInsertError(message: "bulk insert is not supported on \(db.kind)")
        }
    }

    /// Runs `body` with a 256 MB SQLite page cache when it writes more than
    /// `threshold` rows. Loading a million rows updates index pages all over
    /// the file; with the default 2 MB cache SQLite spills them to the WAL
    /// mid-transaction and reads them back. The cache is the connection's
    /// and returns to the default afterwards. PostgreSQL: no change (its
    /// buffers are the server's).
    static func withLargeCache(on db: any Database, rows: Int, threshold: Int = 20_000,
                               _ body: () async throws -> Void) async throws {
        guard db.kind == .sqlite, rows > threshold else { return try await body() }
        struct CacheSize: Decodable { let cache_size: Int }
        let previous = try await db.sql.raw("PRAGMA cache_size").first(decoding: CacheSize.self)?.cache_size ?? -2000
        try await db.sql.raw("PRAGMA cache_size = -262144").run()
        do {
            try await body()
        } catch {
            try? await db.sql.raw("PRAGMA cache_size = \(unsafeRaw: String(previous))").run()
            throw error
        }
        try await db.sql.raw("PRAGMA cache_size = \(unsafeRaw: String(previous))").run()
    }

    /// The same for rows already held as values (small inserts, tests).
    static func insert(into table: String, columns: [String], rows: [[BulkValue]], on db: any Database) async throws {
        try await insert(into: table, columns: columns, count: rows.count, on: db) { i, row in
            for value in rows[i] { row.append(value) }
        }
    }

    /// Rows per COPY message: big enough to amortise the round trip, small
    /// enough that the buffer stays a few megabytes.
    static let copyChunk = 5_000

    private static func copy(into table: String, columns: [String], count: Int, postgres: any PostgresDatabase,
                             logger: Logger, row produce: @escaping @Sendable (Int, inout BulkRow) -> Void) async throws {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var start = 0
                    var row = BulkRow(copyCapacity: copyChunk * 256)
                    while start < count {
                        let end = min(start + copyChunk, count)
                        for i in start..<end {
                            produce(i, &row)
                            row.endCopyLine()
                        }
                        try await writer.write(row.takeCopyBuffer())
                        start = end
                    }
                }
            }
        }.get()
    }
}

struct BulkInsertError: Error, CustomStringConvertible, DatabaseError {
    let message: String
    var isConstraintFailure = false
    var description: String { message }
    var isSyntaxError: Bool { false }
    var isConnectionClosed: Bool { false }
}

/// A value for `BulkInsert.insert(into:columns:rows:on:)`.
enum BulkValue: Sendable {
    case text(String)
    case int(Int64)
    case bool(Bool)
    case uuid(UUID)
    case date(Date)
    case null

    static func text(_ value: String?) -> BulkValue { value.map { .text($0) } ?? .null }
    static func int(_ value: Int64?) -> BulkValue { value.map { .int($0) } ?? .null }
    static func int(_ value: Int?) -> BulkValue { value.map { .int(Int64($0)) } ?? .null }
    static func uuid(_ value: UUID?) -> BulkValue { value.map { .uuid($0) } ?? .null }
}

extension BulkRow {
    mutating func append(_ value: BulkValue) {
        switch value {
        case .text(let v): text(v)
        case .int(let v): int(v)
        case .bool(let v): bool(v)
        case .uuid(let v): uuid(v)
        case .date(let v): date(v)
        case .null: text(nil)
        }
    }
}
