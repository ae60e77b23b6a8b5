import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A bill as the agency, the Kepala Dinas, BPJS and auditors read it.
struct BillDTO: Content {
    struct Group: Content {
        let key: String
        let name: String
        let lines: Int
        let total: Int64
    }
    let programID: UUID
    let month: String
    let monthName: String
    /// prepared, issued.
    let state: String
    let stateName: String
    let dueDate: String
    let preparedBy: String
    let preparedAt: Date
    let issuedBy: String?
    let issuedAt: Date?
    let lines: Int
    let total: Int64
    /// Charges, late months, credits.
    let byKind: [Group]
    /// Per sponsor ("Belum ada penyandang dana" for unfunded months).
    let bySponsor: [Group]
    /// Per BPJS segment, as BPJS invoices the collecting body.
    let bySegment: [Group]
}

/// One line of a bill, for who may read the program's records.
struct BillLineDTO: Content {
    let kind: String
    let kindName: String
    let month: String
    let nik: String
    let name: String
    let sponsor: String
    let segment: String?
    let jkk: Int64
    let jkm: Int64
    let jht: Int64
    let amount: Int64
}

struct BillingQueries {
    let db: any Database

    func runs(program: UUID) async throws -> [BillingRunModel] {
        try await BillingRunModel.query(on: db).filter(\.$programID == program).sort(\.$month, .descending).all()
    }

    func run(program: UUID, month: String) async throws -> BillingRunModel? {
        try await BillingRunModel.query(on: db).filter(\.$programID == program).filter(\.$month == month).first()
    }

    static func stateName(_ run: BillingRunModel) -> String {
        run.isIssued ? "Diterbitkan" : "Disiapkan, menunggu diterbitkan"
    }

    func dto(_ run: BillingRunModel) async throws -> BillDTO {
        struct Row: Decodable { let kind: String; let sponsor_id: UUID?; let segment: String?; let n: Int; let total: Int64 }
        let rows = try await db.sql.raw("""
            SELECT kind, sponsor_id, segment, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines
            WHERE run_id = \(bind: run.id!) GROUP BY kind, sponsor_id, segment
            """).all(decoding: Row.self)
        let sponsorIDs = Set(rows.compactMap(\.sponsor_id))
        let names = sponsorIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db)
            .filter(\.$id ~~ Array(sponsorIDs)).all().map { ($0.id!, $0.name) })
        func groups(_ key: (Row) -> String, _ name: (String) -> String) -> [BillDTO.Group] {
            Dictionary(grouping: rows, by: key).map { k, g in
                BillDTO.Group(key: k, name: name(k), lines: g.reduce(0) { $0 + $1.n }, total: g.reduce(0) { $0 + $1.total })
            }.sorted { ($0.total, $0.key) > ($1.total, $1.key) }
        }
        let month = YearMonth(iso: run.month)
        return BillDTO(
            programID: run.programID, month: run.month, monthName: month?.indonesian ?? run.month,
            state: run.isIssued ? "issued" : "prepared", stateName: Self.stateName(run), dueDate: run.dueDate,
            preparedBy: run.preparedBy, preparedAt: run.preparedAt, issuedBy: run.issuedBy, issuedAt: run.issuedAt,
            lines: run.lineCount, total: run.total,
            byKind: groups({ $0.kind }) { BillComposition.Kind(rawValue: $0)?.indonesianName ?? $0 },
            bySponsor: groups({ $0.sponsor_id?.uuidString ?? "" }) { $0.isEmpty ? "Belum ada penyandang dana" : (UUID(uuidString: $0).flatMap { names[$0] } ?? $0) },
            bySegment: groups({ $0.segment ?? "" }) { $0.isEmpty ? "Tanpa segmen" : (PayungCore.BPJSSegment(rawValue: $0)?.indonesianName ?? $0) })
    }

    /// A page of lines, NIKs masked unless `fullNIK`.
    func lines(_ run: BillingRunModel, page: PageRequest, fullNIK: Bool) async throws -> Page<BillLineDTO> {
        struct Row: Decodable {
            let kind: String; let month: String; let nik: String; let name: String?; let sponsor: String?; let segment: String?
            let jkk: Int64; let jkm: Int64; let jht: Int64; let amount: Int64
        }
        let rows = try await db.sql.raw("""
            SELECT b.kind, b.month, b.nik, w.name, s.name AS sponsor, b.segment, b.jkk, b.jkm, b.jht, b.amount
            FROM bill_lines b LEFT JOIN proposals p ON p.id = b.proposal_id LEFT JOIN workers w ON w.id = p.worker_id
            LEFT JOIN sponsors s ON s.id = b.sponsor_id
            WHERE b.run_id = \(bind: run.id!) ORDER BY b.kind, b.month, b.village_code, b.nik
            LIMIT \(bind: page.size) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        return Page(items: rows.map { r in
            BillLineDTO(kind: r.kind, kindName: BillComposition.Kind(rawValue: r.kind)?.indonesianName ?? r.kind,
                        month: r.month, nik: fullNIK ? r.nik : NIK.mask(r.nik), name: r.name ?? "", sponsor: r.sponsor ?? "Belum ada penyandang dana",
                        segment: r.segment, jkk: r.jkk, jkm: r.jkm, jht: r.jht, amount: r.amount)
        }, page: page, total: run.lineCount)
    }
}
