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
        let billed: [(Reconciliation.Key, Rupiah)] = [
            (k("A", "2026-05"), Rupiah(16_800)), (k("C", "2026-05"), Rupiah(16_800)), (k("D", "2026-05"), Rupiah(16_800)),
        ]
        let diffs = Reconciliation.differences(expected: expected, billed: billed) { $0.nik == "D" }
        #expect(diffs.map { "\($0.key.nik) \($0.kind.rawValue)" } == ["B missing", "C amount", "D extra"])
        #expect(diffs.first { $0.kind == .extra }?.afterEnd == true)
        let amount = diffs.first { $0.kind == .amount }
        #expect(amount?.expected == Rupiah(8_400) && amount?.billed == Rupiah(16_800))
    }

    @Test("a NIK and month billed twice is summed before comparing")
    func twice() {
        let diffs = Reconciliation.differences(expected: [k("A", "2026-05"): Rupiah(16_800)],
                                               billed: [(k("A", "2026-05"), Rupiah(8_400)), (k("A", "2026-05"), Rupiah(8_400))]) { _ in false }
        #expect(diffs.isEmpty)
    }
}
