import Testing
@testable import PayungCore

@Suite("Payment window: due on the 15th, arrears for 3 months, lapse after 3 unpaid, as known on a day")
struct PaymentWindowTests {
    let window = PaymentWindow.bpu
    func m(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }
    func d(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    @Test("a month is due on the 15th: unpaid on the 15th is not yet due, on the 16th overdue; a payment counts from the day it is known")
    func monthState() {
        #expect(window.dueDate(of: m("2026-03")) == d("2026-03-15"))
        #expect(window.state(of: m("2026-03"), paidOn: nil, asOf: d("2026-03-15")) == .notYetDue)
        #expect(window.state(of: m("2026-03"), paidOn: nil, asOf: d("2026-03-16")) == .overdue)
        // Paid on 25 March: as known on 20 March it was not paid; as known on 25 March it was.
        #expect(window.state(of: m("2026-03"), paidOn: d("2026-03-25"), asOf: d("2026-03-20")) == .overdue)
        #expect(window.state(of: m("2026-03"), paidOn: d("2026-03-25"), asOf: d("2026-03-25")) == .paid)
        #expect(PaymentWindow(dueDay: 31) == nil && PaymentWindow(dueDay: 0) == nil)
    }

    @Test("two unpaid months: in arrears, still covered, and the day it would lapse; three: lapsed from the day the third fell overdue")
    func lapse() {
        let paidJan: [YearMonth: CalendarDate?] = [m("2026-01"): d("2026-01-10"), m("2026-02"): nil, m("2026-03"): nil, m("2026-04"): nil]
        #expect(window.standing(months: paidJan, asOf: d("2026-02-15")) == .covered)
        #expect(window.standing(months: paidJan, asOf: d("2026-03-20")) == .inArrears(months: 2, lapsesOn: d("2026-04-16")))
        #expect(window.standing(months: paidJan, asOf: d("2026-03-20")).isCovered)
        #expect(window.standing(months: paidJan, asOf: d("2026-04-16")) == .lapsed(since: d("2026-04-16"), months: 3))
        #expect(!window.standing(months: paidJan, asOf: d("2026-05-01")).isCovered)
    }

    @Test("paying inside the window covers again; paying after a lapse covers again too, without a new proposal")
    func payingCoversAgain() {
        var months: [YearMonth: CalendarDate?] = [m("2026-01"): nil, m("2026-02"): nil, m("2026-03"): nil]
        #expect(window.standing(months: months, asOf: d("2026-03-20")) == .lapsed(since: d("2026-03-16"), months: 3))
        // The payer settles all three on 25 March.
        for month in months.keys { months[month] = d("2026-03-25") }
        #expect(window.standing(months: months, asOf: d("2026-03-25")) == .covered)
        // As known on 20 March the lapse stands: history is not rewritten.
        #expect(window.standing(months: months, asOf: d("2026-03-20")) == .lapsed(since: d("2026-03-16"), months: 3))
        // Only the latest month paid: the older unpaid ones no longer run to the present.
        let latestPaid: [YearMonth: CalendarDate?] = [m("2026-01"): nil, m("2026-02"): nil, m("2026-03"): d("2026-03-10")]
        #expect(window.standing(months: latestPaid, asOf: d("2026-04-01")) == .covered)
    }

    @Test("a month never billed breaks the run: two unpaid, a gap, one unpaid is one month in arrears")
    func gap() {
        let months: [YearMonth: CalendarDate?] = [m("2026-01"): nil, m("2026-02"): nil, m("2026-04"): nil]
        #expect(window.standing(months: months, asOf: d("2026-04-20")) == .inArrears(months: 1, lapsesOn: d("2026-06-16")))
    }
}

@Suite("Payment window with a bill's own due day")
struct PaymentWindowBilledTests {
    func m(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }
    func d(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    @Test("months billed late fall due with their bill and count as one ask: four back months unpaid on 16 June are arrears, not a lapse")
    func lateBilled() {
        let window = PaymentWindow.bpu
        let due = d("2026-06-15")
        let billed: [YearMonth: PaymentWindow.BilledMonth] = [
            m("2026-03"): .init(due: due, paidOn: nil), m("2026-04"): .init(due: due, paidOn: nil),
            m("2026-05"): .init(due: due, paidOn: nil), m("2026-06"): .init(due: due, paidOn: nil),
        ]
        #expect(window.standing(billed: billed, asOf: d("2026-06-15")) == .covered)
        #expect(window.standing(billed: billed, asOf: d("2026-06-16")) == .inArrears(months: 4, lapsesOn: d("2026-08-16")))
        // July and August bills also unpaid: three asks, lapsed the day after the third.
        var later = billed
        later[m("2026-07")] = .init(due: d("2026-07-15"), paidOn: nil)
        later[m("2026-08")] = .init(due: d("2026-08-15"), paidOn: nil)
        #expect(window.standing(billed: later, asOf: d("2026-08-16")) == .lapsed(since: d("2026-08-16"), months: 6))
        #expect(window.standing(billed: later, asOf: d("2026-08-15")) == .inArrears(months: 5, lapsesOn: d("2026-08-16")))
        #expect(d("2026-12-31").dayAfter == d("2027-01-01") && d("2028-02-28").dayAfter == d("2028-02-29") && d("2026-02-28").dayAfter == d("2026-03-01"))
    }
}
