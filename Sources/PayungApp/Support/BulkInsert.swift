import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit

/// A value for a bulk insert.
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

    var bind: any SQLExpression {
        switch self {
        case .text(let v): SQLBind(v)
        case .int(let v): SQLBind(v)
        case .bool(let v): SQLBind(v)
        case .uuid(let v): SQLBind(v)
        case .date(let v): SQLBind(v)
        case .null: SQLLiteral.null
        }
    }

    /// PostgreSQL `COPY ... FROM STDIN` text format.
    func copyText(_ out: inout String, dates: ISO8601DateFormatter) {
        switch self {
        case .text(let v):
            for scalar in v.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(scalar)
                }
            }
        case .int(let v): out += String(v)
        case .bool(let v): out += v ? "t" : "f"
        case .uuid(let v): out += v.uuidString
        case .date(let v): out += dates.string(from: v)
        case .null: out += "\\N"
        }
    }
}

/// Inserts many rows the fastest way each database offers, inside the
/// caller's transaction: PostgreSQL `COPY ... FROM STDIN` on the
/// transaction's own connection, SQLite multi-row `INSERT ... VALUES`.
/// Table and column names are the code's own constants, never user input.
enum BulkInsert {
    /// Rows per SQLite statement: 2,000 x 18 columns stays well under its 250,000 binds.
    static let sqliteBatch = 2_000

    static func insert(into table: String, columns: [String], rows: [[BulkValue]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let started = Date()
        defer {
            if ProcessInfo.processInfo.environment["PAYUNG_IMPORT_TIMING"] == "1" {
                print(String(format: "  %@: %d rows in %.2f s", table, rows.count, Date().timeIntervalSince(started)))
            }
        }
        if db.kind == .postgresql, let postgres = db as? any PostgresDatabase {
            try await copy(into: table, columns: columns, rows: rows, postgres: postgres, logger: db.logger)
            return
        }
        for chunk in rows.chunked(into: sqliteBatch) {
            var insert = db.sql.insert(into: table).columns(columns)
            for row in chunk { insert = insert.values(row.map(\.bind)) }
            try await insert.run()
        }
    }

    private static func copy(into table: String, columns: [String], rows: [[BulkValue]], postgres: any PostgresDatabase,
                             logger: Logger) async throws {
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let chunks = rows.chunked(into: 5_000).map { chunk -> ByteBuffer in
            var text = ""
            for row in chunk {
                for (i, value) in row.enumerated() {
                    if i > 0 { text += "\t" }
                    value.copyText(&text, dates: dates)
                }
                text += "\n"
            }
            return ByteBuffer(string: text)
        }
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    for buffer in chunks { try await writer.write(buffer) }
                }
            }
        }.get()
    }
}
