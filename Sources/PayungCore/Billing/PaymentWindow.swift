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

    /// The standing on `day` of a participant billed for `months`
    /// (contribution month -> the day it was fully paid, nil if unpaid).
    /// Counts the unpaid overdue months that run back from the latest
    /// overdue one without a paid month between them; a paid month ends the
    /// run, so paying the arrears (or paying again after a lapse) covers the
    /// member again without a new proposal.
    public func standing(months: [YearMonth: CalendarDate?], asOf day: CalendarDate) -> Standing {
        let overdueOrPaid = months.keys.sorted().filter { day > dueDate(of: $0) }
        var run: [YearMonth] = []
        for month in overdueOrPaid.reversed() {
            guard state(of: month, paidOn: months[month] ?? nil, asOf: day) == .overdue else { break }
            run.append(month)
        }
        guard let latest = run.first else { return .covered }
        // Months are consecutive contribution months of one participation;
        // a gap (a month never billed) also ends the run.
        var consecutive = 1
        while consecutive < run.count, run[consecutive] == latest.advanced(by: -consecutive) { consecutive += 1 }
        let oldest = latest.advanced(by: -(consecutive - 1))
        if consecutive >= lapseAfter {
            // Lapsed once the limit-th month in the run fell due.
            let limitMonth = oldest.advanced(by: lapseAfter - 1)
            return .lapsed(since: firstOverdueDay(of: limitMonth), months: consecutive)
        }
        let lapsesOn = firstOverdueDay(of: oldest.advanced(by: lapseAfter - 1))
        return .inArrears(months: consecutive, lapsesOn: lapsesOn)
    }
}
