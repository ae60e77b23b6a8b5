import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A program's budget absorption (*serapan anggaran*) per payer and
/// contribution month: pledged, billed, paid, outstanding and absorption %,
/// as defined in `Absorption` (PayungCore). Live: it reads the issued bills
/// and payments as they stand now. A sponsor's own users see only their
/// sponsor's rows, and the totals are then their share (`scope` "sponsor").
struct BudgetAbsorption: Content {
    struct Month: Content {
        /// `YYYY-MM`.
        let month: String
        let monthName: String
        let pledged: Int64
        let billed: Int64
        let paid: Int64
        /// Nil for a month that has not begun.
        let outstanding: Int64?
        /// Whole percent; nil when nothing was pledged.
        let absorption: Int?
    }
    struct Account: Content {
        /// Nil: months no sponsor funds (the Pemda's APBD).
        let sponsorID: UUID?
        let name: String
        let months: [Month]
        /// `month` is "total"; `outstanding` is all billed − all paid.
        let total: Month
    }
    let programID: UUID
    let programName: String
    /// "program" (every payer) or "sponsor" (the caller's own sponsor only).
    let scope: String
    let asOf: String
    let accounts: [Account]
    /// Per month over the accounts shown.
    let program: Account

    static let unfundedName = "APBD Pemda (bulan tanpa penyandang dana)"
}

/// The sums behind `BudgetAbsorption`: two GROUP BY statements (bill lines
/// and payments, never loaded row by row: a program may have a million
/// lines) and the program's pledges (a handful of rows).
struct BudgetAbsorptionQueries {
    let db: any Database

    /// `sponsors`: only these payers (a sponsor user's own); nil for all.
    func absorption(_ program: ProgramModel, sponsors only: Set<UUID>?, today: CalendarDate) async throws -> BudgetAbsorption {
        struct Sum: Decodable { let sponsor_id: UUID?; let month: String; let amount: Int64 }
        // Only issued bills count; the join touches the program's runs (one per month) only.
        let billed = try await db.sql.raw("""
            SELECT b.sponsor_id, b.month, CAST(SUM(b.amount) AS BIGINT) AS amount
            FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id
            WHERE b.program_id = \(bind: program.id!) AND r.program_id = \(bind: program.id!) AND r.issued_at IS NOT NULL
            GROUP BY b.sponsor_id, b.month
            """).all(decoding: Sum.self)
        let paid = try await db.sql.raw("""
            SELECT sponsor_id, SUBSTR(paid_on, 1, 7) AS month, CAST(SUM(amount) AS BIGINT) AS amount
            FROM payments WHERE program_id = \(bind: program.id!)
            GROUP BY sponsor_id, SUBSTR(paid_on, 1, 7)
            """).all(decoding: Sum.self)
        let pledged = try await pledgedByMonth(program)

        var months = Set<YearMonth>()
        if let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth), start <= end {
            months.formUnion(stride(from: start, through: end, by: 1))
        }
        // A payment after the period (December's bill paid in January) still shows.
        months.formUnion((billed + paid).compactMap { YearMonth(iso: $0.month) })
        months.formUnion(pledged.values.flatMap(\.keys))

        struct Key: Hashable { let sponsor: UUID?; let month: String }
        func index(_ rows: [Sum]) -> [Key: Int64] {
            rows.reduce(into: [:]) { $0[Key(sponsor: $1.sponsor_id, month: $1.month), default: 0] += $1.amount }
        }
        let billedBy = index(billed), paidBy = index(paid)
        var payers = Set<UUID?>(billed.map(\.sponsor_id) + paid.map(\.sponsor_id))
        payers.formUnion(pledged.keys.map { Optional($0) })
        if let only { payers = payers.filter { $0.map(only.contains) ?? false }.union(only.map { Optional($0) }) }

        let names = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).filter(\.$pemdaCode == program.regencyCode).all()
            .map { ($0.id!, $0.name) })
        let ordered = months.sorted()
        let current = today.yearMonth
        var accounts: [BudgetAbsorption.Account] = []
        for payer in payers {
            let sums = ordered.map { m in
                Absorption.MonthSums(m, pledged: payer.flatMap { pledged[$0]?[m] } ?? 0,
                                     billed: billedBy[Key(sponsor: payer, month: m.iso)] ?? 0, paid: paidBy[Key(sponsor: payer, month: m.iso)] ?? 0)
            }
            accounts.append(Self.account(payer, name: payer.flatMap { names[$0] } ?? BudgetAbsorption.unfundedName, sums, current: current))
        }
        // Sponsors by name, the APBD's months last.
        accounts.sort { ($0.sponsorID == nil ? 1 : 0, $0.name) < ($1.sponsorID == nil ? 1 : 0, $1.name) }
        let programSums = ordered.enumerated().map { i, m in
            Absorption.MonthSums(m, pledged: accounts.reduce(0) { $0 + $1.months[i].pledged },
                                 billed: accounts.reduce(0) { $0 + $1.months[i].billed }, paid: accounts.reduce(0) { $0 + $1.months[i].paid })
        }
        return BudgetAbsorption(programID: program.id!, programName: program.name, scope: only == nil ? "program" : "sponsor",
                                asOf: today.iso, accounts: accounts,
                                program: Self.account(nil, name: only == nil ? "Seluruh program" : "Bagian Anda", programSums, current: current))
    }

    static func account(_ payer: UUID?, name: String, _ sums: [Absorption.MonthSums], current: YearMonth) -> BudgetAbsorption.Account {
        let rows = Absorption.running(sums, current: current)
        func month(_ key: String, _ name: String, _ f: Absorption.Figures) -> BudgetAbsorption.Month {
            .init(month: key, monthName: name, pledged: f.pledged, billed: f.billed, paid: f.paid, outstanding: f.outstanding,
                  absorption: f.absorption)
        }
        return .init(sponsorID: payer, name: name, months: rows.map { month($0.month.iso, $0.month.indonesian, $0.figures) },
                     total: month("total", "Jumlah", Absorption.total(rows.map(\.figures))))
    }

    /// Each sponsor's pledged rupiah per month. A rupiah pledge is shared
    /// evenly over its months; a pledge of participants × months is that
    /// many person-months shared evenly over its months (whole
    /// person-months), each month's share priced at the program's full rate
    /// for that month (no discount, as the budget planner prices a budget),
    /// so a discounted month bills less than it pledged. A month the tariff
    /// book cannot price pledges nothing in rupiah.
    func pledgedByMonth(_ program: ProgramModel) async throws -> [UUID: [YearMonth: Int64]] {
        let pledges = try await PledgeModel.query(on: db).filter(\.$programID == program.id!).all()
        guard !pledges.isEmpty else { return [:] }
        let book = pledges.contains { $0.amount == nil } ? try await TariffQueries(db: db).book() : nil
        var prices: [YearMonth: Int64] = [:]
        func price(_ month: YearMonth) -> Int64 {
            if let known = prices[month] { return known }
            let value = (try? book?.price(month: month, insuredIncome: Rupiah(program.insuredIncome), sector: .other,
                                          excludedFromDiscount: true, includeJHT: program.includeJHT).total.amount) ?? 0
            prices[month] = value
            return value
        }
        var out: [UUID: [YearMonth: Int64]] = [:]
        for pledge in pledges {
            guard let from = YearMonth(iso: pledge.fromMonth), let through = YearMonth(iso: pledge.throughMonth), from <= through else { continue }
            let months = Array(stride(from: from, through: through, by: 1))
            if let amount = pledge.amount {
                for (m, share) in zip(months, Absorption.shares(of: amount, over: months.count)) { out[pledge.sponsorID, default: [:]][m, default: 0] += share }
            } else if let n = pledge.participants, let k = pledge.months {
                let personMonths = Absorption.shares(of: Int64(n) * Int64(k), over: months.count)
                for (m, share) in zip(months, personMonths) { out[pledge.sponsorID, default: [:]][m, default: 0] += share * price(m) }
            }
        }
        return out
    }
}
