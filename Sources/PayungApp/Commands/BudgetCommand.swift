import Foundation
import PayungCore
import Vapor

/// `payung budget --workers N --months N --premium RUPIAH [--budget RUPIAH] [--json]`:
/// the planner's arithmetic for scripts and for a desk, without a database.
struct BudgetCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "workers", help: "Workers to cover") var workers: String?
        @Option(name: "months", help: "Months of the period (1-120)") var months: String?
        @Option(name: "premium", help: "Premium per person per month, e.g. 16800 or Rp16.800") var premium: String?
        @Option(name: "budget", help: "Budget available, e.g. 604000000 or Rp604.000.000") var budget: String?
        @Flag(name: "json", help: "Answer in JSON") var json: Bool
        init() {}
    }

    var help: String { "Budget planner: workers x months x premium, what a budget buys and what it lacks (no database)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let workers = signature.workers.flatMap({ Int($0.filter { $0 != "." }) }),
              let months = signature.months.flatMap({ Int($0) }),
              let premium = signature.premium.flatMap({ Rupiah(parsing: $0) }) else {
            throw CommandFailure("--workers N --months N --premium RUPIAH are required (e.g. --workers 3000 --months 12 --premium 16800)")
        }
        var budget: Rupiah?
        if let text = signature.budget {
            guard let parsed = Rupiah(parsing: text) else { throw CommandFailure("--budget: tulis seperti 604000000 atau Rp604.000.000") }
            budget = parsed
        }
        let result: BudgetPlan.Result
        do {
            result = try BudgetPlan.plan(workers: workers, months: months, premium: premium, budget: budget)
        } catch {
            throw CommandFailure("\(error.message) [\(error.code)]")
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            context.console.output(String(decoding: try encoder.encode(result), as: UTF8.self).consoleText())
            return
        }
        for line in BudgetPlanWords.sentences(result) { context.console.print(line) }
    }
}

/// The planner's answer in Bahasa Indonesia, for the CLI and the page.
enum BudgetPlanWords {
    static func sentences(_ r: BudgetPlan.Result) -> [String] {
        var lines = ["\(Count.id(r.workers)) pekerja x \(r.months) bulan x \(r.premium.formatted) = \(r.budgetNeeded.formatted) "
                     + "(\(Count.id(Int(r.personMonthsNeeded))) orang-bulan)."]
        if let budget = r.budget, let affordable = r.personMonthsAffordable, let remainder = r.remainder {
            lines.append("Anggaran \(budget.formatted) cukup untuk \(Count.id(Int(affordable))) orang-bulan "
                         + "(\(Count.id(Int(r.workersAffordable ?? 0))) pekerja selama \(r.months) bulan), sisa \(remainder.formatted).")
            if let short = r.shortfall, short.amount > 0 {
                lines.append("Kurang \(short.formatted) (\(Count.id(Int(r.shortfallPersonMonths ?? 0))) orang-bulan) untuk \(Count.id(r.workers)) pekerja.")
            } else if let surplus = r.surplus {
                lines.append("Cukup; lebih \(surplus.formatted).")
            }
        }
        return lines
    }
}
