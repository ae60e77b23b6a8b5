import Fluent
import Foundation
import PayungCore
import SQLKit

/// What the admin's changes to the tariff book need from the database: how
/// much a rule priced, locks that keep two changes (or a change and a
/// coverage run) from judging the same book, and the rows themselves.
extension TariffQueries {
    /// Person-months a version priced, and the last month among them.
    func usage(version id: String) async throws -> (months: Int, last: YearMonth?) {
        struct Row: Decodable { let n: Int; let last: String? }
        let row = try await db.sql.raw("SELECT COUNT(*) AS n, MAX(month) AS last FROM coverage_months WHERE tariff_version_id = \(bind: id)")
            .first(decoding: Row.self)
        return (row?.n ?? 0, row?.last.flatMap(YearMonth.init(iso:)))
    }

    /// Person-months a discount priced.
    func usage(discount id: String) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM coverage_months WHERE discount_id = \(bind: id)")
            .first(decoding: Row.self)?.n ?? 0
    }

    /// Person-months each version priced, by version id.
    func versionUsage() async throws -> [String: Int] {
        struct Row: Decodable { let tariff_version_id: String; let n: Int }
        return Dictionary(uniqueKeysWithValues: try await db.sql.raw(
            "SELECT tariff_version_id, COUNT(*) AS n FROM coverage_months GROUP BY tariff_version_id").all(decoding: Row.self)
            .map { ($0.tariff_version_id, $0.n) })
    }

    /// Person-months each discount priced, by discount id.
    func discountUsage() async throws -> [String: Int] {
        struct Row: Decodable { let discount_id: String; let n: Int }
        return Dictionary(uniqueKeysWithValues: try await db.sql.raw(
            "SELECT discount_id, COUNT(*) AS n FROM coverage_months WHERE discount_id IS NOT NULL GROUP BY discount_id").all(decoding: Row.self)
            .map { ($0.discount_id, $0.n) })
    }

    /// Inside a transaction that changes the book: on PostgreSQL, one change
    /// at a time, and no person-month priced while it is judged (the count
    /// of priced months cannot grow under it). SQLite writes one transaction
    /// at a time already.
    func lockBook() async throws {
        guard db.sql.dialect.name == "postgresql" else { return }
        try await db.sql.raw("LOCK TABLE tariff_versions, tariff_discounts IN SHARE ROW EXCLUSIVE MODE").run()
        try await db.sql.raw("LOCK TABLE coverage_months IN SHARE MODE").run()
    }

    /// A readable id not yet taken: `base`, else `base-2`, `base-3`...
    func freeID(_ base: String, in table: String) async throws -> String {
        struct Row: Decodable { let id: String }
        let taken = Set(try await db.sql.raw("SELECT id FROM \(ident: table) WHERE id LIKE \(bind: base + "%")").all(decoding: Row.self).map(\.id))
        var id = base, n = 1
        while taken.contains(id) { n += 1; id = "\(base)-\(n)" }
        return id
    }

    /// Sets a Pemda's answer for one payer kind (one row per Pemda and kind).
    func setExclusion(pemda: String, kind: PayerKind, excluded: Bool, at now: Date, by username: String) async throws {
        try await db.sql.insert(into: "payer_kind_settings")
            .columns("id", "pemda_code", "kind", "excluded_from_discount", "updated_at", "updated_by")
            .values(SQLBind(UUID()), SQLBind(pemda), SQLBind(kind.rawValue), SQLBind(excluded), SQLBind(now), SQLBind(username))
            .onConflict(with: ["pemda_code", "kind"]) { row in
                row.set(excludedValueOf: "excluded_from_discount")
                    .set(excludedValueOf: "updated_at")
                    .set(excludedValueOf: "updated_by")
            }
            .run()
    }
}

extension TariffVersionModel {
    /// Copies a core version's rules into the row (id, creation kept).
    func set(_ v: TariffVersion) throws {
        id = v.id
        name = v.name
        legalBasis = v.legalBasis
        fromMonth = v.from.iso
        throughMonth = v.through?.iso
        jkkBasisPoints = v.jkkBasisPoints
        jkm = v.jkm.amount
        jhtBasisPoints = v.jhtBasisPoints
        brackets = String(decoding: try JSONEncoder().encode(v.brackets), as: UTF8.self)
    }
}

extension TariffDiscountModel {
    func set(_ d: TariffDiscount) throws {
        id = d.id
        name = d.name
        legalBasis = d.legalBasis
        fromMonth = d.from.iso
        throughMonth = d.through.iso
        sectors = String(decoding: try JSONEncoder().encode(d.sectors.map(\.rawValue).sorted()), as: UTF8.self)
        offBasisPoints = d.offBasisPoints
    }
}
