import Testing
@testable import PayungCore

@Suite("Reconciliation with BPJS's invoice")
struct ReconciliationTests {
    func k(_ nik: String, _ month: String) -> Reconciliation.Key { .init(nik: nik, month: YearMonth(iso: month)!) }

    @Test("one extra, one missing, one different amount: exactly those three; months the file does not cover are not missing")
    func three() {
        let expected: [Reconciliation.Key: Rupiah] = [
            k("A", "2026-05"): Rupiah(16_800), k("B", "2026-05"): Rupiah(16_800), k("C", "2026-05"): Rupiah(8_400),
            k("A", "2026-06"): Rupiah(16_800),
        ]
        let billed: [Reconciliation.Billed] = [
            .init(key: k("A", "2026-05"), billed: Rupiah(16_800)), .init(key: k("C", "2026-05"), billed: Rupiah(16_800), paid: Rupiah(16_800)),
            .init(key: k("D", "2026-05"), billed: Rupiah(16_800)),
        ]
        let diffs = Reconciliation.differences(expected: expected, billed: billed) { $0.nik == "D" }
        #expect(diffs.map { "\($0.key.nik) \($0.kind.rawValue)" } == ["B missing", "C amount", "D extra"])
        #expect(diffs.first { $0.kind == .extra }?.afterEnd == true)
        let amount = diffs.first { $0.kind == .amount }
        #expect(amount?.expected == Rupiah(8_400) && amount?.billed == Rupiah(16_800) && amount?.paid == Rupiah(16_800))
        #expect(diffs.first { $0.kind == .extra }?.paid == nil)
    }

    @Test("a NIK and month billed twice is summed before comparing")
    func twice() {
        let diffs = Reconciliation.differences(expected: [k("A", "2026-05"): Rupiah(16_800)],
                                               billed: [.init(key: k("A", "2026-05"), billed: Rupiah(8_400)),
                                                        .init(key: k("A", "2026-05"), billed: Rupiah(8_400))]) { _ in false }
        #expect(diffs.isEmpty)
    }

    @Test("absurd amounts saturate instead of trapping")
    func saturates() {
        let diffs = Reconciliation.differences(expected: [:], billed: [.init(key: k("A", "2026-05"), billed: Rupiah(.max)),
                                                                       .init(key: k("A", "2026-05"), billed: Rupiah(.max))]) { _ in false }
        #expect(diffs.first?.billed == Rupiah(.max))
    }

    @Test("months as BPJS files and people write them")
    func months() {
        for text in ["2026-05", "05/2026", "5-2026", "202605", "Mei 2026", "mei 2026", "2026-05-01", "15/05/2026", "46143"] {
            #expect(SpreadsheetValue.month(text) == YearMonth(year: 2026, month: 5), "\(text)")
        }
        for text in ["", "Mei-26", "13/2026", "1999-12", "abc", "2026", String(repeating: "9", count: 50)] {
            #expect(SpreadsheetValue.month(text) == nil, "\(text)")
        }
    }
}
