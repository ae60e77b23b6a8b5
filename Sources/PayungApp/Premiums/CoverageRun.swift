import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// What a coverage run did for a program.
struct CoverageRunResult: Content {
    let programID: UUID
    let participants: Int
    /// Person-months written by this run.
    let planned: Int
    /// Of those, months no pledge could pay (priced at the full rate).
    let unfunded: Int
    /// Months already priced (by an earlier run, or by another program or
    /// Pemda for the same NIK), left as they were.
    let alreadyPriced: Int
    /// Planned months removed because the participation ended before them.
    let removed: Int
    let plannedRupiah: Int64
}

/// Plans a program's person-months (docs/PREMIUMS.md, "The coverage run"):
/// one row per participant per covered month, priced by the tariff book and
/// paid by a pledge in the program's allocation order. Idempotent: what
/// exists stays; a re-run adds only what is missing. One transaction.
struct CoverageRun {
    let db: any Database
    let now: Date

    static let columns = ["id", "program_id", "proposal_id", "nik", "month", "sponsor_id", "pledge_id", "payer_kind", "segment",
                          "tariff_version_id", "discount_id", "income_basis", "jkk", "jkm", "jht", "total", "village_code",
                          "occupation_code", "planned_at"]

    struct Planned {
        let id: UUID
        let proposal: UUID
        let nik: String
        let month: YearMonth
        let sponsor: UUID?
        let pledge: UUID?
        let kind: PayerKind?
        let segment: String?
        let price: PersonMonthPrice
        let village: String
        let occupation: String?
    }

    func run(programID: UUID) async throws -> CoverageRunResult {
        try await db.transaction { tx in
            // Serialise runs of one program (SQLite: the write lock; PostgreSQL: the row lock).
            try await tx.sql.raw("UPDATE programs SET approved_count = approved_count WHERE id = \(bind: programID)").run()
            // The tariff book cannot change under the run (a supersede between reading the
            // rules and writing the months would price a month with a closed version).
            // SHARE lets runs of other programs go on together; SQLite's write lock does it there.
            if tx.kind == .postgresql { try await tx.sql.raw("LOCK TABLE tariff_versions, tariff_discounts IN SHARE MODE").run() }
            guard let program = try await ProgramModel.find(programID, on: tx),
                  let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth)
            else { throw AppError.notFound("Program") }
            let book = try await TariffQueries(db: tx).book()
            let exclusions = try await TariffQueries(db: tx).exclusions(pemda: program.regencyCode)
            let order = AllocationOrder(rawValue: program.allocationOrder) ?? .apbdFirst

            // Pledges and what each has already paid for.
            let pledgeRows = try await PledgeModel.query(on: tx).filter(\.$programID == programID).sort(\.$createdAt).sort(\.$id).all()
            let sponsors = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: tx)
                .filter(\.$id ~~ Array(Set(pledgeRows.map(\.sponsorID)))).all().map { ($0.id!, $0) })
            var pledges: [Pledge] = []
            var pledgeSponsor: [String: SponsorModel] = [:]
            for row in pledgeRows {
                guard let sponsor = sponsors[row.sponsorID], let kind = PayerKind(rawValue: sponsor.kind),
                      let from = YearMonth(iso: row.fromMonth), let through = YearMonth(iso: row.throughMonth) else { continue }
                let capacity: Pledge.Capacity
                if let amount = row.amount { capacity = .amount(Rupiah(amount)) }
                else if let n = row.participants, let m = row.months, let pm = Pledge.personMonths(participants: n, months: m) { capacity = .personMonths(pm) }
                else { continue }
                pledges.append(Pledge(id: row.id!.uuidString, kind: kind, excludedFromDiscount: exclusions[kind] ?? true,
                                      from: from, through: through, capacity: capacity,
                                      region: row.regionCode.flatMap(RegionCode.init), occupation: row.occupationCode))
                pledgeSponsor[row.id!.uuidString] = sponsor
            }
            struct Used: Decodable { let pledge_id: UUID; let rupiah: Int64; let months: Int }
            let used = pledgeRows.isEmpty ? [] : try await tx.sql.raw("""
                SELECT pledge_id, CAST(SUM(total) AS BIGINT) AS rupiah, COUNT(*) AS months FROM coverage_months
                WHERE pledge_id IN (\(binds: pledgeRows.map { $0.id! })) GROUP BY pledge_id
                """).all(decoding: Used.self)
            var allocator = Allocator(order: order, pledges: pledges,
                                      usedRupiah: Dictionary(uniqueKeysWithValues: used.map { ($0.pledge_id.uuidString, $0.rupiah) }),
                                      usedMonths: Dictionary(uniqueKeysWithValues: used.map { ($0.pledge_id.uuidString, $0.months) }))

            // Participants: registered with BPJS in this program.
            let proposals = try await ProposalModel.query(on: tx).filter(\.$programID == programID)
                .filter(\.$status ~~ [ProposalStatus.registered.rawValue, ProposalStatus.active.rawValue, ProposalStatus.ended.rawValue])
                .filter(\.$kpj != nil).sort(\.$id).all()
            let workers = Dictionary(uniqueKeysWithValues: try await WorkerModel.query(on: tx)
                .filter(\.$id ~~ proposals.map(\.workerID)).all().map { ($0.id!, $0) })
            let sectors = Dictionary(uniqueKeysWithValues: try await OccupationModel.query(on: tx).all()
                .map { ($0.id!, WorkSector(rawValue: $0.sector) ?? .other) })
            let endMonths = try await endMonths(of: proposals.filter { $0.statusValue == .ended }, on: tx)

            struct Key: Hashable { let nik: String; let month: String }
            let niks = Array(Set(proposals.compactMap { workers[$0.workerID]?.nik }))
            var priced = Set<Key>()
            for chunk in niks.chunked(into: 500) {
                struct Row: Decodable { let nik: String; let month: String }
                for row in try await tx.sql.raw("SELECT nik, month FROM coverage_months WHERE nik IN (\(binds: Array(chunk)))").all(decoding: Row.self) {
                    priced.insert(Key(nik: row.nik, month: row.month))
                }
            }

            var planned: [Planned] = []
            var ids = TimeOrderedUUIDs()
            var alreadyPriced = 0
            var removed = 0
            for proposal in proposals {
                guard let worker = workers[proposal.workerID], let startDate = proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:)) else { continue }
                let endedIn = endMonths[proposal.id!]
                if let endedIn {
                    removed += try await removePlanned(proposal: proposal.id!, after: endedIn, on: tx)
                }
                guard let span = CoverageSpan.months(programStart: start, programEnd: end, registered: startDate.yearMonth, endedIn: endedIn)
                else { continue }
                let sector = worker.occupationCode.flatMap { sectors[$0] } ?? .other
                let village = RegionCode(proposal.villageCode) ?? RegionCode(program.regencyCode)!
                for month in stride(from: span.lowerBound, through: span.upperBound, by: 1) {
                    if priced.contains(Key(nik: worker.nik, month: month.iso)) { alreadyPriced += 1; continue }
                    let need = PersonMonthNeed(month: month, village: village, occupation: worker.occupationCode, sector: sector)
                    let income = Rupiah(program.insuredIncome)
                    let includeJHT = program.includeJHT
                    let allocation: (pledge: Pledge, price: PersonMonthPrice)?
                    let price: PersonMonthPrice
                    do {
                        allocation = try allocator.allocate(need) { excluded throws(TariffError) in
                            try book.price(month: month, insuredIncome: income, sector: sector, excludedFromDiscount: excluded, includeJHT: includeJHT)
                        }
                        // Unfunded: the full rate, so a budget is never planned short.
                        price = try allocation?.price ?? book.price(month: month, insuredIncome: income, sector: sector,
                                                                     excludedFromDiscount: true, includeJHT: includeJHT)
                    } catch let error as TariffError {
                        throw AppError(code: error.code, message: error.message, kind: .conflict)
                    }
                    let sponsor = allocation.flatMap { pledgeSponsor[$0.pledge.id] }
                    planned.append(Planned(id: ids.next(), proposal: proposal.id!, nik: worker.nik, month: month,
                                           sponsor: sponsor?.id, pledge: allocation.flatMap { UUID(uuidString: $0.pledge.id) },
                                           kind: allocation?.pledge.kind, segment: sponsor?.segment, price: price,
                                           village: proposal.villageCode, occupation: worker.occupationCode))
                    priced.insert(Key(nik: worker.nik, month: month.iso))
                }
            }
            let rows = planned
            let at = now
            try await BulkInsert.withLargeCache(on: tx, rows: rows.count) {
                try await BulkInsert.insert(into: CoverageMonthModel.schema, columns: Self.columns, count: rows.count, on: tx) { i, row in
                    let p = rows[i]
                    row.uuid(p.id); row.uuid(programID); row.uuid(p.proposal); row.text(p.nik); row.text(p.month.iso)
                    row.uuid(p.sponsor); row.uuid(p.pledge); row.text(p.kind?.rawValue); row.text(p.segment)
                    row.text(p.price.versionID); row.text(p.price.discountID); row.int(p.price.incomeBasis.amount)
                    row.int(p.price.jkk.amount); row.int(p.price.jkm.amount); row.int(p.price.jht.amount); row.int(p.price.total.amount)
                    row.text(p.village); row.text(p.occupation); row.date(at)
                }
            }
            return CoverageRunResult(programID: programID, participants: proposals.count, planned: rows.count,
                                     unfunded: rows.filter { $0.pledge == nil }.count, alreadyPriced: alreadyPriced, removed: removed,
                                     plannedRupiah: rows.reduce(0) { $0 + $1.price.total.amount })
        }
    }

    /// The month each ended participation stopped: the month of the day it
    /// ended (the date of death, of moving away) as recorded with it, else
    /// of its "end" event; a program's end covers to the program's last month.
    private func endMonths(of ended: [ProposalModel], on db: any Database) async throws -> [UUID: YearMonth] {
        let stopped = ended.filter { $0.endReason != EndReason.programEnd.rawValue }
        guard !stopped.isEmpty else { return [:] }
        var months: [UUID: YearMonth] = [:]
        for proposal in stopped {
            if let day = proposal.endedOn.flatMap(CalendarDate.init(iso:)) { months[proposal.id!] = day.yearMonth }
        }
        let undated = stopped.filter { months[$0.id!] == nil }
        for chunk in undated.map({ $0.id! }).chunked(into: 500) {
            let events = try await ProposalEventModel.query(on: db).filter(\.$proposalID ~~ Array(chunk))
                .filter(\.$action == ProposalAction.end.rawValue).all()
            for event in events { months[event.proposalID] = CalendarDate(event.at).yearMonth }
        }
        return months
    }

    /// Removes the months planned after a participation ended. (Issue 13:
    /// a month a bill has used is never removed; it becomes a credit.)
    func removePlanned(proposal: UUID, after month: YearMonth, on db: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        let n = try await db.sql.raw("SELECT COUNT(*) AS n FROM coverage_months WHERE proposal_id = \(bind: proposal) AND month > \(bind: month.iso)")
            .first(decoding: Count.self)?.n ?? 0
        if n > 0 {
            try await db.sql.raw("DELETE FROM coverage_months WHERE proposal_id = \(bind: proposal) AND month > \(bind: month.iso)").run()
        }
        return n
    }
}
