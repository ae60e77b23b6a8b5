import FluentSQLiteDriver
import Foundation
import NIOPosix
import VaporCSQLite

/// SQLite's own fastest way to load rows, the one `sqlite3 .import` uses:
/// one prepared `INSERT`, bound and stepped once per row, on the
/// connection that holds the caller's transaction.
///
/// SQLiteNIO prepares a statement for every query and takes its binds as
/// an array of enums; for a million rows that is most of the cost. It does
/// not expose the connection's `sqlite3*` handle, so it is read by
/// reflection (`SQLiteConnection.handle.raw`, SQLiteNIO 1.13). If a future
/// version moves it, `rawHandle` fails loudly (every SQLite import test
/// goes through here) rather than writing through a different path.
enum SQLiteBulkStatement {
    /// Binds values into the prepared statement; remembers the first failure.
    final class Binder: @unchecked Sendable {
        let statement: OpaquePointer
        private(set) var failure: Int32 = SQLITE_OK

        init(statement: OpaquePointer) { self.statement = statement }

        func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
            let code = bytes.withMemoryRebound(to: CChar.self) { chars in
                // A zero-length buffer may have no address, which SQLite would bind as NULL.
                sqlite_nio_sqlite3_bind_text(statement, index, chars.baseAddress ?? Self.empty, Int32(chars.count), SQLITE_TRANSIENT)
            }
            note(code)
        }

        func bindInt(_ index: Int32, _ value: Int64) { note(sqlite_nio_sqlite3_bind_int64(statement, index, value)) }
        func bindDouble(_ index: Int32, _ value: Double) { note(sqlite_nio_sqlite3_bind_double(statement, index, value)) }
        func bindNull(_ index: Int32) { note(sqlite_nio_sqlite3_bind_null(statement, index)) }

        private func note(_ code: Int32) {
            if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
        }

        private static var empty: UnsafePointer<CChar> {
            UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
        }
    }

    static func insert(into table: String, columns: [String], count: Int, on db: any SQLiteDatabase,
                       row produce: @escaping @Sendable (Int, inout BulkRow) -> Void) async throws {
        try await db.withConnection { connection in
            let handle = try rawHandle(of: connection)
            return try await NIOThreadPool.singleton.runIfActive {
                try run(handle: handle, table: table, columns: columns, count: count, produce: produce)
            }
        }
    }

    private static func run(handle: Handle, table: String, columns: [String], count: Int,
                            produce: (Int, inout BulkRow) -> Void) throws {
        let db = handle.pointer
        let sql = "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error(db, "prepare \(table)")
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let binder = Binder(statement: statement)
        var row = BulkRow(binder: binder)
        for i in 0..<count {
            row.resetColumns()
            produce(i, &row)
            guard row.column == Int32(columns.count) else {
                throw BulkInsertError(message: "\(table) row \(i): \(row.column) values for \(columns.count) columns")
            }
            guard binder.failure == SQLITE_OK else { throw error(db, "bind \(table) row \(i)") }
            let step = sqlite_nio_sqlite3_step(statement)
            guard step == SQLITE_DONE else {
                sqlite_nio_sqlite3_reset(statement)
                throw error(db, "insert into \(table) row \(i)", code: step)
            }
            sqlite_nio_sqlite3_reset(statement)
        }
    }

    struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

    static func rawHandle(of connection: SQLiteConnection) throws -> Handle {
        let value = Mirror(reflecting: connection).descendant("handle", "raw")
        guard let pointer = value as? OpaquePointer else {
            throw BulkInsertError(message: "SQLiteNIO no longer exposes its connection handle where Payung reads it (SQLiteConnection.handle.raw)")
        }
        return Handle(pointer: pointer)
    }

    private static func error(_ db: OpaquePointer, _ what: String, code: Int32? = nil) -> BulkInsertError {
        let message = sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "unknown error"
        let primary = (code ?? sqlite_nio_sqlite3_errcode(db)) & 0xFF
        return BulkInsertError(message: "SQLite \(what): \(message)", isConstraintFailure: primary == SQLITE_CONSTRAINT)
    }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
