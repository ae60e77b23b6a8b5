import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// The import benchmark (not a test): N synthetic rows with realistic
/// errors, imported into SQLite and PostgreSQL, printed beside the floor on
/// the same file (`sqlite3 .import`, `psql \copy`). Run it with
/// `swift run -c release payung-bench [rows]`.
public enum ImportBenchmark {
    public static func main(arguments: [String]) async throws {
        let rows = arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
        let directory = URL(fileURLWithPath: "bench-data", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csv = directory.appendingPathComponent("proposals-\(rows).csv")
        if !FileManager.default.fileExists(atPath: csv.path) {
            let t = Date()
            try generate(rows: rows, to: csv)
            print(String(format: "generated %d rows in %.1f s -> %@", rows, Date().timeIntervalSince(t), csv.path))
        }
        var lines: [String] = []
        let sqlitePath = directory.appendingPathComponent("bench.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
        let sqlite = try await timeImport(csv: csv, location: .sqliteFile(sqlitePath))
        let sqliteFloor = try floorSQLite(csv: csv, directory: directory)
        let sqliteSchemaFloor = try SchemaFloor.sqlite(benchDB: sqlitePath, directory: directory)
        lines.append(row("SQLite", rows, sqlite, sqliteFloor, sqliteSchemaFloor))
        if let url = ProcessInfo.processInfo.environment["PAYUNG_BENCH_POSTGRES_URL"] {
            let pg = try await timeImport(csv: csv, location: .postgres(url))
            let pgFloor = try floorPostgres(csv: csv, url: url)
            let pgSchemaFloor = try SchemaFloor.postgres(url: url, directory: directory)
            lines.append(row("PostgreSQL", rows, pg, pgFloor, pgSchemaFloor))
        } else {
            lines.append("PostgreSQL: skipped (set PAYUNG_BENCH_POSTGRES_URL to a database the benchmark may fill)")
        }
        print("""

            | database | rows | Payung import (s) | rows/s | floor: file into one table (s) | Payung / floor | same rows into Payung's tables (s) | Payung / that |
            |---|---|---|---|---|---|---|---|
            """)
        for line in lines { print(line) }
    }

    struct Timing { let seconds: Double; let summary: ImportSummary }

    static func row(_ name: String, _ rows: Int, _ t: Timing, _ floor: Double, _ schemaFloor: Double) -> String {
        String(format: "| %@ | %d | %.1f | %.0f | %.1f | %.2fx | %.1f | %.2fx |", name, rows, t.seconds, Double(rows) / t.seconds, floor,
               t.seconds / floor, schemaFloor, t.seconds / schemaFloor)
            + " (\(t.summary.inserted) new, \(t.summary.rejected) rejected)"
    }

    /// Rows like an agency's roster: ~1% scientific-notation NIKs, 0.5% wrong
    /// length, 0.5% unknown occupation, 1% repeated NIKs.
    static func generate(rows: Int, to url: URL) throws {
        let villages = ["Medono", "Podosugih", "Tirto", "Bendan Kergon", "Kauman", "Poncol", "Noyontaansari",
                        "Setono", "Pringrejo", "Panjang Wetan", "Kandang Panjang", "Degayu", "Krapyak", "Bandengan"]
        let districts = ["337501", "337502", "337503", "337504"]
        let occupations = ["batik_labourer", "becak_driver", "porter", "Buruh batik", "Tukang becak", "marbot", "parking_attendant"]
        let writer = try CSVWriter(url: url, headers: ["NIK", "Nama", "Jenis Pekerjaan", "Kelurahan", "RT", "RW", "Ahli Waris", "Penghasilan"],
                                   delimiter: ";")
        var generator = SeededGenerator(seed: 42)
        var previous: [String] = []
        for i in 0..<rows {
            // (day, month, year, serial) is unique per row: 28 x 12 x 35 = 11,760 dates, then the next serial.
            let day = 1 + i % 28, month = 1 + (i / 28) % 12, year = 65 + (i / 336) % 35
            let female = i % 2 == 1
            let serial = 1 + i / 11_760
            var nik = districts[i % 4] + String(format: "%02d%02d%02d%04d", day + (female ? 40 : 0), month, year, serial)
            let roll = Int(generator.next() % 1000)
            if roll < 10 { nik = String(nik.prefix(1)) + "." + String(nik.dropFirst().prefix(5)) + "E+15" }
            else if roll < 15 { nik = String(nik.dropLast()) }
            else if roll < 25, let earlier = previous.randomElement(using: &generator) { nik = earlier }
            if previous.count < 1000 { previous.append(nik) }
            let occupation = roll >= 25 && roll < 30 ? "Pesulap" : occupations[i % occupations.count]
            try writer.append([.text(nik), .text("Pekerja \(i)"), .text(occupation), .text(villages[i % villages.count]),
                               .text(String(1 + i % 9)), .text(String(1 + i % 5)), .text("Ahli Waris \(i)"), .number(1_000_000)])
        }
        try writer.finish()
    }

    static func timeImport(csv: URL, location: DatabaseLocation) async throws -> Timing {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: location, rootDirectory: DirectoryConfiguration.detect().workingDirectory))
            try await app.autoRevert()
            try await app.autoMigrate()
            _ = try await RegionImporter(db: app.db).importFile(at: "Tests/PayungAppTests/Fixtures/pilot-regions.csv")
            let program = try await ProgramService(db: app.db, now: Date()).create(
                ProgramInput(code: "bench", regency: "33.75", name: "Benchmark", startMonth: "2027-01", endMonth: "2027-12",
                             quota: 2_000_000, occupations: OccupationCatalogue.seed.map(\.code)), actor: nil, by: .cli("bench"))
            let started = Date()
            let file = try TabularFile.read(path: csv.path)
            if ProcessInfo.processInfo.environment["PAYUNG_IMPORT_TIMING"] == "1" {
                print(String(format: "read %d rows in %.2f s", file.rows.count, Date().timeIntervalSince(started)))
            }
            let result = try await ProposalImporter(db: app.db, now: Date(), today: CalendarDate(Date()))
                .run(file, program: program, fileName: csv.lastPathComponent, actor: nil, by: .cli("bench"), dryRun: false,
                     progress: TerminalProgress.reporter())
            let timing = Timing(seconds: Date().timeIntervalSince(started), summary: result.summary)
            try await app.asyncShutdown()
            return timing
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// `sqlite3 .import` into a table with a unique NIK index.
    static func floorSQLite(csv: URL, directory: URL) throws -> Double {
        let db = directory.appendingPathComponent("floor.sqlite").path
        try? FileManager.default.removeItem(atPath: db)
        let script = """
            CREATE TABLE t (nik TEXT, nama TEXT, pekerjaan TEXT, kelurahan TEXT, rt TEXT, rw TEXT, ahli_waris TEXT, penghasilan INTEGER);
            CREATE UNIQUE INDEX t_nik ON t(nik);
            .mode csv
            .separator ;
            .import --skip 1 \(csv.path) t
            """
        return try timed("sqlite3", [db], stdin: script)
    }

    /// `psql \\copy` into a plain table (COPY stops at the first duplicate, so no unique index).
    static func floorPostgres(csv: URL, url: String) throws -> Double {
        let plain = url.components(separatedBy: "?").first ?? url
        _ = try timed("psql", [plain, "-q", "-c", "DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (nik TEXT, nama TEXT, pekerjaan TEXT, kelurahan TEXT, rt TEXT, rw TEXT, ahli_waris TEXT, penghasilan BIGINT); CREATE INDEX ON bench_floor(nik);"], stdin: nil)
        return try timed("psql", [plain, "-q", "-c", "\\copy bench_floor FROM '\(csv.path)' WITH (FORMAT csv, DELIMITER ';', HEADER)"], stdin: nil)
    }

    static func timed(_ tool: String, _ arguments: [String], stdin: String?) throws -> Double {
        let started = Date()
        _ = try output(tool, arguments, stdin: stdin)
        return Date().timeIntervalSince(started)
    }

    /// Runs a tool and returns what it printed; fails when it exits non-zero.
    @discardableResult
    static func output(_ tool: String, _ arguments: [String], stdin: String?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let input = Pipe(), out = Pipe()
        if stdin != nil { process.standardInput = input }
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)); try input.fileHandleForWriting.close() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure("\(tool) \(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
