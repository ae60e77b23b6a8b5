import Fluent
import FluentSQL
import Foundation
import PayungCore
import SQLKit

/// Names people write for an occupation ("Kuli Bangunan" for
/// `construction_labourer`), keyed by the normalised text
/// (`ImportField.normalise`: lower case, letters and digits only).
struct CreateOccupationAliases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("occupation_aliases")
            .field("alias", .string, .identifier(auto: false))
            .field("occupation_code", .string, .required, .references("occupations", "code", onDelete: .cascade))
            .field("label", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let known = Set(try await OccupationModel.query(on: database).field(\.$id).all().compactMap(\.id))
        var seen: Set<String> = []
        for (code, labels) in OccupationCatalogue.seedAliases.sorted(by: { $0.key < $1.key }) where known.contains(code) {
            for label in labels {
                let key = ImportField.normalise(label)
                guard !key.isEmpty, seen.insert(key).inserted else { continue }
                try await database.sql.insert(into: "occupation_aliases").columns("alias", "occupation_code", "label", "created_at")
                    .values(SQLBind(key), SQLBind(code), SQLBind(label), SQLBind(Date())).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("occupation_aliases").delete()
    }
}

struct OccupationAliasQueries {
    let db: any Database

    /// Normalised alias -> occupation code.
    func all() async throws -> [String: String] {
        struct Row: Decodable { let alias: String; let occupation_code: String }
        let rows = try await db.sql.raw("SELECT alias, occupation_code FROM occupation_aliases").all(decoding: Row.self)
        return Dictionary(rows.map { ($0.alias, $0.occupation_code) }, uniquingKeysWith: { a, _ in a })
    }

    /// Saves `label` as a name of `code` (an existing alias is kept as it is).
    func save(_ label: String, for code: String, now: Date) async throws {
        let key = ImportField.normalise(label)
        guard !key.isEmpty, try await all()[key] == nil else { return }
        try await db.sql.insert(into: "occupation_aliases").columns("alias", "occupation_code", "label", "created_at")
            .values(SQLBind(key), SQLBind(code), SQLBind(String(label.prefix(120))), SQLBind(now)).run()
    }
}
