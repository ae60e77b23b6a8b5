import Foundation

/// The second floor of the import benchmark: the database's own loader
/// writing exactly the rows Payung wrote (workers, heirs, proposals) into a
/// fresh copy of Payung's schema, with its indexes and foreign keys, in one
/// transaction. The first floor (the file into one table) measures reading
/// a file; this one measures what the database must do for the import
/// whatever program drives it, so the two together show where Payung's
/// time goes.
enum SchemaFloor {
    static let tables = ["workers", "heirs", "proposals"]
    /// Tables the loaded rows refer to, copied untimed.
    static let referenced = ["regions", "occupations", "users", "programs", "import_runs"]

    /// `sqlite3 .import` of the three tables into a copy of the schema
    /// (WAL, foreign keys on, as Payung runs). `.import` reads empty fields
    /// as '' rather than NULL, so proposals go through a raw table and one
    /// `INSERT ... SELECT nullif(...)`.
    static func sqlite(benchDB: String, directory: URL) throws -> Double {
        let floorDB = directory.appendingPathComponent("schema-floor.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: floorDB + suffix) }
        var export = ".mode csv\n"
        for table in tables { export += ".once \(directory.path)/floor-\(table).csv\nSELECT * FROM \(table);\n" }
        try ImportBenchmark.output("sqlite3", [benchDB], stdin: export)
        let schema = try ImportBenchmark.output("sqlite3", [benchDB, ".schema"], stdin: nil)
            .components(separatedBy: "\n").filter { !$0.contains("sqlite_") }.joined(separator: "\n")
        var setup = "PRAGMA journal_mode = WAL;\n\(schema)\nATTACH '\(benchDB)' AS bench;\n"
        for table in referenced { setup += "INSERT INTO \(table) SELECT * FROM bench.\(table);\n" }
        try ImportBenchmark.output("sqlite3", [floorDB], stdin: setup)
        let columns = try ImportBenchmark.output("sqlite3", [benchDB, "SELECT count(*) FROM pragma_table_info('proposals')"], stdin: nil)
        let n = Int(columns.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let raw = (1...n).map { "c\($0)" }.joined(separator: ", ")
        let values = (1...n).map { "nullif(c\($0), '')" }.joined(separator: ", ")
        let load = """
            PRAGMA foreign_keys = ON;
            BEGIN;
            .mode csv
            .import \(directory.path)/floor-workers.csv workers
            .import \(directory.path)/floor-heirs.csv heirs
            CREATE TEMP TABLE proposals_raw (\(raw));
            .import \(directory.path)/floor-proposals.csv proposals_raw
            INSERT INTO proposals SELECT \(values) FROM proposals_raw;
            COMMIT;
            """
        let seconds = try ImportBenchmark.timed("sqlite3", ["-bail", floorDB], stdin: load)
        try expectSameCounts(try counts("sqlite3", [floorDB]), try counts("sqlite3", [benchDB]))
        return seconds
    }

    private static func counts(_ tool: String, _ target: [String]) throws -> String {
        let query = tables.map { "SELECT count(*) FROM \($0)" }.joined(separator: " UNION ALL ")
        return try ImportBenchmark.output(tool, target + (tool == "psql" ? ["-At", "-c", query] : [query]), stdin: nil)
    }

    /// A floor that silently loaded fewer rows would flatter nobody.
    private static func expectSameCounts(_ floor: String, _ payung: String) throws {
        guard floor == payung else { throw CommandFailure("schema floor loaded \(floor) rows, Payung \(payung)") }
    }

    /// `psql \copy` of the three tables into a fresh database made from
    /// `pg_dump --schema-only` of the benchmark database.
    static func postgres(url: String, directory: URL) throws -> Double {
        let plain = url.components(separatedBy: "?").first ?? url
        guard let slash = plain.lastIndex(of: "/") else { throw CommandFailure("no database name in \(url)") }
        let name = String(plain[plain.index(after: slash)...]) + "_schema_floor"
        let floorURL = String(plain[...slash]) + name
        for table in tables {
            try ImportBenchmark.output("psql", [plain, "-q", "-c", "\\copy \(table) TO '\(directory.path)/floor-\(table).copy'"], stdin: nil)
        }
        try ImportBenchmark.output("psql", [plain, "-q", "-c", "DROP DATABASE IF EXISTS \(name)", "-c", "CREATE DATABASE \(name)"], stdin: nil)
        let schema = try ImportBenchmark.output("pg_dump", ["--schema-only", plain], stdin: nil)
        try ImportBenchmark.output("psql", [floorURL, "-q"], stdin: schema)
        let data = try ImportBenchmark.output("pg_dump", ["--data-only", "--disable-triggers"] + referenced.flatMap { ["-t", $0] } + [plain], stdin: nil)
        try ImportBenchmark.output("psql", [floorURL, "-q"], stdin: data)
        var arguments = [floorURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", "BEGIN"]
        for table in tables { arguments += ["-c", "\\copy \(table) FROM '\(directory.path)/floor-\(table).copy'"] }
        arguments += ["-c", "COMMIT"]
        let seconds = try ImportBenchmark.timed("psql", arguments, stdin: nil)
        try expectSameCounts(try counts("psql", [floorURL]), try counts("psql", [plain]))
        return seconds
    }
}
