import PayungCore
import Testing

@Suite("Coverage months and who pays them")
struct AllocationTests {
    func m(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }
    let medono = RegionCode("33.75.01.1002")!
    let podosugih = RegionCode("33.75.01.1003")!

    func price(_ need: PersonMonthNeed) -> (Bool) throws(TariffError) -> PersonMonthPrice {
        { excluded throws(TariffError) in
            try TariffBook.seed.price(month: need.month, insuredIncome: Rupiah(1_000_000), sector: need.sector, excludedFromDiscount: excluded)
        }
    }

    @Test("coverage runs from the BPJS month to the program's end, or to the month participation ended")
    func span() {
        #expect(CoverageSpan.months(programStart: m("2026-01"), programEnd: m("2026-12"), registered: m("2026-03")) == m("2026-03")...m("2026-12"))
        #expect(CoverageSpan.months(programStart: m("2026-01"), programEnd: m("2026-12"), registered: m("2025-11")) == m("2026-01")...m("2026-12"))
        #expect(CoverageSpan.months(programStart: m("2026-01"), programEnd: m("2026-12"), registered: m("2026-03"), endedIn: m("2026-06")) == m("2026-03")...m("2026-06"))
        #expect(CoverageSpan.months(programStart: m("2026-01"), programEnd: m("2026-12"), registered: m("2027-01")) == nil)
        // Continued into 2027: the new program starts where the old one ended, no gap.
        let old = CoverageSpan.months(programStart: m("2026-01"), programEnd: m("2026-12"), registered: m("2026-03"))!
        let new = CoverageSpan.months(programStart: m("2027-01"), programEnd: m("2027-12"), registered: m("2026-03"))!
        #expect(old.upperBound.advanced(by: 1) == new.lowerBound)
    }

    @Test("APBD first: the city budget pays at the full rate; a CSR pledge takes the rest at the discounted rate; never beyond the pledge")
    func apbdFirst() throws {
        let apbd = Pledge(id: "apbd", kind: .apbd, excludedFromDiscount: true, from: m("2026-01"), through: m("2026-12"),
                          capacity: .amount(Rupiah(16_800 * 2)))
        let csr = Pledge(id: "csr", kind: .csr, excludedFromDiscount: false, from: m("2026-01"), through: m("2026-12"),
                         capacity: .personMonths(2))
        var allocator = Allocator(order: .apbdFirst, pledges: [csr, apbd])
        var paid: [String?] = []
        var totals: [Int64] = []
        for _ in 0..<5 {
            let need = PersonMonthNeed(month: m("2026-05"), village: medono, occupation: "batik_labourer", sector: .other)
            let result = try allocator.allocate(need, price: price(need))
            paid.append(result?.pledge.id)
            totals.append(result?.price.total.amount ?? 0)
        }
        #expect(paid == ["apbd", "apbd", "csr", "csr", nil])
        #expect(totals == [16_800, 16_800, 8_400, 8_400, 0])
        #expect(allocator.usedRupiah["apbd"] == 33_600 && allocator.usedMonths["csr"] == 2)
    }

    @Test("an amount pledge is never over-allocated, even by a rupiah")
    func neverOver() throws {
        let pledge = Pledge(id: "p", kind: .baznas, excludedFromDiscount: false, from: m("2026-01"), through: m("2026-12"),
                            capacity: .amount(Rupiah(16_799)))
        var allocator = Allocator(order: .apbdFirst, pledges: [pledge])
        let need = PersonMonthNeed(month: m("2026-02"), village: medono, occupation: "batik_labourer", sector: .other)
        #expect(try allocator.allocate(need, price: price(need)) == nil)
        let cheap = PersonMonthNeed(month: m("2026-05"), village: medono, occupation: "batik_labourer", sector: .other)
        #expect(try allocator.allocate(cheap, price: price(cheap))?.pledge.id == "p")
        #expect(allocator.usedRupiah["p"] == 8_400)
    }

    @Test("targeting: by kelurahan, by occupation, by hand; a pledge pays only inside its period")
    func targeting() throws {
        let forPodosugih = Pledge(id: "village", kind: .csr, excludedFromDiscount: false, from: m("2026-01"), through: m("2026-12"),
                                  capacity: .personMonths(10), region: podosugih)
        let forDrivers = Pledge(id: "drivers", kind: .korpri, excludedFromDiscount: false, from: m("2026-01"), through: m("2026-06"),
                                capacity: .personMonths(10), occupation: "becak_driver")
        let general = Pledge(id: "general", kind: .apbd, excludedFromDiscount: true, from: m("2026-01"), through: m("2026-12"),
                             capacity: .personMonths(10))
        let driverInPodosugih = PersonMonthNeed(month: m("2026-03"), village: podosugih, occupation: "becak_driver", sector: .transport)
        var byVillage = Allocator(order: .byVillage, pledges: [general, forDrivers, forPodosugih])
        #expect(try byVillage.allocate(driverInPodosugih, price: price(driverInPodosugih))?.pledge.id == "village")
        var byOccupation = Allocator(order: .byOccupation, pledges: [general, forPodosugih, forDrivers])
        #expect(try byOccupation.allocate(driverInPodosugih, price: price(driverInPodosugih))?.pledge.id == "drivers")
        let lateDriver = PersonMonthNeed(month: m("2026-08"), village: medono, occupation: "becak_driver", sector: .transport)
        #expect(try byOccupation.allocate(lateDriver, price: price(lateDriver))?.pledge.id == "general")
        var manual = Allocator(order: .manual, pledges: [general, forPodosugih])
        let chosen = PersonMonthNeed(month: m("2026-03"), village: podosugih, occupation: nil, sector: .other, chosenPledge: "village")
        let unchosen = PersonMonthNeed(month: m("2026-03"), village: podosugih, occupation: nil, sector: .other)
        #expect(try manual.allocate(chosen, price: price(chosen))?.pledge.id == "village")
        #expect(try manual.allocate(unchosen, price: price(unchosen)) == nil)
    }

    @Test("N participants x M months never overflows silently")
    func pledgeSize() {
        #expect(Pledge.personMonths(participants: 100, months: 12) == 1_200)
        #expect(Pledge.personMonths(participants: Int.max, months: 2) == nil)
    }
}

@Suite("Small counts hidden, with a complementary cell")
struct SmallCountsTests {
    @Test("counts under 5 are hidden; a lone hidden cell takes the next smallest with it")
    func suppression() {
        #expect(SmallCounts.hidden([12, 3, 40]) == [1, 0])
        #expect(SmallCounts.hidden([12, 3, 2, 40]) == [1, 2])
        #expect(SmallCounts.hidden([12, 30, 40]).isEmpty)
        #expect(SmallCounts.hidden([0, 12, 30]).isEmpty)
        #expect(SmallCounts.hidden([4]) == [0])
    }
}
