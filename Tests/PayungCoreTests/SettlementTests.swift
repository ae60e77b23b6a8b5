import Testing
@testable import PayungCore

@Suite("Settlement: payments pay bill lines first in, first out; partial payments stay partial")
struct SettlementTests {
    func d(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }
    func line(_ id: String, _ amount: Int64, _ issued: String) -> Settlement.Line { .init(id: id, amount: Rupiah(amount), issuedOn: d(issued)) }
    func pay(_ day: String, _ amount: Int64) -> Settlement.Payment { .init(paidOn: d(day), amount: Rupiah(amount)) }

    @Test("a payment that covers two of three lines pays those two; the rest waits for the next payment")
    func partial() {
        let lines = [line("a", 16_800, "2026-05-01"), line("b", 16_800, "2026-05-01"), line("c", 16_800, "2026-05-01")]
        let paid = Settlement.paidDays(lines: lines, payments: [pay("2026-05-10", 40_000)])
        #expect(paid == ["a": d("2026-05-10"), "b": d("2026-05-10")])
        let later = Settlement.paidDays(lines: lines, payments: [pay("2026-05-10", 40_000), pay("2026-06-02", 10_400)])
        #expect(later["c"] == d("2026-06-02"))
        let short = Settlement.paidDays(lines: lines, payments: [pay("2026-05-10", 40_000), pay("2026-06-02", 10_399)])
        #expect(short["c"] == nil, "one rupiah short is unpaid")
    }

    @Test("paying ahead: a line is paid on its bill's day, not before; a credit pays later lines")
    func ahead() {
        let lines = [line("may", 16_800, "2026-05-03"), line("june", 16_800, "2026-06-03")]
        let paid = Settlement.paidDays(lines: lines, payments: [pay("2026-04-20", 33_600)])
        #expect(paid == ["may": d("2026-05-03"), "june": d("2026-06-03")])
        // May charged, then credited in June (the participation ended): the credit pays June's other line.
        let credited = [line("may", 16_800, "2026-05-03"), line("june", 16_800, "2026-06-03"), line("credit", -16_800, "2026-06-03")]
        let settled = Settlement.paidDays(lines: credited, payments: [pay("2026-05-10", 16_800)])
        #expect(settled == ["may": d("2026-05-10"), "june": d("2026-06-03")])
    }

    @Test("no payments, nothing paid; payments in any order give the same days")
    func order() {
        let lines = [line("a", 100, "2026-01-01"), line("b", 100, "2026-02-01")]
        #expect(Settlement.paidDays(lines: lines, payments: []).isEmpty)
        let one = Settlement.paidDays(lines: lines, payments: [pay("2026-03-01", 100), pay("2026-02-10", 100)])
        #expect(one == ["a": d("2026-02-10"), "b": d("2026-03-01")])
    }
}
