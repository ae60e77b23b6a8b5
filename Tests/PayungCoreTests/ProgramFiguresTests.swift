import Testing
@testable import PayungCore

@Suite("Program figures: realisation, the funnel, age bands, benefits over premiums")
struct ProgramFiguresTests {
    @Test("shares to the tenth of a percent, Indonesian style; none of nothing")
    func percent() {
        #expect(ProgramFigures.percent(423, of: 1_000) == "42,3%")
        #expect(ProgramFigures.percent(2, of: 3) == "66,7%")
        #expect(ProgramFigures.percent(0, of: 5) == "0,0%")
        #expect(ProgramFigures.percent(5, of: 0) == nil)
        #expect(ProgramFigures.percent(Int64.max, of: Int64.max) == "100,0%", "no trap on a huge part")
    }

    @Test("the funnel counts each proposal at every step it reached")
    func funnel() {
        let f = ProgramFigures.funnel([.draft: 4, .submitted: 3, .returned: 1, .rejected: 2, .verifiedKelurahan: 5, .verifiedKecamatan: 6,
                                       .approved: 7, .registered: 8, .active: 9, .ended: 10])
        #expect(f.map(\.count) == [51, 45, 40, 34, 27, 9])
        #expect(f.first?.step == .proposed && f.last?.step == .active)
    }

    @Test("age bands by whole years; the benefit ratio to the rupiah")
    func bandsAndRatio() {
        let day = CalendarDate(iso: "2024-06-30")!
        #expect(ProgramFigures.AgeBand.of(birth: CalendarDate(iso: "1999-07-01")!, on: day) == .under25)
        #expect(ProgramFigures.AgeBand.of(birth: CalendarDate(iso: "1999-06-30")!, on: day) == .from25)
        #expect(ProgramFigures.AgeBand.of(birth: CalendarDate(iso: "1960-01-01")!, on: day) == .from55)
        // Batik Berlian: Rp420,000,000 paid to families against Rp195,800,000 of premiums.
        let ratio = ProgramFigures.BenefitRatio(premiumsPaid: 195_800_000, benefitsPaid: 420_000_000)
        #expect(ratio.percent == "214,5%")
        #expect(ProgramFigures.BenefitRatio(premiumsPaid: 0, benefitsPaid: 42_000_000).percent == nil)
    }
}
