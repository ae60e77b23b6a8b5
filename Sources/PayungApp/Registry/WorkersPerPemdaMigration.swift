import Fluent
import FluentSQL
import SQLKit

/// A person's record belongs to the Pemda that holds it: `workers` gains
/// `pemda_code` (`PP.KK`), and one NIK may have one record per Pemda
/// (unique on Pemda and NIK instead of NIK alone).
///
/// Existing rows go to the Pemda of their address, else of a program they
/// were proposed to, else of the NIK's issuing regency.
///
/// SQLite cannot drop a table constraint, so there the table is rebuilt the
/// way SQLite documents ("Making Other Kinds Of Table Schema Changes"): on
/// one connection, foreign keys off, new table, copy, drop, rename, check
/// foreign keys, commit.
struct HoldWorkersPerPemda: AsyncMigration {
    static let fill = """
        COALESCE(substr(village_code, 1, 5),
                 (SELECT g.regency_code FROM proposals p JOIN programs g ON g.id = p.program_id WHERE p.worker_id = workers.id LIMIT 1),
                 substr(nik, 1, 2) || '.' || substr(nik, 3, 2))
        """

    func prepare(on database: any Database) async throws {
        if database.kind == .postgresql {
            let sql = database.sql
            try await sql.raw("ALTER TABLE workers ADD COLUMN pemda_code TEXT").run()
            try await sql.raw(SQLQueryString("UPDATE workers SET pemda_code = \(unsafeRaw: Self.fill)")).run()
            try await sql.raw("ALTER TABLE workers ALTER COLUMN pemda_code SET NOT NULL").run()
            for name in try await uniqueConstraintsOnNIK(sql) {
                try await sql.raw("ALTER TABLE workers DROP CONSTRAINT \(ident: name)").run()
            }
            try await sql.raw("ALTER TABLE workers ADD CONSTRAINT workers_pemda_nik_key UNIQUE (pemda_code, nik)").run()
        } else {
            try await rebuildSQLite(on: database) { original in
                guard let unique = original.range(of: #"CONSTRAINT "[^"]*" UNIQUE \("nik"\)"#, options: .regularExpression),
                      let firstConstraint = original.range(of: "CONSTRAINT ") else {
                    throw MigrationShapeError(table: "workers", expected: "UNIQUE (\"nik\")")
                }
                var sql = original
                sql.replaceSubrange(unique, with: #"CONSTRAINT "workers_pemda_nik_key" UNIQUE ("pemda_code", "nik")"#)
                sql.insert(contentsOf: #""pemda_code" TEXT NOT NULL, "#, at: firstConstraint.lowerBound)
                return (sql, "pemda_code, " + Self.columns, Self.fill + ", " + Self.columns)
            }
        }
        try await database.sql.create(index: "workers_nik_idx").on("workers").column("nik").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "workers_nik_idx").run()
        if database.kind == .postgresql {
            let sql = database.sql
            try await sql.raw("ALTER TABLE workers DROP CONSTRAINT workers_pemda_nik_key").run()
            try await sql.raw("ALTER TABLE workers ADD CONSTRAINT \(ident: "uq:workers.nik") UNIQUE (nik)").run()
            try await sql.raw("ALTER TABLE workers DROP COLUMN pemda_code").run()
        } else {
            try await rebuildSQLite(on: database) { original in
                var sql = original
                guard let unique = sql.range(of: #"CONSTRAINT "workers_pemda_nik_key" UNIQUE ("pemda_code", "nik")"#),
                      let column = sql.range(of: #""pemda_code" TEXT NOT NULL, "#) else {
                    throw MigrationShapeError(table: "workers", expected: "pemda_code")
                }
                sql.replaceSubrange(unique, with: #"CONSTRAINT "uq:workers.nik" UNIQUE ("nik")"#)
                sql.removeSubrange(sql.range(of: #""pemda_code" TEXT NOT NULL, "#)!)
                _ = column
                return (sql, Self.columns, Self.columns)
            }
        }
    }

    /// The columns both shapes share.
    static let columns = """
        id, nik, name, kk, birth_place, birth_date, sex, village_code, rt, rw, street, phone, occupation_code, \
        monthly_income, disability, welfare_decile, created_at, updated_at
        """

    private func uniqueConstraintsOnNIK(_ sql: any SQLDatabase) async throws -> [String] {
        struct Row: Decodable { let conname: String }
        return try await sql.raw("""
            SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = 'workers' AND c.contype = 'u'
              AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'nik')]::int2[]
            """).all(decoding: Row.self).map(\.conname)
    }

    /// Rebuilds `workers` from its own `CREATE TABLE` text as `reshape`
    /// changes it, copying `select` into `insert` columns.
    private func rebuildSQLite(on database: any Database,
                               reshape: @escaping @Sendable (String) throws -> (create: String, insert: String, select: String)) async throws {
        try await database.withConnection { connection in
            let sql = connection.sql
            struct Schema: Decodable { let sql: String }
            guard let original = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'workers'")
                .first(decoding: Schema.self)?.sql else { throw MigrationShapeError(table: "workers", expected: "the table") }
            let (create, insert, select) = try reshape(original)
            guard let head = create.range(of: #"CREATE TABLE "workers""#) ?? create.range(of: "CREATE TABLE workers") else {
                throw MigrationShapeError(table: "workers", expected: "CREATE TABLE")
            }
            var rebuilt = create
            rebuilt.replaceSubrange(head, with: #"CREATE TABLE "workers_rebuild""#)
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            do {
                try await sql.raw("BEGIN IMMEDIATE").run()
                try await sql.raw(SQLQueryString(rebuilt)).run()
                try await sql.raw(SQLQueryString("INSERT INTO workers_rebuild (\(unsafeRaw: insert)) SELECT \(unsafeRaw: select) FROM workers")).run()
                try await sql.raw("DROP TABLE workers").run()
                try await sql.raw("ALTER TABLE workers_rebuild RENAME TO workers").run()
                try await sql.raw("CREATE INDEX workers_village_idx ON workers (village_code)").run()
                let broken = try await sql.raw("PRAGMA foreign_key_check").all()
                guard broken.isEmpty else { throw MigrationShapeError(table: "workers", expected: "no broken foreign keys") }
                try await sql.raw("COMMIT").run()
            } catch {
                try? await sql.raw("ROLLBACK").run()
                try? await sql.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }
}

struct MigrationShapeError: Error, CustomStringConvertible {
    let table: String
    let expected: String
    var description: String { "Migration: table \(table) does not have the expected shape (\(expected))" }
}
