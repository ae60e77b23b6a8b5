import Foundation
import PayungCore
import Vapor

/// `/program/{id}/serapan`: the chart of the program's months (or, for a
/// sponsor's user, of their share), then a table per payer.
extension AbsorptionController {
    struct PageView: Encodable {
        struct Row: Encodable {
            let month: String; let pledged: String; let billed: String; let paid: String; let outstanding: String; let absorption: String
            let total: Bool
        }
        struct Section: Encodable { let name: String; let rows: [Row] }
        let page: PageContext
        let programID: String
        let programName: String
        /// The chart, built and escaped by `AbsorptionChart`.
        let chart: String
        let sponsorOnly: Bool
        /// The program's months first (staff only), then each payer.
        let sections: [Section]
        let asOfName: String
    }

    static func page(_ req: Request) async throws -> View {
        let a = try await figures(req)
        let sponsorOnly = a.scope == "sponsor"
        func section(_ account: BudgetAbsorption.Account) -> PageView.Section {
            .init(name: account.name, rows: (account.months + [account.total]).map { m in
                .init(month: m.monthName, pledged: Rupiah(m.pledged).formatted, billed: Rupiah(m.billed).formatted, paid: Rupiah(m.paid).formatted,
                      outstanding: m.outstanding.map { Rupiah($0).formatted } ?? "–", absorption: m.absorption.map { "\($0)%" } ?? "–",
                      total: m.month == "total")
            })
        }
        let title = sponsorOnly ? "Serapan anggaran per bulan, bagian penyandang dana Anda" : "Serapan anggaran per bulan, seluruh program"
        return try await req.view.render("billing/absorption", PageView(
            page: PageContext(title: "Serapan anggaran · \(a.programName)", request: req), programID: a.programID.uuidString,
            programName: a.programName, chart: AbsorptionChart(title: "\(title): \(a.programName)", months: a.program.months).svg,
            sponsorOnly: sponsorOnly, sections: (sponsorOnly ? [] : [section(a.program)]) + a.accounts.map(section),
            asOfName: CalendarDate(iso: a.asOf)?.indonesian ?? a.asOf))
    }
}
