import Foundation
import PayungCore

/// The planner's sponsor mix and rest of the year in Bahasa Indonesia.
extension BudgetPlanWords {
    static func sentences(_ mix: BudgetPlan.Mix) -> [String] {
        func n(_ count: Int64) -> String { Count.id(Int(count)) }
        let covered = min(mix.personMonthsCovered, mix.personMonthsNeeded)
        var lines = ["Para penyandang dana menanggung \(n(mix.personMonthsCovered)) orang-bulan; "
                     + "\(n(covered)) dari \(n(mix.personMonthsNeeded)) orang-bulan yang dibutuhkan tertanggung."]
        if mix.uncovered > 0 {
            lines.append("Belum tertanggung: \(n(mix.uncovered)) orang-bulan (\(mix.uncoveredRupiah.formatted)).")
        } else if mix.personMonthsCovered > mix.personMonthsNeeded {
            lines.append("Semua tertanggung; lebih \(n(mix.personMonthsCovered - mix.personMonthsNeeded)) orang-bulan.")
        } else {
            lines.append("Semua tertanggung.")
        }
        return lines
    }

    /// "Juni 2026", or "Juni – Desember 2026" / "November 2026 – Maret 2027".
    static func span(_ from: YearMonth, _ through: YearMonth) -> String {
        if from == through { return from.indonesian }
        if from.year == through.year { return "\(IndonesianMonth.name(from.month)) – \(through.indonesian)" }
        return "\(from.indonesian) – \(through.indonesian)"
    }

    static func sentences(_ r: RestOfYear, today: CalendarDate, pledged: Bool, fullRate: Bool) -> [String] {
        var lines: [String] = []
        if r.planned.personMonths == 0 {
            lines.append("Belum ada bulan kepesertaan yang direncanakan untuk \(r.year).")
        } else {
            var parts: [String] = []
            if r.past.personMonths > 0 {
                parts.append("\(Count.id(Int(r.past.personMonths))) orang-bulan (\(r.past.rupiah.formatted)) pada bulan yang sudah lewat")
            }
            if r.toCome.personMonths > 0 {
                parts.append("\(Count.id(Int(r.toCome.personMonths))) orang-bulan (\(r.toCome.rupiah.formatted)) mulai \(r.asOf.indonesian)")
            }
            lines.append("Sudah direncanakan untuk \(r.year): \(Count.id(Int(r.planned.personMonths))) orang-bulan "
                         + "(\(r.planned.rupiah.formatted)), per \(today.indonesian): \(parts.joined(separator: " dan ")).")
        }
        let source = pledged ? " (komitmen penyandang dana untuk \(r.year))" : ""
        if r.shortfall.amount > 0 {
            lines.append("Anggaran \(r.budget.formatted)\(source) kurang \(r.shortfall.formatted) "
                         + "(\(Count.id(Int(r.shortfallPersonMonths))) orang-bulan) untuk bulan yang sudah direncanakan.")
        } else {
            lines.append("Anggaran \(r.budget.formatted)\(source) dikurangi yang sudah direncanakan: sisa \(r.left.formatted).")
        }
        guard let first = r.firstRemainingMonth, let last = r.lastRemainingMonth, r.remainingMonths > 0 else {
            lines.append("Tidak ada bulan tersisa pada \(r.year) dalam masa program.")
            return lines
        }
        let rate = "\(r.premium.formatted) per orang per bulan" + (fullRate ? " (tarif penuh program)" : "")
        if r.left.amount == 0 || r.personMonthsAffordable == 0 {
            lines.append("Tidak ada sisa untuk menambah peserta pada \(r.remainingMonths) bulan tersisa (\(span(first, last))).")
        } else {
            lines.append("Sisa itu cukup untuk \(Count.id(Int(r.personMonthsAffordable))) orang-bulan dengan iuran \(rate): "
                         + "\(Count.id(Int(r.workersAffordable))) pekerja tambahan selama \(r.remainingMonths) bulan tersisa "
                         + "(\(span(first, last))), sisa \(r.remainder.formatted).")
        }
        return lines
    }
}
