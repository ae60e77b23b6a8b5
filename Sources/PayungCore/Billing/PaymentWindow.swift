/// When a contribution month's premium is due, and what unpaid months mean
/// for the participant on a given day. BPJS Ketenagakerjaan rules for BPU
/// members (DOMAIN.md, "Premiums" [N]): a month's premium is due by the 15th
/// of the contribution month; arrears may be paid for up to 3 months; after
/// 3 consecutive unpaid months the member is inactive (*lapsed*) until the
/// payer pays again with the NIK, with no late-payment penalty.
///
/// Lapse is a coverage state derived from payments, never an end of
/// participation: one late APBD transfer must not end 3,000 people. Every
/// answer is "as known on" a day: a payment recorded after that day does
/// not count, so "was March paid, as known on 20 March?" has one answer.
public struct PaymentWindow: Sendable, Hashable {
    /// Day of the contribution month by which it is due (1...28; a program setting).
    public let dueDay: Int
    /// Consecutive overdue unpaid months after which a member is lapsed.
    public let lapseAfter: Int

    public static let bpu = PaymentWindow(dueDay: 15, lapseAfter: 3)!

    public init?(dueDay: Int, lapseAfter: Int = 3) {
        guard (1...28).contains(dueDay), (1...12).contains(lapseAfter) else { return nil }
        self.dueDay = dueDay
        self.lapseAfter = lapseAfter
    }

    /// The day contribution month `month` is due.
    public func dueDate(of month: YearMonth) -> CalendarDate {
        CalendarDate(year: month.year, month: month.month, day: dueDay)!
    }

    /// The first day on which an unpaid `month` is overdue (the day after
    /// its due date; `dueDay` is at most 28, so it is in the same month).
    public func firstOverdueDay(of month: YearMonth) -> CalendarDate {
        CalendarDate(year: month.year, month: month.month, day: dueDay + 1)!
    }

    /// A month's payment as known on a day.
    public enum MonthState: Sendable, Hashable {
        /// Fully paid on or before the day asked about.
        case paid
        /// Not paid, but its due date has not passed: it counts as covered.
        case notYetDue
        /// Not paid and past due.
        case overdue
    }

    /// `paidOn`: the day the month was fully paid, if ever (a later payment
    /// is unknown on `day`).
    public func state(of month: YearMonth, paidOn: CalendarDate?, asOf day: CalendarDate) -> MonthState {
        if let paidOn, paidOn <= day { return .paid }
        return day > dueDate(of: month) ? .overdue : .notYetDue
    }

    /// A participant's coverage on a day.
    public enum Standing: Sendable, Hashable {
        /// Nothing overdue.
        case covered
        /// Overdue months still payable; `months` consecutive overdue at the end.
        case inArrears(months: Int, lapsesOn: CalendarDate)
        /// `months` consecutive overdue months reached the limit on `since`.
        case lapsed(since: CalendarDate, months: Int)

        public var isCovered: Bool {
            if case .lapsed = self { return false }
            return true
        }
    }

    /// A billed month: when it falls due and when it was fully paid.
    public struct BilledMonth: Sendable, Hashable {
        public let due: CalendarDate
        public let paidOn: CalendarDate?

        public init(due: CalendarDate, paidOn: CalendarDate?) {
            self.due = due
            self.paidOn = paidOn
        }
    }

    /// The standing on `day` of a participant billed for `months`
    /// (contribution month -> the day it was fully paid, nil if unpaid),
    /// each due on the rule's day of its month.
    public func standing(months: [YearMonth: CalendarDate?], asOf day: CalendarDate) -> Standing {
        standing(billed: Dictionary(uniqueKeysWithValues: months.map { ($0.key, BilledMonth(due: dueDate(of: $0.key), paidOn: $0.value)) }),
                 asOf: day)
    }

    /// The standing on `day` from billed months with their own due days (a
    /// month billed late, on a later bill, falls due with that bill, not
    /// before it was ever asked for). Counts the unpaid overdue months that
    /// run back from the latest overdue one without a paid month between
    /// them; a paid month ends the run, so paying the arrears (or paying
    /// again after a lapse) covers the member again without a new proposal.
    public func standing(billed: [YearMonth: BilledMonth], asOf day: CalendarDate) -> Standing {
        func overdue(_ m: BilledMonth) -> Bool { day > m.due && !(m.paidOn.map { $0 <= day } ?? false) }
        let pastDue = billed.keys.sorted().filter { day > billed[$0]!.due }
        var run: [YearMonth] = []
        for month in pastDue.reversed() {
            guard overdue(billed[month]!) else { break }
            run.append(month)
        }
        guard let latest = run.first else { return .covered }
        // Months are consecutive contribution months of one participation;
        // a gap (a month never billed) also ends the run.
        var consecutive = 1
        while consecutive < run.count, run[consecutive] == latest.advanced(by: -consecutive) { consecutive += 1 }
        // The months of the run, oldest first, and the days they fell due. A
        // member lapses when unpaid months have run through `lapseAfter` due
        // days: months billed together (a late registration's back months on
        // one bill) fall due once and count as one ask.
        let months = (0..<consecutive).map { latest.advanced(by: -$0) }.reversed()
        let dues = Array(Set(months.map { billed[$0]!.due })).sorted()
        if months.count >= lapseAfter, dues.count >= lapseAfter {
            return .lapsed(since: dues[lapseAfter - 1].dayAfter, months: consecutive)
        }
        // Not yet: it lapses when the next unpaid months fall due, one a month on the rule's day.
        let asksLeft = lapseAfter - min(dues.count, lapseAfter)
        let monthsLeft = lapseAfter - min(months.count, lapseAfter)
        let lapsesOn = firstOverdueDay(of: latest.advanced(by: max(asksLeft, monthsLeft)))
        return .inArrears(months: consecutive, lapsesOn: max(lapsesOn, dues.last!.dayAfter))
    }
}
