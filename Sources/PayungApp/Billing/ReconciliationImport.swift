import Fluent
import Foundation
import PayungCore
import SQLKit

/// Reads BPJS's invoice or payment file for a program (`BPJSInvoiceLayout`)
/// and records every difference with Payung's person-months for the months
/// the file covers (`Reconciliation`): months BPJS did not bill, months it
/// billed that Payung does not expect (flagged when the participation had
/// ended), and different amounts. Rows Payung cannot read are reported
/// with their line and reason; they never stop the others. The run and its
/// differences are written in one transaction.
struct ReconciliationImport {
    let db: any Database
    let now: Date
    let today: CalendarDate

    /// Rejected rows kept with the run (all are counted).
    static let keptRejections = 200
    /// Months one file may cover: a BPJS invoice is monthly, a payment file a year at most.
    static let maxMonths = 36
    /// No person-month costs anywhere near this; a larger cell is a misread column.
    static let maxAmount: Int64 = 100_000_000

    func run(_ file: TabularFile, program: ProgramModel, layout: BPJSInvoiceLayout = .standard, fileName: String,
             by actor: AuditActor) async throws -> (run: ReconciliationModel, rejections: [ImportRejection]) {
        guard let mapping = layout.mapping(of: file.rows) else { throw layout.headerNotFound(seen: file.rows.first?.cells ?? []) }
        var lines: [Reconciliation.Billed] = []
        var fileNames: [String: String] = [:], fileKPJ: [String: String] = [:]
        var rejections: [ImportRejection] = []
        var rejected = 0, rows = 0
        let hasPaid = mapping.columns[.paid] != nil
        let rules = try await program.rules(on: db)
        // Rows whose NIK and month were read but whose amount was not: reported as unreadable, never as "not billed".
        var unreadable: Set<Reconciliation.Key> = []
        for row in file.rows.dropFirst(mapping.headerRowIndex + 1) {
            rows += 1
            func reject(_ field: BPJSInvoiceField, _ code: String, _ message: String) {
                rejected += 1
                if rejections.count < Self.keptRejections {
                    rejections.append(.init(line: row.line, column: mapping.header(of: field), code: code, message: message, cells: Array(row.cells.prefix(20))))
                }
            }
            let nik: NIK
            do { nik = try NIK(parsing: mapping.value(row, .nik), today: today) } catch { reject(.nik, error.code, error.message); continue }
            guard let month = SpreadsheetValue.month(mapping.value(row, .month)) else {
                reject(.month, "month_invalid", "Bulan iuran \"\(mapping.value(row, .month).prefix(30))\" tidak terbaca; tulis seperti 2026-05 atau Mei 2026.")
                continue
            }
            guard month >= rules.start, month <= rules.end else {
                reject(.month, "month_outside_program", "Bulan iuran \(month.indonesian) di luar periode program (\(rules.periodText)).")
                continue
            }
            guard let billed = Self.amount(mapping.value(row, .amount)) else {
                reject(.amount, "amount_invalid", "Iuran \"\(mapping.value(row, .amount).prefix(30))\" bukan jumlah rupiah utuh antara Rp0 dan Rp100.000.000.")
                unreadable.insert(.init(nik: nik.digits, month: month))
                continue
            }
            var paid: Rupiah?
            if hasPaid, !mapping.value(row, .paid).isEmpty {
                guard let value = Self.amount(mapping.value(row, .paid)) else {
                    reject(.paid, "paid_invalid", "Jumlah dibayar \"\(mapping.value(row, .paid).prefix(30))\" bukan jumlah rupiah utuh antara Rp0 dan Rp100.000.000.")
                    unreadable.insert(.init(nik: nik.digits, month: month))
                    continue
                }
                paid = value
            }
            lines.append(.init(key: .init(nik: nik.digits, month: month), billed: billed, paid: paid))
            if let name = mapping.value(row, .name).nilIfBlank { fileNames[nik.digits] = String(name.prefix(120)) }
            if let kpj = mapping.value(row, .kpj).nilIfBlank { fileKPJ[nik.digits] = String(kpj.prefix(20)) }
        }
        let months = Set(lines.map(\.key.month)).sorted()
        guard !months.isEmpty else {
            throw AppError.invalid("reconciliation_empty", "Tidak ada baris tagihan yang terbaca di berkas ini"
                                   + (rejections.first.map { ": baris \($0.line), \($0.message)" } ?? "."))
        }
        guard months.count <= Self.maxMonths else {
            throw AppError.invalid("reconciliation_too_many_months",
                                   "Berkas mencakup \(months.count) bulan iuran; satu rekonsiliasi paling banyak \(Self.maxMonths) bulan.")
        }

        // Payung's person-months for those months.
        struct Expected: Decodable { let nik: String; let month: String; let total: Int64 }
        var expected: [Reconciliation.Key: Rupiah] = [:]
        for row in try await db.sql.raw("""
            SELECT nik, month, total FROM coverage_months WHERE program_id = \(bind: program.id!) AND month IN (\(binds: months.map(\.iso)))
            """).all(decoding: Expected.self) {
            guard let month = YearMonth(iso: row.month) else { continue }
            let key = Reconciliation.Key(nik: row.nik, month: month)
            if !unreadable.contains(key) { expected[key] = Rupiah(row.total) }
        }
        // The program's people among the file's and Payung's NIKs, and when their participation ended.
        let niks = Set(lines.map(\.key.nik)).union(expected.keys.map(\.nik))
        let people = try await Self.people(Array(niks), program: program, on: db)
        let differences = Reconciliation.differences(expected: expected, billed: lines) { key in
            guard let person = people[key.nik], let ended = person.endedMonth else { return false }
            return key.month > ended
        }

        let reconciliation = ReconciliationModel()
        reconciliation.id = UUID()
        reconciliation.programID = program.id!
        reconciliation.fileName = String(fileName.prefix(200))
        reconciliation.months = months.map(\.iso).joined(separator: ",")
        reconciliation.rows = rows
        reconciliation.missing = differences.count { $0.kind == .missing }
        reconciliation.extra = differences.count { $0.kind == .extra }
        reconciliation.amountDiffers = differences.count { $0.kind == .amount }
        reconciliation.afterEnd = differences.count(where: \.afterEnd)
        reconciliation.rejected = rejected
        reconciliation.expectedTotal = expected.values.reduce(0) { $0 &+ $1.amount }
        reconciliation.billedTotal = lines.reduce(0) { $0 &+ $1.billed.amount }
        reconciliation.paidTotal = hasPaid ? lines.reduce(0) { $0 &+ ($1.paid?.amount ?? 0) } : nil
        reconciliation.rejections = String(decoding: try JSONEncoder().encode(rejections), as: UTF8.self)
        reconciliation.createdAt = now
        reconciliation.createdByUserID = actor.userID
        reconciliation.createdBy = actor.username
        let id = reconciliation.id!
        let rowsToWrite = differences.map { d -> [BulkValue] in
            let person = people[d.key.nik]
            return [.uuid(id), .text(d.key.nik), .text(person?.kpj ?? fileKPJ[d.key.nik]), .text(person?.name ?? fileNames[d.key.nik]),
                    .text(d.key.month.iso), .text(d.kind.rawValue), .int(d.expected?.amount), .int(d.billed?.amount), .int(d.paid?.amount),
                    .bool(d.afterEnd), .bool(person != nil)]
        }
        let note = "\(reconciliation.fileName): \(reconciliation.months), \(reconciliation.missing) missing, \(reconciliation.extra) extra, "
            + "\(reconciliation.amountDiffers) amount, \(reconciliation.afterEnd) after end, \(rejected) rejected rows of \(rows)"
        try await db.transaction { tx in
            try await reconciliation.create(on: tx)
            try await BulkInsert.insert(into: "reconciliation_differences",
                                        columns: ["reconciliation_id", "nik", "kpj", "name", "month", "kind", "expected", "billed", "paid",
                                                  "after_end", "in_program"], rows: rowsToWrite, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "billing.reconcile", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                note: note), by: actor)
        }
        return (reconciliation, rejections)
    }

    /// "16.800", "Rp16.800", "16800", and an XLSX number cell "16800.0".
    static func amount(_ text: String) -> Rupiah? {
        guard let value = Rupiah(parsing: text) ?? Rupiah(parsing: SpreadsheetValue.integerText(text)),
              (0...maxAmount).contains(value.amount) else { return nil }
        return value
    }

    struct Person { let name: String; let kpj: String?; let endedMonth: YearMonth? }

    /// The program's proposals for these NIKs. A NIK proposed twice (returned,
    /// then proposed again) counts as ended only if none of its proposals runs on.
    static func people(_ niks: [String], program: ProgramModel, on db: any Database) async throws -> [String: Person] {
        struct Row: Decodable { let nik: String; let name: String; let kpj: String?; let status: String; let ended_on: String? }
        var result: [String: Person] = [:]
        var running: Set<String> = []
        for chunk in niks.chunked(into: 500) {
            for row in try await db.sql.raw("""
                SELECT w.nik, w.name, p.kpj, p.status, p.ended_on FROM proposals p JOIN workers w ON w.id = p.worker_id
                WHERE p.program_id = \(bind: program.id!) AND w.nik IN (\(binds: Array(chunk)))
                """).all(decoding: Row.self) {
                let ended = row.status == ProposalStatus.ended.rawValue ? row.ended_on.flatMap { CalendarDate(iso: $0)?.yearMonth } : nil
                if ended == nil { running.insert(row.nik) }
                let previous = result[row.nik]
                let endedMonth = running.contains(row.nik) ? nil : [previous?.endedMonth, ended].compactMap { $0 }.max()
                result[row.nik] = Person(name: row.name, kpj: row.kpj ?? previous?.kpj, endedMonth: endedMonth)
            }
        }
        return result
    }
}
