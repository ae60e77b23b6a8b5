import Foundation
import Vapor

/// Where Payung keeps its data.
public enum DatabaseLocation: Sendable, Equatable {
    /// An SQLite file (WAL mode, foreign keys on).
    case sqliteFile(String)
    /// An SQLite database in memory, for tests.
    case sqliteMemory
    /// A PostgreSQL server, as a `postgres://user:pass@host:port/db` URL.
    case postgres(String)

    /// Reads `DATABASE_URL`: unset means `payung.sqlite` in the working
    /// directory; `sqlite:///abs/path`, `sqlite://relative/path`,
    /// `sqlite::memory:`, `postgres://...` and `postgresql://...` are understood.
    public static func parse(_ url: String?) throws -> DatabaseLocation {
        guard let url, !url.isEmpty else { return .sqliteFile("payung.sqlite") }
        if url == "sqlite::memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError.invalid("DATABASE_URL", url) }
            return .sqliteFile(path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.hasPrefix("postgres+tcp://") {
            return .postgres(url)
        }
        throw ConfigurationError.invalid("DATABASE_URL", "expected sqlite:///path or postgres://..., got \(url.prefix(20))...")
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    static func invalid(_ name: String, _ detail: String) -> ConfigurationError {
        ConfigurationError(description: "Invalid \(name): \(detail)")
    }
}

/// Settings, read once at start-up from the environment into one typed value.
public struct AppConfig: Sendable {
    public var database: DatabaseLocation
    /// Whether configuring touches the database (SQLite's WAL switch opens
    /// the file). Commands that need none (`payung budget`) leave it alone.
    public var opensDatabase = true
    /// Whether this process takes queued jobs from the database (left by a
    /// process that stopped, or queued by another). Serving processes do;
    /// one-off commands and tests run only the jobs they start.
    public var sweepsJobs = false
    /// Root of the project files (`Resources/Views`, `Public`); defaults to the
    /// working directory. `PAYUNG_ROOT` overrides.
    public var rootDirectory: String
    /// Log every SQL statement (`PAYUNG_SQL_LOG=1`).
    public var logSQL: Bool
    /// Bcrypt work factor (`PAYUNG_BCRYPT_COST`, 4 to 31, default 12).
    public var bcryptCost: Int
    /// Session cookies only over HTTPS (`PAYUNG_SECURE_COOKIES=1`; set it
    /// behind a TLS-terminating proxy).
    public var secureCookies: Bool
    /// Reverse proxies whose `X-Forwarded-For` is believed
    /// (`PAYUNG_TRUSTED_PROXIES=10.0.0.5,127.0.0.1`); none by default.
    public var trustedProxies: Set<String>

    public init(database: DatabaseLocation, rootDirectory: String, logSQL: Bool = false,
                bcryptCost: Int = 12, secureCookies: Bool = false, trustedProxies: Set<String> = []) {
        self.trustedProxies = trustedProxies
        self.database = database
        self.rootDirectory = rootDirectory.hasSuffix("/") ? rootDirectory : rootDirectory + "/"
        self.logSQL = logSQL
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        AppConfig(
            database: try DatabaseLocation.parse(env["DATABASE_URL"]),
            rootDirectory: env["PAYUNG_ROOT"] ?? DirectoryConfiguration.detect().workingDirectory,
            logSQL: env["PAYUNG_SQL_LOG"] == "1",
            bcryptCost: try bcryptCost(env["PAYUNG_BCRYPT_COST"]),
            secureCookies: env["PAYUNG_SECURE_COOKIES"] == "1",
            trustedProxies: Set((env["PAYUNG_TRUSTED_PROXIES"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        )
    }

    private static func bcryptCost(_ text: String?) throws -> Int {
        guard let text else { return 12 }
        guard let cost = Int(text), (4...31).contains(cost) else {
            throw ConfigurationError.invalid("PAYUNG_BCRYPT_COST", "expected 4 to 31, got \(text)")
        }
        return cost
    }
}
