/// Which person-months a payer's payments have paid, and from which day
/// (DESIGN.md, "Money": states are derived from the ledger, never flags).
///
/// A payer's account with BPJS for one program is its bill lines (debits,
/// in the order bills were issued; credits take off) and its payments.
/// Payments settle lines first in, first out: a line is paid on the first
/// day the money paid (and credited) up to then covers every debit up to
/// and including it, and never before its bill was issued. A partial
/// payment pays the first lines it covers and leaves the rest unpaid, so a
/// small shortfall does not unpay a whole bill. Paying ahead is a credit
/// the next bills use on their issue day.
public enum Settlement {
    public struct Line: Sendable, Hashable {
        public let id: String
        /// Signed: a credit (a participation that ended) is negative.
        public let amount: Rupiah
        public let issuedOn: CalendarDate

        public init(id: String, amount: Rupiah, issuedOn: CalendarDate) {
            self.id = id
            self.amount = amount
            self.issuedOn = issuedOn
        }
    }

    public struct Payment: Sendable, Hashable {
        public let paidOn: CalendarDate
        public let amount: Rupiah

        public init(paidOn: CalendarDate, amount: Rupiah) {
            self.paidOn = paidOn
            self.amount = amount
        }
    }

    /// Each debit line's paid day (lines never paid are absent). Lines in
    /// the order they were billed; payments in any order.
    public static func paidDays(lines: [Line], payments: [Payment]) -> [String: CalendarDate] {
        // Money arrives by payments and by credits, each on its day.
        var arrivals = payments.filter { $0.amount.amount > 0 }.map { ($0.paidOn, $0.amount.amount) }
        arrivals += lines.filter { $0.amount.amount < 0 }.map { ($0.issuedOn, -$0.amount.amount) }
        arrivals.sort { $0.0 < $1.0 }
        var result: [String: CalendarDate] = [:]
        var owed: Int64 = 0
        var next = 0
        var funded: Int64 = 0
        var fundedOn: CalendarDate?
        for line in lines where line.amount.amount > 0 {
            owed += line.amount.amount
            // Take arrivals until this line is covered.
            while funded < owed, next < arrivals.count {
                funded += arrivals[next].1
                fundedOn = arrivals[next].0
                next += 1
            }
            guard funded >= owed, let day = fundedOn else { break }
            result[line.id] = max(day, line.issuedOn)
        }
        return result
    }
}
