import PayungCore
import Testing

@Suite("Budget planner: workers x months x premium, exactly")
struct BudgetPlanTests {
    @Test("Kota Jambi 2025, exactly")
    func jambi() throws {
        let need = try BudgetPlan.plan(workers: 3_000, months: 12, premium: Rupiah(16_800))
        #expect(need.budgetNeeded == Rupiah(604_800_000) && need.personMonthsNeeded == 36_000)
        let r = try BudgetPlan.plan(workers: 3_000, months: 12, premium: Rupiah(16_800), budget: Rupiah(604_000_000))
        #expect(r.personMonthsAffordable == 35_952)
        #expect(r.remainder == Rupiah(6_400))
        #expect(r.shortfall == Rupiah(800_000))
        #expect(r.shortfallPersonMonths == 48)
        #expect(r.workersAffordable == 2_996)
        #expect(r.surplus == Rupiah(0))
    }

    @Test("zero budget, a surplus, the bounds")
    func edges() throws {
        let zero = try BudgetPlan.plan(workers: 10, months: 12, premium: Rupiah(16_800), budget: Rupiah(0))
        #expect(zero.personMonthsAffordable == 0 && zero.shortfall == Rupiah(2_016_000))
        let more = try BudgetPlan.plan(workers: 10, months: 12, premium: Rupiah(16_800), budget: Rupiah(3_000_000))
        #expect(more.shortfall == Rupiah(0) && more.surplus == Rupiah(984_000))
        let huge = try BudgetPlan.plan(workers: BudgetPlan.maxWorkers, months: BudgetPlan.maxMonths, premium: Rupiah(BudgetPlan.maxPremium),
                                       budget: Rupiah(BudgetPlan.maxBudget))
        #expect(huge.budgetNeeded.amount == 120_000_000_000_000_000)
        #expect(throws: BudgetPlan.Failure.workersOutOfRange) { try BudgetPlan.plan(workers: -1, months: 12, premium: Rupiah(16_800)) }
        #expect(throws: BudgetPlan.Failure.workersOutOfRange) { try BudgetPlan.plan(workers: Int.max, months: 12, premium: Rupiah(16_800)) }
        #expect(throws: BudgetPlan.Failure.monthsOutOfRange) { try BudgetPlan.plan(workers: 1, months: 0, premium: Rupiah(16_800)) }
        #expect(throws: BudgetPlan.Failure.premiumOutOfRange) { try BudgetPlan.plan(workers: 1, months: 1, premium: Rupiah(0)) }
        #expect(throws: BudgetPlan.Failure.budgetOutOfRange) { try BudgetPlan.plan(workers: 1, months: 1, premium: Rupiah(1), budget: Rupiah(Int64.max)) }
    }

    @Test("a sponsor mix against the target; the rest of the year")
    func mixAndRest() throws {
        let mix = try BudgetPlan.mix(workers: 3_000, months: 12, premium: Rupiah(16_800), sponsors: [
            ("APBD", .amount(Rupiah(504_000_000))), ("CSR", .participants(200, months: 12)), ("Baznas", .amount(Rupiah(16_799))),
        ])
        #expect(mix.lines.map(\.personMonths) == [30_000, 2_400, 0])
        #expect(mix.uncovered == 3_600 && mix.uncoveredRupiah == Rupiah(60_480_000))
        let rest = try BudgetPlan.rest(budget: Rupiah(604_000_000), committed: Rupiah(302_400_000), premium: Rupiah(16_800), remainingMonths: 6)
        #expect(rest.left == Rupiah(301_600_000) && rest.moreWorkers == 2_992)
        #expect(throws: BudgetPlan.Failure.tooManySponsors) {
            try BudgetPlan.mix(workers: 1, months: 1, premium: Rupiah(1), sponsors: Array(repeating: ("x", .amount(Rupiah(1))), count: 51))
        }
    }
}

@Suite("The rest of a program's year: planned, left, what the rest buys")
struct RestOfYearTests {
    private let premium: Int64 = 16_800
    private func month(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }
    private var year2025: ClosedRange<YearMonth> { month("2025-01")...month("2025-12") }

    @Test("Kota Jambi 2025 at July: six full months planned, the rest of Rp604.000.000 for July to December")
    func jambiAtJuly() throws {
        // 3,000 workers planned January to June; nothing yet from July.
        let planned = (1...6).map { RestOfYear.Month(YearMonth(year: 2025, month: $0)!, personMonths: 3_000, rupiah: Rupiah(3_000 * premium)) }
        let r = try RestOfYear.compute(year: 2025, asOf: month("2025-07"), program: year2025, budget: Rupiah(604_000_000),
                                       premium: Rupiah(premium), planned: planned)
        let spent = 6 * 3_000 * premium // Rp302.400.000
        let left = 604_000_000 - spent
        #expect(r.past == .init(personMonths: 18_000, rupiah: Rupiah(spent)) && r.toCome == .none && r.planned.rupiah == Rupiah(spent))
        #expect(r.remainingMonths == 6 && r.firstRemainingMonth == month("2025-07") && r.lastRemainingMonth == month("2025-12"))
        #expect(r.left == Rupiah(left) && r.shortfall == .zero && r.shortfallPersonMonths == 0)
        #expect(r.personMonthsAffordable == left / premium && r.personMonthsAffordable == 17_952)
        #expect(r.remainder == Rupiah(left % premium) && r.remainder == Rupiah(6_400))
        #expect(r.workersAffordable == left / (6 * premium) && r.workersAffordable == 2_992)
        // The same figures as the older two-number answer.
        let older = try BudgetPlan.rest(budget: Rupiah(604_000_000), committed: Rupiah(spent), premium: Rupiah(premium), remainingMonths: 6)
        #expect(older.left == r.left && older.moreWorkers == r.workersAffordable)
    }

    @Test("months before the current one are past, the current one and later to come; other years are ignored")
    func split() throws {
        let planned = [
            RestOfYear.Month(month("2024-12"), personMonths: 99, rupiah: Rupiah(99 * premium)),
            RestOfYear.Month(month("2025-10"), personMonths: 2, rupiah: Rupiah(2 * premium)),
            RestOfYear.Month(month("2025-11"), personMonths: 3, rupiah: Rupiah(3 * premium)),
            RestOfYear.Month(month("2025-12"), personMonths: 4, rupiah: Rupiah(4 * premium)),
        ]
        let r = try RestOfYear.compute(year: 2025, asOf: month("2025-11"), program: month("2024-06")...month("2026-05"),
                                       budget: Rupiah(100_000), premium: Rupiah(premium), planned: planned)
        #expect(r.past.personMonths == 2 && r.toCome.personMonths == 7 && r.planned.rupiah == Rupiah(9 * premium))
        // Rp151.200 planned against Rp100.000: Rp51.200 short, 4 person-months (3.05, rounded up).
        #expect(r.left == .zero && r.shortfall == Rupiah(9 * premium - 100_000) && r.shortfallPersonMonths == 4)
        #expect(r.remainingMonths == 2 && r.personMonthsAffordable == 0 && r.workersAffordable == 0 && r.remainder == .zero)
    }

    @Test("remaining months are cut to the program's period; a past year has none; a future year has all")
    func remaining() throws {
        let program = month("2026-06")...month("2027-05")
        #expect(RestOfYear.remaining(year: 2026, asOf: month("2026-03"), program: program) == month("2026-06")...month("2026-12"))
        #expect(RestOfYear.remaining(year: 2027, asOf: month("2026-11"), program: program) == month("2027-01")...month("2027-05"))
        #expect(RestOfYear.remaining(year: 2026, asOf: month("2027-01"), program: program) == nil)
        let done = try RestOfYear.compute(year: 2025, asOf: month("2026-02"), program: year2025, budget: Rupiah(50_000),
                                          premium: Rupiah(premium), planned: [.init(month("2025-12"), personMonths: 1, rupiah: Rupiah(premium))])
        #expect(done.remainingMonths == 0 && done.firstRemainingMonth == nil && done.past.personMonths == 1 && done.toCome == .none)
        #expect(done.left == Rupiah(50_000 - premium) && done.personMonthsAffordable == 0 && done.remainder == Rupiah(50_000 - premium))
        let ahead = try RestOfYear.compute(year: 2027, asOf: month("2026-11"), program: program, budget: Rupiah(5 * 10 * premium + 1),
                                           premium: Rupiah(premium), planned: [])
        #expect(ahead.remainingMonths == 5 && ahead.workersAffordable == 10 && ahead.personMonthsAffordable == 50 && ahead.remainder == Rupiah(1))
    }

    @Test("bounds: years, budgets, premiums, planned sums; the largest inputs do not overflow")
    func bounds() throws {
        func compute(year: Int = 2025, budget: Int64 = 0, premium: Int64 = 16_800, planned: [RestOfYear.Month] = []) throws(BudgetPlan.Failure) -> RestOfYear {
            try RestOfYear.compute(year: year, asOf: month("2025-01"), program: month("1999-01")...month("2101-12"), budget: Rupiah(budget),
                                   premium: Rupiah(premium), planned: planned)
        }
        #expect(throws: BudgetPlan.Failure.yearOutOfRange) { try compute(year: 1999) }
        #expect(throws: BudgetPlan.Failure.yearOutOfRange) { try compute(year: Int.max) }
        #expect(throws: BudgetPlan.Failure.yearOutsideProgram(year2025)) {
            try RestOfYear.compute(year: 2026, asOf: month("2025-01"), program: year2025, budget: .zero, premium: Rupiah(1), planned: [])
        }
        #expect(throws: BudgetPlan.Failure.budgetOutOfRange) { try compute(budget: -1) }
        #expect(throws: BudgetPlan.Failure.budgetOutOfRange) { try compute(budget: Int64.max) }
        #expect(throws: BudgetPlan.Failure.premiumOutOfRange) { try compute(premium: 0) }
        #expect(throws: BudgetPlan.Failure.plannedOutOfRange) { try compute(planned: [.init(month("2025-03"), personMonths: -1, rupiah: .zero)]) }
        #expect(throws: BudgetPlan.Failure.plannedOutOfRange) {
            try compute(planned: Array(repeating: .init(month("2025-03"), personMonths: 1, rupiah: Rupiah(BudgetPlan.maxBudget)), count: 500))
        }
        let huge = try compute(budget: BudgetPlan.maxBudget, premium: 1)
        #expect(huge.personMonthsAffordable == BudgetPlan.maxBudget && huge.workersAffordable == BudgetPlan.maxBudget / 12)
        let full = try compute(budget: 0, premium: BudgetPlan.maxPremium,
                               planned: (1...12).map { .init(YearMonth(year: 2025, month: $0)!, personMonths: Int64(BudgetPlan.maxWorkers), rupiah: Rupiah(BudgetPlan.maxBudget)) })
        #expect(full.shortfall == Rupiah(12 * BudgetPlan.maxBudget) && full.shortfallPersonMonths == 12 * BudgetPlan.maxBudget / BudgetPlan.maxPremium)
        #expect(BudgetPlan.Failure.yearOutsideProgram(year2025).message == "Program berjalan Januari 2025 sampai Desember 2025; pilih tahun di dalamnya.")
    }

    @Test("a year's pledges: each shared evenly over its months, rounded down; none in the year is nil")
    func pledged() throws {
        let inYear = RestOfYear.PledgeSpan(.amount(Rupiah(1_200_000)), from: month("2026-01"), through: month("2026-12"))
        let across = RestOfYear.PledgeSpan(.amount(Rupiah(1_200_011)), from: month("2026-07"), through: month("2027-06"))
        let people = RestOfYear.PledgeSpan(.participants(10, months: 12), from: month("2026-01"), through: month("2026-12"))
        #expect(try RestOfYear.pledged([inYear], year: 2026, premium: Rupiah(premium)) == Rupiah(1_200_000))
        // 6 of its 12 months in 2026: 1,200,011 x 6 / 12 = 600,005.5, rounded down.
        #expect(try RestOfYear.pledged([across], year: 2026, premium: Rupiah(premium)) == Rupiah(600_005))
        #expect(try RestOfYear.pledged([across], year: 2027, premium: Rupiah(premium)) == Rupiah(600_005))
        #expect(try RestOfYear.pledged([inYear, across, people], year: 2026, premium: Rupiah(premium)) == Rupiah(1_200_000 + 600_005 + 10 * 12 * premium))
        #expect(try RestOfYear.pledged([inYear], year: 2025, premium: Rupiah(premium)) == nil)
        #expect(try RestOfYear.pledged([], year: 2026, premium: Rupiah(premium)) == nil)
        // The largest pledge over 7 months, 3 of them in the year, without forming 10^15 x 3 needlessly.
        let big = RestOfYear.PledgeSpan(.amount(Rupiah(BudgetPlan.maxBudget)), from: month("2026-10"), through: month("2027-04"))
        #expect(try RestOfYear.pledged([big], year: 2026, premium: Rupiah(1)) == Rupiah(BudgetPlan.maxBudget * 3 / 7))
        #expect(throws: BudgetPlan.Failure.budgetOutOfRange) { try RestOfYear.pledged([inYear, big, big], year: 2027, premium: Rupiah(1)) }
        #expect(throws: BudgetPlan.Failure.budgetOutOfRange) {
            try RestOfYear.pledged([.init(.amount(Rupiah(-5)), from: month("2026-01"), through: month("2026-01"))], year: 2026, premium: Rupiah(1))
        }
    }
}
