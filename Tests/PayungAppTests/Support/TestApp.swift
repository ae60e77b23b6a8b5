import FluentPostgresDriver
import Foundation
import Logging
import PayungApp
import PayungCore

import Testing
import Vapor
import VaporTesting

/// The databases every storage test runs on: SQLite always, PostgreSQL when
/// `PAYUNG_TEST_POSTGRES_URL` is set (CI sets it; outside CI a warning says
/// the PostgreSQL half was skipped).
enum TestDatabase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["PAYUNG_TEST_POSTGRES_URL"]
        if url == nil || url!.isEmpty {
            let line = String(repeating: "!", count: 72)
            FileHandle.standardError.write(Data("""
                \(line)
                !! PostgreSQL tests SKIPPED: PAYUNG_TEST_POSTGRES_URL is not set.
                !! Only SQLite was tested. Run .ci/run to test both databases.
                \(line)

                """.utf8))
            return nil
        }
        return url
    }()

    /// SQLite, plus PostgreSQL when configured. In CI, a missing PostgreSQL is a failure.
    static var available: [TestDatabase] {
        if postgresURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true but PAYUNG_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot run")
        }
        return [.sqlite]
    }
}

/// Repository root, so tests find `Resources/Views` and `Public` wherever they run.
let packageRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A pinned "today" for tests: 21 November 2026, 10:00 WIB.
let testNow = Date(timeIntervalSince1970: 1_795_230_000)

/// Runs `body` with a configured, migrated app on a fresh database of its own.
func withTestApp(
    _ database: TestDatabase,
    _ body: @Sendable (Application) async throws -> Void
) async throws {
    let fresh = try await FreshDatabase.make(database)
    do {
        try await withApp(configure: { app in
            app.clock = .fixed(testNow)
            try await configure(app, config: AppConfig(database: fresh.location, rootDirectory: packageRoot, bcryptCost: 4))
            try await app.autoMigrate()
        }, body)
    } catch {
        try? await fresh.drop()
        throw error
    }
    try await fresh.drop()
}

/// A database that exists for one test: SQLite in memory, or a new PostgreSQL
/// database created from `PAYUNG_TEST_POSTGRES_URL` and dropped afterwards.
struct FreshDatabase {
    let location: DatabaseLocation
    private let postgresName: String?

    static func make(_ kind: TestDatabase) async throws -> FreshDatabase {
        switch kind {
        case .sqlite:
            return FreshDatabase(location: .sqliteMemory, postgresName: nil)
        case .postgres:
            let name = "payung_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await admin("CREATE DATABASE \(name)")
            var components = URLComponents(string: TestDatabase.postgresURL!)!
            components.path = "/" + name
            return FreshDatabase(location: .postgres(components.string!), postgresName: String(name))
        }
    }

    func drop() async throws {
        guard let postgresName else { return }
        try await Self.admin("DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
    }

    private static func admin(_ sql: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: TestDatabase.postgresURL!).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
            logger: Logger(label: "payung.tests.admin"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "payung.tests.admin"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// Small fixtures: the pilot regions file shipped with the tests.
enum Fixtures {
    static let directory = packageRoot + "/Tests/PayungAppTests/Fixtures/"
    static let pilotRegions = directory + "pilot-regions.csv"
    /// The full national list, when `shared/` sits beside the repository.
    static let fullRegions: String? = {
        let path = URL(fileURLWithPath: packageRoot + "/../shared/data/regions/regions_full.csv").standardized.path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()
}
