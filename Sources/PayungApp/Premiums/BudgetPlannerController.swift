import Foundation
import PayungCore
import Vapor

/// The budget planner (`BudgetPlan`, `RestOfYear`) as a page for the agency
/// and as an API. The page is in `BudgetPlannerController+Page.swift`, the
/// rest of a program's year in `+RestOfYear.swift`.
struct BudgetPlannerController {
    static let path = WebPath("/anggaran")
    static let plan = APIOperation(method: .POST, path: "/api/v1/budget/plan", operationID: "planBudget",
                                   summary: "Budget planner: workers x months x premium, what a budget buys, a sponsor mix",
                                   tag: "Premi", requestBody: "BudgetPlanInput", response: "BudgetPlanAnswer", errors: [403])

    struct SponsorInput: Content {
        var name: String?
        var amount: Int64?
        var participants: Int?
        var months: Int?
    }

    struct Input: Content {
        let workers: Int
        let months: Int
        let premium: Int64
        var budget: Int64?
        var sponsors: [SponsorInput]?
    }

    struct Answer: Content {
        let plan: BudgetPlan.Result
        let sentences: [String]
        let mix: BudgetPlan.Mix?
    }

    static func mayPlan(_ actor: Actor) -> Bool {
        AccessPolicy.mayAnywhere(actor, .approve) || AccessPolicy.mayAnywhere(actor, .manageSettings)
    }

    static func answer(_ input: Input) throws -> Answer {
        do {
            let plan = try BudgetPlan.plan(workers: input.workers, months: input.months, premium: Rupiah(input.premium),
                                           budget: input.budget.map(Rupiah.init))
            var mix: BudgetPlan.Mix?
            if let sponsors = input.sponsors, !sponsors.isEmpty {
                let shares: [(name: String, share: BudgetPlan.Share)] = sponsors.map { s in
                    let share: BudgetPlan.Share = s.amount.map { .amount(Rupiah($0)) } ?? .participants(s.participants ?? 0, months: s.months ?? input.months)
                    return (s.name ?? "Penyandang dana", share)
                }
                mix = try BudgetPlan.mix(workers: input.workers, months: input.months, premium: Rupiah(input.premium), sponsors: shares)
            }
            return Answer(plan: plan, sentences: BudgetPlanWords.sentences(plan) + (mix.map { BudgetPlanWords.sentences($0) } ?? []), mix: mix)
        } catch {
            throw AppError.invalid(error.code, error.message)
        }
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        api.app.addAPISchemas([
            "BudgetPlanInput": Schema.object([
                "workers": Schema.integer(), "months": Schema.integer(), "premium": money, "budget": money,
                "sponsors": Schema.array(Schema.object(["name": Schema.string(), "amount": money, "participants": Schema.integer(),
                                                        "months": Schema.integer()])),
            ], required: ["workers", "months", "premium"]),
            "BudgetPlanAnswer": Schema.object([
                "plan": Schema.object([
                    "workers": Schema.integer(), "months": Schema.integer(), "premium": money, "personMonthsNeeded": Schema.integer(),
                    "budgetNeeded": money, "budget": money, "personMonthsAffordable": Schema.integer(), "workersAffordable": Schema.integer(),
                    "remainder": money, "shortfall": money, "shortfallPersonMonths": Schema.integer(), "surplus": money,
                ], required: ["workers", "months", "premium", "personMonthsNeeded", "budgetNeeded"]),
                "sentences": Schema.array(Schema.string()),
                "mix": Schema.object([
                    "lines": Schema.array(Schema.object(["name": Schema.string(), "personMonths": Schema.integer(), "rupiah": money],
                                                        required: ["name", "personMonths", "rupiah"])),
                    "personMonthsCovered": Schema.integer(), "personMonthsNeeded": Schema.integer(), "uncovered": Schema.integer(),
                    "uncoveredRupiah": money,
                ], required: ["lines", "personMonthsCovered", "personMonthsNeeded", "uncovered", "uncoveredRupiah"]),
            ], required: ["plan", "sentences"]),
        ].merging(Self.restSchemas()) { _, new in new })
        api.on(Self.plan) { req in
            guard Self.mayPlan(try req.requireActor()) else { throw AccessError.forbidden }
            return try Self.answer(try req.content.decodeBounded(Input.self))
        }
        api.on(Self.restOfYear) { req in
            try await Self.answerRestOfYear(try req.content.decodeBounded(RestInput.self), req)
        }
        web.get(Self.path.components, use: page)
    }
}
