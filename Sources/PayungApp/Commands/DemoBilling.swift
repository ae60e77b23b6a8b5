import Fluent
import Foundation
import PayungCore
import SQLKit

/// The demo's bills and payments for the running year's programs: each
/// month's bill prepared by the agency's operator on the 1st and issued by
/// the Kepala Dinas the same morning; each sponsor pays its share on the
/// 10th with a (drawn) SP2D as proof, except that the individual donor
/// stopped paying after July (its one participant is lapsed) and Baznas
/// has not yet paid this month's bill (a sponsor in arrears). Dates are
/// the months' own, so "as known on" questions have a history to answer.
enum DemoBilling {
    /// The donor who stops paying after this month.
    static let lapsingDonor = "Yayasan Peduli Pekerja Pekalongan"
    static let lastPaidByDonor = 7

    static func seed(on db: any Database, today: CalendarDate) async throws -> (bills: Int, payments: Int) {
        guard try await BillingRunModel.query(on: db).first() == nil else { return (0, 0) }
        var bills = 0, payments = 0
        let sponsors = Dictionary(uniqueKeysWithValues: try await SponsorModel.query(on: db).all().map { ($0.id!, $0) })
        for program in try await ProgramModel.query(on: db).sort(\.$startMonth).all() {
            guard let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth),
                  start.year == today.year, start <= today.yearMonth else { continue }
            let slug = program.regencyCode == "33.75" ? "pekalongan" : "jambi"
            guard let maker = try await Self.actor("operator.\(slug)", on: db), let checker = try await Self.actor("kadis.\(slug)", on: db) else { continue }
            var month = start
            while month <= min(end, today.yearMonth) {
                let first = Self.instant(CalendarDate(year: month.year, month: month.month, day: 1)!, hour: 8)
                let prepared = try await BillingRun(db: db, now: first).prepare(programID: program.id!, month: month, by: maker,
                                                                                today: CalendarDate(first))
                _ = try await BillingRun(db: db, now: first.addingTimeInterval(3_600)).issue(runID: prepared.runID, by: checker)
                bills += 1
                struct Share: Decodable { let sponsor_id: UUID?; let total: Int64 }
                let shares = try await db.sql.raw("""
                    SELECT sponsor_id, CAST(SUM(amount) AS BIGINT) AS total FROM bill_lines WHERE run_id = \(bind: prepared.runID) GROUP BY sponsor_id
                    """).all(decoding: Share.self)
                let payDay = CalendarDate(year: month.year, month: month.month, day: 10)!
                for share in shares where share.total > 0 && payDay <= today {
                    let name = share.sponsor_id.flatMap { sponsors[$0]?.name } ?? ""
                    if name == lapsingDonor, month.month > lastPaidByDonor { continue }
                    if name.hasPrefix("Baznas"), month == today.yearMonth { continue }
                    let paidAt = Self.instant(payDay, hour: 10)
                    let payment = try await Payments(db: db, now: paidAt).record(
                        program: program,
                        PaymentInput(sponsorID: share.sponsor_id, invoiceRef: "VA 88900\(program.regencyCode.replacingOccurrences(of: ".", with: ""))\(month.iso.replacingOccurrences(of: "-", with: ""))",
                                     transferRef: "SP2D \(String(format: "%03d", month.month))/LS/\(month.year)", paidOn: payDay.iso,
                                     amount: String(share.total), note: "Data demo"),
                        today: payDay, by: maker)
                    try await Payments.attach(Self.proof(name: name, month: month, amount: share.total), name: "sp2d.pdf", to: payment.id!,
                                              by: maker, at: paidAt, on: db)
                    payments += 1
                }
                month = month.advanced(by: 1)
            }
        }
        return (bills, payments)
    }

    static func actor(_ username: String, on db: any Database) async throws -> AuditActor? {
        guard let user = try await AccessQueries(db: db).user(username: username) else { return nil }
        return AuditActor(userID: user.id, username: user.username, source: "cli:demo")
    }

    /// `hour` o'clock WIB on `day`.
    static func instant(_ day: CalendarDate, hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .jakarta
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour))!
    }

    /// A one-page PDF saying what it stands for (no real SP2D).
    static func proof(name: String, month: YearMonth, amount: Int64) -> Data {
        page("SP2D demo: \(name) \(month.iso) Rp\(amount)")
    }

    /// A one-page PDF with one line of text.
    static func page(_ line: String) -> Data {
        let text = line.filter { $0.isASCII && $0 != "(" && $0 != ")" && $0 != "\\" }
        let stream = "BT /F1 12 Tf 40 100 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }
}
