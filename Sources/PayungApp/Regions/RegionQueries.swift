import Fluent
import PayungCore
import SQLKit

/// Database access for regions.
struct RegionQueries {
    let db: any Database

    func find(_ code: RegionCode) async throws -> RegionModel? {
        try await RegionModel.find(code.dotted, on: db)
    }

    func children(of code: RegionCode) async throws -> [RegionModel] {
        try await RegionModel.query(on: db).filter(\.$parentCode == code.dotted).sort(\.$id).all()
    }

    func provinces() async throws -> [RegionModel] {
        try await RegionModel.query(on: db).filter(\.$level == RegionLevel.province.rawValue).sort(\.$id).all()
    }

    /// The region and its ancestors, province first.
    func path(to code: RegionCode) async throws -> [RegionModel] {
        var codes: [String] = []
        var current: RegionCode? = code
        while let c = current { codes.insert(c.dotted, at: 0); current = c.parent }
        let found = try await RegionModel.query(on: db).filter(\.$id ~~ codes).all()
        return codes.compactMap { code in found.first { $0.id == code } }
    }

    /// Registered names by dotted code, for the codes known.
    func names(of codes: [String]) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await RegionModel.query(on: db).filter(\.$id ~~ codes).all().map { ($0.id!, $0.name) })
    }

    /// The villages (kelurahan/desa) within any of `scopes`' regions, with
    /// their kecamatan, for a filter people choose from by name. Capped: a
    /// province-wide scope does not list thousands of villages.
    func villages(within regions: [RegionCode], limit: Int = 1_000) async throws -> [(village: RegionModel, district: String)] {
        guard !regions.isEmpty else { return [] }
        var villages: [RegionModel] = []
        for region in Set(regions) {
            if region.level == .village {
                if let v = try await find(region) { villages.append(v) }
            } else {
                villages += try await RegionModel.query(on: db).filter(\.$level == RegionLevel.village.rawValue)
                    .filter(\.$id >= region.dotted + ".").filter(\.$id < region.dotted + "/").sort(\.$id).limit(limit).all()
            }
        }
        let districtCodes = Set(villages.compactMap { $0.parentCode })
        let districts = Dictionary(uniqueKeysWithValues: try await RegionModel.query(on: db).filter(\.$id ~~ Array(districtCodes)).all()
            .map { ($0.id!, $0.name) })
        return Array(villages.sorted { $0.id! < $1.id! }.prefix(limit)).map { ($0, districts[$0.parentCode ?? ""] ?? "") }
    }

    /// Which of `codes` are in the list; `nil` when no region list is loaded.
    func knownCodes(among codes: [RegionCode]) async throws -> Set<RegionCode>? {
        guard try await RegionModel.query(on: db).first() != nil else { return nil }
        let rows = try await RegionModel.query(on: db).filter(\.$id ~~ codes.map(\.dotted)).all()
        return Set(rows.compactMap { $0.id.flatMap(RegionCode.init) })
    }

    func countsByLevel() async throws -> [RegionLevel: Int] {
        struct Row: Decodable { let level: String; let n: Int }
        let rows = try await db.sql.select().column("level").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("regions").groupBy("level").all(decoding: Row.self)
        var counts: [RegionLevel: Int] = [:]
        for row in rows { if let level = RegionLevel(rawValue: row.level) { counts[level] = row.n } }
        return counts
    }

    /// Every stored region name by code, for diffing an import.
    func allNames() async throws -> [String: String] {
        struct Row: Decodable { let code: String; let name: String }
        let rows = try await db.sql.select().columns("code", "name").from("regions").all(decoding: Row.self)
        return Dictionary(rows.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Inserts in multi-row statements (Fluent's per-row cost is too high for
    /// 91,599 rows).
    func insert(_ records: [RegionRecord]) async throws {
        for chunk in records.chunked(into: 5_000) {
            var insert = db.sql.insert(into: "regions").columns("code", "name", "level", "parent_code")
            for record in chunk {
                insert = insert.values([
                    SQLBind(record.code.dotted), SQLBind(record.name), SQLBind(record.code.level.rawValue),
                    SQLBind(record.code.parent?.dotted),
                ])
            }
            try await insert.run()
        }
    }

    func rename(_ records: [RegionRecord]) async throws {
        for record in records {
            try await db.sql.update("regions").set("name", to: record.name)
                .where("code", .equal, record.code.dotted).run()
        }
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
