import Foundation
import PayungCore
import Vapor

/// The budget planner (`BudgetPlan`) as a page for the agency and as an API.
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
            return Answer(plan: plan, sentences: BudgetPlanWords.sentences(plan), mix: mix)
        } catch let error as BudgetPlan.Failure {
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
        ])
        api.on(Self.plan) { req in
            guard Self.mayPlan(try req.requireActor()) else { throw AccessError.forbidden }
            return try Self.answer(try req.content.decodeBounded(Input.self))
        }
        web.get(Self.path.components, use: page)
    }

    struct PageView: Encodable {
        let page: PageContext
        let form: [String: String]
        var sentences: [String] = []
        var error: String? = nil
    }

    private func page(_ req: Request) async throws -> Response {
        guard Self.mayPlan(try req.requireActor()) else { throw AccessError.forbidden }
        func field(_ key: String) -> String { String((req.query[String.self, at: key] ?? "").prefix(30)) }
        var view = PageView(page: PageContext(title: "Perencanaan anggaran", request: req),
                            form: ["workers": field("workers"), "months": field("months").isEmpty ? "12" : field("months"),
                                   "premium": field("premium").isEmpty ? "16800" : field("premium"), "budget": field("budget")])
        var status = HTTPStatus.ok
        if !field("workers").isEmpty {
            let workers = Int(field("workers").filter { $0 != "." })
            let months = Int(field("months"))
            let premium = Rupiah(parsing: view.form["premium"] ?? "")
            let budget = field("budget").isEmpty ? nil : Rupiah(parsing: field("budget"))
            if let workers, let months, let premium, field("budget").isEmpty || budget != nil {
                do {
                    view.sentences = try Self.answer(Input(workers: workers, months: months, premium: premium.amount, budget: budget?.amount)).sentences
                } catch let error as AppError {
                    view.error = error.message
                    status = .unprocessableEntity
                }
            } else {
                view.error = "Isi angka saja: pekerja dan bulan sebagai bilangan bulat, rupiah seperti 16800 atau Rp16.800."
                status = .unprocessableEntity
            }
        }
        let response = try await req.view.render("premiums/budget", view).encodeResponse(for: req)
        response.status = status
        return response
    }
}
