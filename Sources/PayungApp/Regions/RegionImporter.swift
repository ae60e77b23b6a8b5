import Fluent
import Foundation
import PayungCore

/// Loads the official region list idempotently: new codes are inserted,
/// renamed ones updated, the rest left alone, all in one transaction.
/// Codes missing from the file are kept (records may still point at them).
struct RegionImporter {
    struct Summary: Equatable, Sendable {
        var inserted = 0
        var renamed = 0
        var unchanged = 0
        var total: Int { inserted + renamed + unchanged }
    }

    struct Refused: Error, CustomStringConvertible {
        let problems: [RegionFileProblem]
        var description: String {
            let shown = problems.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = problems.count > 10 ? "\n  ... and \(problems.count - 10) more" : ""
            return "The region file has \(problems.count) problem(s); nothing was imported:\n\(shown)\(more)"
        }
    }

    let db: any Database
    var actor: AuditActor = .cli("regions import")
    var now: Date = Date()

    func importFile(at path: String) async throws -> Summary {
        let read = try RegionFileReader.read(path: path)
        guard read.problems.isEmpty else { throw Refused(problems: read.problems) }
        guard !read.records.isEmpty else { throw Refused(problems: [.init(line: nil, reason: "the file holds no regions")]) }
        return try await importRecords(read.records)
    }

    func importRecords(_ records: [RegionRecord]) async throws -> Summary {
        try await db.transaction { tx in
            let queries = RegionQueries(db: tx)
            let existing = try await queries.allNames()
            var summary = Summary()
            var new: [RegionRecord] = []
            var renamed: [RegionRecord] = []
            for record in records {
                switch existing[record.code.dotted] {
                case nil: new.append(record)
                case record.name: summary.unchanged += 1
                default: renamed.append(record)
                }
            }
            try await queries.insert(new)
            try await queries.rename(renamed)
            summary.inserted = new.count
            summary.renamed = renamed.count
            if !new.isEmpty || !renamed.isEmpty {
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "regions.import", entity: "regions",
                    note: "\(summary.inserted) new, \(summary.renamed) renamed, \(summary.unchanged) unchanged"), by: actor)
            }
            return summary
        }
    }
}
