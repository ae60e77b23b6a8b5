/// The rest of a program's year (*sisa tahun berjalan*): what its coverage
/// months already take from a budget, split into months gone and months to
/// come as of a month, what is left, and what that buys for the months of the
/// year that remain in the program's period; or how much the budget lacks.
///
/// Person-months the coverage run planned are spent whether paid yet or not
/// (unfunded months too: they are priced at the full rate, so the budget is
/// never planned short). Remaining months start at the current month: a
/// worker registered with BPJS this month is covered from this month.
/// Whole rupiah; every input bounded as in `BudgetPlan`, so no product traps.
public struct RestOfYear: Sendable, Equatable, Codable {
    public struct Planned: Sendable, Equatable, Codable {
        public let personMonths: Int64
        public let rupiah: Rupiah

        public init(personMonths: Int64, rupiah: Rupiah) {
            self.personMonths = personMonths
            self.rupiah = rupiah
        }

        public static let none = Planned(personMonths: 0, rupiah: .zero)
    }

    /// One month's planned coverage, as the `coverage_months` rows add up.
    public struct Month: Sendable, Equatable {
        public let month: YearMonth
        public let planned: Planned

        public init(_ month: YearMonth, personMonths: Int64, rupiah: Rupiah) {
            self.month = month
            self.planned = Planned(personMonths: personMonths, rupiah: rupiah)
        }
    }

    /// A pledge as the year sees it: its size and its months.
    public struct PledgeSpan: Sendable, Equatable {
        public let share: BudgetPlan.Share
        public let from: YearMonth
        public let through: YearMonth

        public init(_ share: BudgetPlan.Share, from: YearMonth, through: YearMonth) {
            self.share = share
            self.from = from
            self.through = through
        }
    }

    public static let years = 2000...2100

    public let year: Int
    /// The current month: months before it are past.
    public let asOf: YearMonth
    public let budget: Rupiah
    /// The price of one person-month the remainder is spent at.
    public let premium: Rupiah
    public let past: Planned
    public let toCome: Planned
    public let planned: Planned
    /// Months of the year from `asOf` on, inside the program's period.
    public let remainingMonths: Int
    public let firstRemainingMonth: YearMonth?
    public let lastRemainingMonth: YearMonth?
    /// Budget minus planned (0 when short).
    public let left: Rupiah
    /// Planned minus budget (0 when enough).
    public let shortfall: Rupiah
    /// The shortfall in whole person-months at `premium`, rounded up.
    public let shortfallPersonMonths: Int64
    /// What `left` buys in the remaining months (0 when none remain).
    public let personMonthsAffordable: Int64
    /// More workers `left` covers for every remaining month.
    public let workersAffordable: Int64
    /// What is left after the last whole person-month.
    public let remainder: Rupiah

    /// The months of `year` from `asOf` on that lie in the program's period.
    public static func remaining(year: Int, asOf: YearMonth, program: ClosedRange<YearMonth>) -> ClosedRange<YearMonth>? {
        guard let january = YearMonth(year: year, month: 1), let december = YearMonth(year: year, month: 12) else { return nil }
        let from = max(january, asOf, program.lowerBound)
        let through = min(december, program.upperBound)
        return from <= through ? from...through : nil
    }

    public static func compute(year: Int, asOf: YearMonth, program: ClosedRange<YearMonth>, budget: Rupiah, premium: Rupiah,
                               planned months: [Month]) throws(BudgetPlan.Failure) -> RestOfYear {
        guard years.contains(year) else { throw .yearOutOfRange }
        guard program.lowerBound.year <= year, year <= program.upperBound.year else { throw .yearOutsideProgram(program) }
        guard (0...BudgetPlan.maxBudget).contains(budget.amount) else { throw .budgetOutOfRange }
        guard (1...BudgetPlan.maxPremium).contains(premium.amount) else { throw .premiumOutOfRange }
        var past = (months: Int64(0), rupiah: Int64(0)), toCome = (months: Int64(0), rupiah: Int64(0))
        for month in months where month.month.year == year {
            guard (0...Int64(BudgetPlan.maxWorkers)).contains(month.planned.personMonths),
                  (0...BudgetPlan.maxBudget).contains(month.planned.rupiah.amount) else { throw .plannedOutOfRange }
            // At most 12 distinct months x 10^15, but a list may repeat a month: stop before it could overflow.
            guard past.rupiah + toCome.rupiah <= 100 * BudgetPlan.maxBudget else { throw .plannedOutOfRange }
            if month.month < asOf {
                past = (past.months + month.planned.personMonths, past.rupiah + month.planned.rupiah.amount)
            } else {
                toCome = (toCome.months + month.planned.personMonths, toCome.rupiah + month.planned.rupiah.amount)
            }
        }
        let plannedRupiah = past.rupiah + toCome.rupiah
        let left = max(0, budget.amount - plannedRupiah)
        let short = max(0, plannedRupiah - budget.amount)
        let span = remaining(year: year, asOf: asOf, program: program)
        let count = span.map { $0.lowerBound.distance(to: $0.upperBound) + 1 } ?? 0
        let personMonths = count > 0 ? left / premium.amount : 0
        return RestOfYear(
            year: year, asOf: asOf, budget: budget, premium: premium,
            past: Planned(personMonths: past.months, rupiah: Rupiah(past.rupiah)),
            toCome: Planned(personMonths: toCome.months, rupiah: Rupiah(toCome.rupiah)),
            planned: Planned(personMonths: past.months + toCome.months, rupiah: Rupiah(plannedRupiah)),
            remainingMonths: count, firstRemainingMonth: span?.lowerBound, lastRemainingMonth: span?.upperBound,
            left: Rupiah(left), shortfall: Rupiah(short),
            shortfallPersonMonths: short / premium.amount + (short % premium.amount > 0 ? 1 : 0),
            personMonthsAffordable: personMonths,
            // count <= 12 and premium <= 10^8: the divisor is at most 1.2 x 10^9.
            workersAffordable: count > 0 ? left / (premium.amount * Int64(count)) : 0,
            remainder: Rupiah(left - personMonths * premium.amount))
    }

    /// What the pledges give for `year`: each pledge's rupiah (person-months
    /// at `premium`) shared evenly over its months, the months in `year`
    /// taken, rounded down. nil when no pledge has a month in `year`.
    public static func pledged(_ pledges: [PledgeSpan], year: Int, premium: Rupiah) throws(BudgetPlan.Failure) -> Rupiah? {
        guard years.contains(year) else { throw .yearOutOfRange }
        guard (1...BudgetPlan.maxPremium).contains(premium.amount) else { throw .premiumOutOfRange }
        guard let january = YearMonth(year: year, month: 1), let december = YearMonth(year: year, month: 12) else { throw .yearOutOfRange }
        var total: Int64 = 0
        var any = false
        for pledge in pledges where pledge.from <= pledge.through {
            let from = max(pledge.from, january), through = min(pledge.through, december)
            guard from <= through else { continue }
            any = true
            let value: Int64
            switch pledge.share {
            case .amount(let rupiah):
                guard (0...BudgetPlan.maxBudget).contains(rupiah.amount) else { throw .budgetOutOfRange }
                value = rupiah.amount
            case .participants(let n, let m):
                guard (0...BudgetPlan.maxWorkers).contains(n) else { throw .workersOutOfRange }
                guard (1...BudgetPlan.maxMonths).contains(m) else { throw .monthsOutOfRange }
                value = Int64(n) * Int64(m) * premium.amount // at most 1.2 x 10^17
            }
            let span = Int64(pledge.from.distance(to: pledge.through) + 1)
            let overlap = Int64(from.distance(to: through) + 1)
            // value x overlap / span, rounded down, without forming value x overlap.
            let share = (value / span) * overlap + (value % span) * overlap / span
            total += share
            guard total <= BudgetPlan.maxBudget else { throw .budgetOutOfRange }
        }
        return any ? Rupiah(total) : nil
    }
}
