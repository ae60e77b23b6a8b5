import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// Where a program's money stands on a day, as Payung knew it that day:
/// per payer, billed, paid, what is owed and overdue; per participant,
/// covered, in arrears or lapsed (`PaymentWindow`), from the issued bill
/// lines and the payments (`Settlement`). Nothing here is stored: asking
/// again for the same day gives the same answer, whatever was recorded since.
struct ProgramStanding: Content {
    struct Account: Content {
        let sponsorID: UUID?
        let name: String
        let billed: Int64
        let paid: Int64
        /// billed − paid: owed (positive) or paid ahead (negative).
        let balance: Int64
        /// Lines past their due day and unpaid.
        let overdue: Int64
        let overdueLines: Int
    }
    struct Person: Content {
        let proposalID: UUID
        let name: String
        let village: String
        /// covered, in_arrears, lapsed.
        let state: String
        let stateName: String
        let unpaidMonths: Int
        /// The day it lapses (in arrears) or lapsed.
        let day: String
    }
    let asOf: String
    let accounts: [Account]
    let covered: Int
    let inArrears: Int
    let lapsed: Int
    /// In arrears and one unpaid due day from lapsing: warn the payer now.
    let warning: Int
    /// Names only for who may read the program's records; empty otherwise.
    let lapsedPeople: [Person]
    let warningPeople: [Person]
}

struct BillingStandingQueries {
    let db: any Database

    /// The first instant after `day` ends in WIB: facts recorded before it were known on `day`.
    static func endOf(_ day: CalendarDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .jakarta
        let next = day.dayAfter
        return calendar.date(from: DateComponents(year: next.year, month: next.month, day: next.day)) ?? Date.distantFuture
    }

    func standing(_ program: ProgramModel, asOf day: CalendarDate, withNames: Bool) async throws -> ProgramStanding {
        let known = Self.endOf(day)
        struct LineRow: Decodable {
            let id: Int64; let sponsor_id: UUID?; let proposal_id: UUID; let month: String; let kind: String; let amount: Int64
            let coverage_month_id: UUID; let due_date: String; let issued_at: Date; let run_month: String
        }
        let lines = try await db.sql.raw("""
            SELECT b.id, b.sponsor_id, b.proposal_id, b.month, b.kind, b.amount, b.coverage_month_id, r.due_date, r.issued_at, r.month AS run_month
            FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id
            WHERE b.program_id = \(bind: program.id!) AND r.issued_at IS NOT NULL AND r.issued_at < \(bind: known)
            ORDER BY r.month, b.id
            """).all(decoding: LineRow.self)
        struct PaymentRow: Decodable { let sponsor_id: UUID?; let paid_on: String; let amount: Int64 }
        let payments = try await db.sql.raw("""
            SELECT sponsor_id, paid_on, amount FROM payments
            WHERE program_id = \(bind: program.id!) AND recorded_at < \(bind: known) AND paid_on <= \(bind: day.iso)
            """).all(decoding: PaymentRow.self)

        // Per payer: which lines are paid, and when.
        var paidOn: [Int64: CalendarDate] = [:]
        var accounts: [ProgramStanding.Account] = []
        let payers = Set(lines.map(\.sponsor_id)).union(payments.map(\.sponsor_id))
        let names = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).filter(\.$pemdaCode == program.regencyCode).all()
            .map { ($0.id!, $0.name) })
        for payer in payers {
            let own = lines.filter { $0.sponsor_id == payer }
            let paid = payments.filter { $0.sponsor_id == payer }
            let settled = Settlement.paidDays(
                lines: own.map { .init(id: String($0.id), amount: Rupiah($0.amount), issuedOn: CalendarDate($0.issued_at)) },
                payments: paid.compactMap { p in CalendarDate(iso: p.paid_on).map { .init(paidOn: $0, amount: Rupiah(p.amount)) } })
            for line in own { if let d = settled[String(line.id)] { paidOn[line.id] = d } }
            let overdue = own.filter { $0.amount > 0 && paidOn[$0.id] == nil && (CalendarDate(iso: $0.due_date).map { day > $0 } ?? false) }
            let billed = own.reduce(0) { $0 + $1.amount }, paidSum = paid.reduce(0) { $0 + $1.amount }
            accounts.append(.init(sponsorID: payer, name: payer.flatMap { names[$0] } ?? "Belum ada penyandang dana (APBD Pemda)",
                                  billed: billed, paid: paidSum, balance: billed - paidSum,
                                  overdue: overdue.reduce(0) { $0 + $1.amount }, overdueLines: overdue.count))
        }
        accounts.sort { ($0.balance, $0.name) > ($1.balance, $1.name) }

        // Per participant: the months billed and still standing (not credited since).
        let credited = Set(lines.filter { $0.kind == BillComposition.Kind.credit.rawValue }.map(\.coverage_month_id))
        var months: [UUID: [YearMonth: PaymentWindow.BilledMonth]] = [:]
        for line in lines where line.kind != BillComposition.Kind.credit.rawValue && !credited.contains(line.coverage_month_id) {
            guard let month = YearMonth(iso: line.month), let due = CalendarDate(iso: line.due_date) else { continue }
            months[line.proposal_id, default: [:]][month] = .init(due: due, paidOn: paidOn[line.id])
        }
        let window = program.dueDay.flatMap { PaymentWindow(dueDay: $0) } ?? .bpu
        var covered = 0, arrears = 0, lapsed = 0
        var lapsedIDs: [(UUID, PaymentWindow.Standing)] = [], warningIDs: [(UUID, PaymentWindow.Standing)] = []
        for (proposal, billed) in months {
            let standing = window.standing(billed: billed, asOf: day)
            switch standing {
            case .covered: covered += 1
            case .inArrears(let n, _):
                arrears += 1
                if n >= window.lapseAfter - 1 || Self.oneAskLeft(standing, day: day) { warningIDs.append((proposal, standing)) }
            case .lapsed:
                lapsed += 1
                lapsedIDs.append((proposal, standing))
            }
        }
        return ProgramStanding(
            asOf: day.iso, accounts: accounts, covered: covered, inArrears: arrears, lapsed: lapsed, warning: warningIDs.count,
            lapsedPeople: withNames ? try await people(lapsedIDs) : [], warningPeople: withNames ? try await people(warningIDs) : [])
    }

    /// Lapses at the next due day (within a month and a half).
    static func oneAskLeft(_ standing: PaymentWindow.Standing, day: CalendarDate) -> Bool {
        guard case .inArrears(_, let on) = standing else { return false }
        return on.yearMonth <= day.yearMonth.advanced(by: 1)
    }

    private func people(_ list: [(UUID, PaymentWindow.Standing)]) async throws -> [ProgramStanding.Person] {
        guard !list.isEmpty else { return [] }
        struct Row: Decodable { let id: UUID; let name: String; let village_code: String }
        var rows: [UUID: Row] = [:]
        for chunk in list.map(\.0).chunked(into: 500) {
            for row in try await db.sql.raw("""
                SELECT p.id, w.name, p.village_code FROM proposals p JOIN workers w ON w.id = p.worker_id WHERE p.id IN (\(binds: Array(chunk)))
                """).all(decoding: Row.self) { rows[row.id] = row }
        }
        let places = try await RegionQueries(db: db).names(of: Array(Set(rows.values.map(\.village_code))))
        return list.compactMap { id, standing in
            guard let row = rows[id] else { return nil }
            let (state, words, n, day): (String, String, Int, CalendarDate) = switch standing {
            case .covered: ("covered", "Terlindungi", 0, CalendarDate(year: 2000, month: 1, day: 1)!)
            case .inArrears(let n, let on): ("in_arrears", "Menunggak, berhenti aktif \(on.indonesian) bila belum dibayar", n, on)
            case .lapsed(let since, let n): ("lapsed", "Tidak aktif sejak \(since.indonesian) (\(n) bulan belum dibayar)", n, since)
            }
            return .init(proposalID: id, name: row.name, village: places[row.village_code] ?? row.village_code, state: state,
                         stateName: words, unpaidMonths: n, day: day.iso)
        }.sorted { ($0.village, $0.name) < ($1.village, $1.name) }
    }
}
