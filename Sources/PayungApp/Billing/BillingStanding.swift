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

    /// An issued bill line as known on a day.
    struct LineRow: Decodable, Sendable {
        let id: Int64; let sponsor_id: UUID?; let proposal_id: UUID; let month: String; let kind: String; let amount: Int64
        let coverage_month_id: UUID; let due_date: String; let issued_at: Date; let run_month: String
    }
    struct PaymentRow: Decodable, Sendable { let sponsor_id: UUID?; let paid_on: String; let amount: Int64 }

    /// The program's issued lines and payments known at the end of `day`, and
    /// the day each line was fully paid (`Settlement`, per payer).
    func settled(_ program: ProgramModel, asOf day: CalendarDate) async throws
        -> (lines: [LineRow], payments: [PaymentRow], paidOn: [Int64: CalendarDate]) {
        let known = Self.endOf(day)
        let lines = try await db.sql.raw("""
            SELECT b.id, b.sponsor_id, b.proposal_id, b.month, b.kind, b.amount, b.coverage_month_id, r.due_date, r.issued_at, r.month AS run_month
            FROM bill_lines b JOIN billing_runs r ON r.id = b.run_id
            WHERE b.program_id = \(bind: program.id!) AND r.issued_at IS NOT NULL AND r.issued_at < \(bind: known)
            ORDER BY r.month, b.id
            """).all(decoding: LineRow.self)
        let payments = try await db.sql.raw("""
            SELECT sponsor_id, paid_on, amount FROM payments
            WHERE program_id = \(bind: program.id!) AND recorded_at < \(bind: known) AND paid_on <= \(bind: day.iso)
            """).all(decoding: PaymentRow.self)
        var paidOn: [Int64: CalendarDate] = [:]
        let payers = Set(lines.map(\.sponsor_id)).union(payments.map(\.sponsor_id))
        for payer in payers {
            let settled = Settlement.paidDays(
                lines: lines.filter { $0.sponsor_id == payer }
                    .map { .init(id: String($0.id), amount: Rupiah($0.amount), issuedOn: CalendarDate($0.issued_at)) },
                payments: payments.filter { $0.sponsor_id == payer }
                    .compactMap { p in CalendarDate(iso: p.paid_on).map { .init(paidOn: $0, amount: Rupiah(p.amount)) } })
            for (id, d) in settled { if let key = Int64(id) { paidOn[key] = d } }
        }
        return (lines, payments, paidOn)
    }

    func standing(_ program: ProgramModel, asOf day: CalendarDate, withNames: Bool) async throws -> ProgramStanding {
        let (lines, payments, paidOn) = try await settled(program, asOf: day)
        var accounts: [ProgramStanding.Account] = []
        let payers = Set(lines.map(\.sponsor_id)).union(payments.map(\.sponsor_id))
        let names = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).filter(\.$pemdaCode == program.regencyCode).all()
            .map { ($0.id!, $0.name) })
        for payer in payers {
            let own = lines.filter { $0.sponsor_id == payer }
            let paid = payments.filter { $0.sponsor_id == payer }
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
            let (state, words, n, day) = Self.words(standing)
            return .init(proposalID: id, name: row.name, village: places[row.village_code] ?? row.village_code, state: state,
                         stateName: words, unpaidMonths: n, day: day.iso)
        }.sorted { ($0.village, $0.name) < ($1.village, $1.name) }
    }
}

extension BillingStandingQueries {
    /// A participant's standing: code, words, unpaid months, and the day it lapses or lapsed.
    static func words(_ standing: PaymentWindow.Standing) -> (String, String, Int, CalendarDate) {
        switch standing {
        case .covered: ("covered", "Terlindungi", 0, CalendarDate(year: 2000, month: 1, day: 1)!)
        case .inArrears(let n, let on): ("in_arrears", "Menunggak, berhenti aktif \(on.indonesian) bila belum dibayar", n, on)
        case .lapsed(let since, let n): ("lapsed", "Tidak aktif sejak \(since.indonesian) (\(n) bulan belum dibayar)", n, since)
        }
    }

    /// One participant's billed months as known at the end of `day`: which
    /// bill, due when, paid when, by whom; and their standing that day.
    /// "Was March paid, as known on 20 March?" is one row of it.
    func participant(_ program: ProgramModel, proposalID: UUID, asOf day: CalendarDate) async throws -> ParticipantMonths {
        struct Person: Decodable { let name: String }
        guard let person = try await db.sql.raw("""
            SELECT w.name FROM proposals p JOIN workers w ON w.id = p.worker_id WHERE p.id = \(bind: proposalID) AND p.program_id = \(bind: program.id!)
            """).first(decoding: Person.self) else { throw AppError.notFound("Peserta") }
        let (all, _, paidOn) = try await settled(program, asOf: day)
        let lines = all.filter { $0.proposal_id == proposalID }
        let credited = Set(lines.filter { $0.kind == BillComposition.Kind.credit.rawValue }.map(\.coverage_month_id))
        let payers = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).filter(\.$pemdaCode == program.regencyCode).all()
            .map { ($0.id!, $0.name) })
        let window = program.dueDay.flatMap { PaymentWindow(dueDay: $0) } ?? .bpu
        var billed: [YearMonth: PaymentWindow.BilledMonth] = [:]
        var months: [ParticipantMonths.Month] = []
        for line in lines where line.kind != BillComposition.Kind.credit.rawValue {
            guard let month = YearMonth(iso: line.month), let due = CalendarDate(iso: line.due_date) else { continue }
            let paid = paidOn[line.id]
            let state: (String, String)
            if credited.contains(line.coverage_month_id) {
                state = ("credited", "Dikreditkan kembali (kepesertaan tidak berlaku bulan ini)")
            } else {
                billed[month] = .init(due: due, paidOn: paid)
                // Due with its bill: a month billed late falls due with that bill, not on its own due day.
                if let paid, paid <= day { state = ("paid", "Lunas \(paid.indonesian)") }
                else if day > due { state = ("overdue", "Belum dibayar, jatuh tempo \(due.indonesian)") }
                else { state = ("not_yet_due", "Belum jatuh tempo (\(due.indonesian))") }
            }
            months.append(.init(month: line.month, monthName: month.indonesian, amount: line.amount, bill: line.run_month,
                                billName: YearMonth(iso: line.run_month)?.indonesian ?? line.run_month,
                                payer: line.sponsor_id.flatMap { payers[$0] } ?? "APBD Pemda (bulan tanpa penyandang dana)",
                                due: line.due_date, paidOn: paid?.iso, state: state.0, stateName: state.1))
        }
        let (code, words, _, _) = Self.words(window.standing(billed: billed, asOf: day))
        return ParticipantMonths(proposalID: proposalID, name: person.name, asOf: day.iso, standing: code, standingName: words,
                                 months: months.sorted { $0.month < $1.month })
    }
}

/// A participant's billed months and payments as known on a day.
struct ParticipantMonths: Content {
    struct Month: Content {
        /// Contribution month, `YYYY-MM`.
        let month: String
        let monthName: String
        let amount: Int64
        /// The bill that charged it (a later one for a month billed late).
        let bill: String
        let billName: String
        let payer: String
        let due: String
        let paidOn: String?
        /// paid, not_yet_due, overdue, credited.
        let state: String
        let stateName: String
    }
    let proposalID: UUID
    let name: String
    let asOf: String
    /// covered, in_arrears, lapsed.
    let standing: String
    let standingName: String
    let months: [Month]
}
