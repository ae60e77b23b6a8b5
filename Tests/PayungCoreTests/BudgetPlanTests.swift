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
