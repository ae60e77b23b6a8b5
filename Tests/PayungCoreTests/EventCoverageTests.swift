import Testing
@testable import PayungCore

@Suite("Coverage on the day of an event, as known that day and as known now")
struct EventCoverageTests {
    func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
    func m(_ month: String, paidThen: String? = nil, paidNow: String? = nil) -> EventCoverage.Month {
        let ym = YearMonth(iso: month)!
        return .init(month: ym, due: PaymentWindow.bpu.dueDate(of: ym), paidOnThen: paidThen.map(day), paidOnNow: (paidNow ?? paidThen).map(day),
                     payer: "CSR PT Batik Nusantara")
    }
    let today = CalendarDate(iso: "2026-11-21")!

    @Test("paid months: covered; the explanation shows the event month and the three before it")
    func covered() {
        let billed = ["2026-02", "2026-03", "2026-04", "2026-05"].map { m($0, paidThen: $0 + "-10") }
        let d = EventCoverage.check(eventDay: day("2026-05-20"), start: day("2026-02-01"), ended: nil, billed: billed, today: today)
        #expect(d.covered && d.reason == nil)
        #expect(d.months.map(\.month.iso) == ["2026-02", "2026-03", "2026-04", "2026-05"])
        #expect(d.months.allSatisfy { $0.then == .paid && $0.now == .paid && $0.payer == "CSR PT Batik Nusantara" })
    }

    @Test("a month not yet due counts as covered; two unpaid asks are arrears, still covered")
    func notYetDue() {
        let d = EventCoverage.check(eventDay: day("2026-05-10"), start: day("2026-02-01"), ended: nil,
                                    billed: [m("2026-03"), m("2026-04"), m("2026-05")], today: today)
        #expect(d.covered)
        #expect(d.months.last?.then == .notYetDue && d.months.last?.now == .overdue)
    }

    @Test("three unpaid asks: lapsed, uncovered with the reason; paid after the event counts only if the program says so")
    func lapsed() {
        let billed = [m("2026-02", paidThen: nil, paidNow: "2026-05-02"), m("2026-03", paidThen: nil, paidNow: "2026-05-02"),
                      m("2026-04", paidThen: nil, paidNow: "2026-05-02")]
        let strict = EventCoverage.check(eventDay: day("2026-04-20"), start: day("2026-02-01"), ended: nil, billed: billed, today: today)
        #expect(!strict.covered && strict.reason == .lapsed(since: day("2026-04-16"), months: 3))
        #expect(strict.reason?.indonesianName.contains("16 April 2026") == true)
        #expect(strict.months.dropFirst().map(\.then) == [.overdue, .overdue, .overdue] && strict.months.dropFirst().allSatisfy { $0.now == .paid })
        let lenient = EventCoverage.check(eventDay: day("2026-04-20"), start: day("2026-02-01"), ended: nil, billed: billed, today: today,
                                          latePaymentCounts: true)
        #expect(lenient.covered && lenient.byLatePayment)
    }

    @Test("never registered, before the start, after the end: uncovered, each with its reason")
    func outside() {
        #expect(EventCoverage.check(eventDay: day("2026-04-20"), start: nil, ended: nil, billed: [], today: today).reason == .notRegistered)
        #expect(EventCoverage.check(eventDay: day("2026-01-20"), start: day("2026-02-10"), ended: nil, billed: [], today: today).reason
            == .beforeStart(day("2026-02-10")))
        #expect(EventCoverage.check(eventDay: day("2026-06-20"), start: day("2026-02-10"), ended: day("2026-04-03"), billed: [], today: today)
            .reason == .afterEnd(day("2026-04-03")))
    }
}
