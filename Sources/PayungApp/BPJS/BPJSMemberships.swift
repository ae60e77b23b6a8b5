import Fluent
import FluentSQL
import Foundation
import PayungCore
import SQLKit

/// `bpjs_memberships`: one row per person (NIK) with their KPJ and first
/// membership date, national like the NIK. Unique KPJ: two people can never
/// hold one number, whatever the code path.
struct CreateBPJSMemberships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bpjs_memberships")
            .field("nik", .string, .identifier(auto: false))
            .field("kpj", .string, .required)
            .field("first_membership_date", .string, .required)
            .field("recorded_at", .datetime, .required)
            .unique(on: "kpj")
            .create()
        // Registrations made before this table: the earliest start per NIK;
        // a KPJ seen for two NIKs keeps its first holder (the other is left
        // for the operator to correct at the next registration).
        struct Row: Decodable { let nik: String; let kpj: String; let bpjs_start_date: String? }
        let rows = try await database.sql.raw("""
            SELECT w.nik, p.kpj, p.bpjs_start_date FROM proposals p JOIN workers w ON w.id = p.worker_id
            WHERE p.kpj IS NOT NULL ORDER BY p.bpjs_start_date
            """).all(decoding: Row.self)
        var byNIK: [String: BPJSMembership] = [:]
        var holders: [String: String] = [:]
        for row in rows {
            let start = row.bpjs_start_date.flatMap(CalendarDate.init(iso:)) ?? CalendarDate(year: 2000, month: 1, day: 1)!
            guard let m = try? BPJSMembership.register(nik: row.nik, kpj: row.kpj, start: start, current: byNIK[row.nik],
                                                       kpjHolder: holders[row.kpj]) else { continue }
            byNIK[row.nik] = m
            holders[row.kpj] = row.nik
        }
        let now = Date()
        for m in byNIK.values {
            try await database.sql.insert(into: "bpjs_memberships").columns("nik", "kpj", "first_membership_date", "recorded_at")
                .values(SQLBind(m.nik), SQLBind(m.kpj), SQLBind(m.firstMembershipDate.iso), SQLBind(now)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bpjs_memberships").delete()
    }
}

/// Reads and records memberships; registration goes through `record`.
struct BPJSMembershipQueries {
    let db: any Database

    func membership(nik: String) async throws -> BPJSMembership? {
        struct Row: Decodable { let nik: String; let kpj: String; let first_membership_date: String }
        guard let row = try await db.sql.raw("SELECT nik, kpj, first_membership_date FROM bpjs_memberships WHERE nik = \(bind: nik)")
            .first(decoding: Row.self), let first = CalendarDate(iso: row.first_membership_date) else { return nil }
        return BPJSMembership(nik: row.nik, kpj: row.kpj, firstMembershipDate: first)
    }

    func holder(kpj: String) async throws -> String? {
        struct Row: Decodable { let nik: String }
        return try await db.sql.raw("SELECT nik FROM bpjs_memberships WHERE kpj = \(bind: kpj)").first(decoding: Row.self)?.nik
    }

    /// Registers `nik` with `kpj` from `start` under `BPJSMembership.register`
    /// (throws `MembershipError`); run inside the registration's transaction.
    @discardableResult
    func record(nik: String, kpj: String, start: CalendarDate, now: Date) async throws -> BPJSMembership {
        let current = try await membership(nik: nik)
        let next = try BPJSMembership.register(nik: nik, kpj: kpj, start: start, current: current, kpjHolder: try await holder(kpj: kpj))
        if current == nil {
            try await db.sql.insert(into: "bpjs_memberships").columns("nik", "kpj", "first_membership_date", "recorded_at")
                .values(SQLBind(next.nik), SQLBind(next.kpj), SQLBind(next.firstMembershipDate.iso), SQLBind(now)).run()
        } else if current != next {
            try await db.sql.update("bpjs_memberships").set("first_membership_date", to: next.firstMembershipDate.iso)
                .where("nik", .equal, nik).run()
        }
        return next
    }
}
