/// Budget absorption (*serapan anggaran*): how much of what sponsors
/// pledged to a program has been billed, and how much of that was paid,
/// contribution month by contribution month. The figures, per payer (a
/// sponsor, or the Pemda's own APBD for months no sponsor funds) and month:
///
/// - **pledged** (*komitmen*): each pledge shared evenly over the months of
///   its period (`shares(of:over:)`: whole rupiah, or whole person-months
///   priced at the month's full rate, the remainder on the later months, so
///   the months add up to the pledge exactly);
/// - **billed** (*ditagih*): the payer's lines on issued bills whose
///   contribution month is this month (charges, late lines, and credits as
///   negative amounts), whichever bill carried them;
/// - **paid** (*dibayar*): the payer's payments whose payment day falls in
///   this month;
/// - **outstanding** (*sisa tagihan*): everything billed up to and
///   including this month minus everything paid up to its end; nil for a
///   month that has not begun, and the current month's is as of today;
/// - **absorption** (*serapan*): billed ÷ pledged in whole percent,
///   rounded toward zero (a pledge never shows 100% before it is used up);
///   nil when nothing was pledged for the month.
///
/// Billed follows the contribution month while paid follows the payment
/// day, as a budget office reads them: a registration back-dated into March
/// and billed in June raises March's billed (and March's outstanding) from
/// June on.
public enum Absorption {
    public struct Figures: Sendable, Equatable, Codable {
        public let pledged: Int64
        public let billed: Int64
        public let paid: Int64
        public let outstanding: Int64?

        public init(pledged: Int64, billed: Int64, paid: Int64, outstanding: Int64?) {
            self.pledged = pledged
            self.billed = billed
            self.paid = paid
            self.outstanding = outstanding
        }

        public var absorption: Int? { Absorption.percent(billed: billed, pledged: pledged) }
    }

    /// One month's sums before the running balance.
    public struct MonthSums: Sendable, Equatable {
        public let month: YearMonth
        public let pledged: Int64
        public let billed: Int64
        public let paid: Int64

        public init(_ month: YearMonth, pledged: Int64, billed: Int64, paid: Int64) {
            self.month = month
            self.pledged = pledged
            self.billed = billed
            self.paid = paid
        }
    }

    /// `total` shared over `months` months in whole units: month k (from 1)
    /// gets ⌊total·k/n⌋ − ⌊total·(k−1)/n⌋, so the shares differ by at most
    /// one, the larger ones fall late, and they add up to `total` exactly.
    /// Total at most 10^15 and months at most 1,200, so nothing overflows.
    public static func shares(of total: Int64, over months: Int) -> [Int64] {
        guard months > 0 else { return [] }
        let n = Int64(months)
        func upTo(_ k: Int64) -> Int64 { (total / n) * k + (total % n) * k / n }
        return (1...n).map { upTo($0) - upTo($0 - 1) }
    }

    /// billed ÷ pledged in whole percent, rounded toward zero; nil when
    /// nothing was pledged (or a negative pledge, which cannot be).
    public static func percent(billed: Int64, pledged: Int64) -> Int? {
        guard pledged > 0 else { return nil }
        let (scaled, overflow) = billed.multipliedReportingOverflow(by: 100)
        if !overflow { return Int(scaled / pledged) }
        return Int(billed / pledged * 100 + (billed % pledged) / max(pledged / 100, 1))
    }

    /// The months in order with their running outstanding: cumulative
    /// billed − cumulative paid at each month's end, nil after `current`.
    public static func running(_ months: [MonthSums], current: YearMonth) -> [(month: YearMonth, figures: Figures)] {
        var billed: Int64 = 0, paid: Int64 = 0
        return months.sorted { $0.month < $1.month }.map { m in
            billed += m.billed
            paid += m.paid
            return (m.month, Figures(pledged: m.pledged, billed: m.billed, paid: m.paid,
                                     outstanding: m.month <= current ? billed - paid : nil))
        }
    }

    /// The figures of all months together: sums, and the outstanding as it
    /// stands now (all billed − all paid).
    public static func total(_ months: [Figures]) -> Figures {
        let billed = months.reduce(0) { $0 + $1.billed }, paid = months.reduce(0) { $0 + $1.paid }
        return Figures(pledged: months.reduce(0) { $0 + $1.pledged }, billed: billed, paid: paid, outstanding: billed - paid)
    }
}
