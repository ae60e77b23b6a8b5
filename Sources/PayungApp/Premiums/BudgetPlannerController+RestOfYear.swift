import Fluent
import Foundation
import PayungCore
import Vapor

/// The rest of a program's year (`RestOfYear`): the API and what the page
/// shares with it.
extension BudgetPlannerController {
    static let restOfYear = APIOperation(method: .POST, path: "/api/v1/budget/rest-of-year", operationID: "planRestOfYear",
                                         summary: "The rest of a program's year: coverage already planned, what the budget (default: the year's pledges) has left, and what that buys for the remaining months",
                                         tag: "Premi", requestBody: "BudgetRestOfYearInput", response: "BudgetRestOfYearAnswer",
                                         errors: [403, 404])

    struct RestInput: Content {
        let programID: UUID
        /// Default: the current year.
        var year: Int?
        /// Whole rupiah; default: the program's pledges for the year.
        var budget: Int64?
        /// Whole rupiah per person-month; default: the program's full rate.
        var premium: Int64?

        init(programID: UUID, year: Int? = nil, budget: Int64? = nil, premium: Int64? = nil) {
            self.programID = programID
            self.year = year
            self.budget = budget
            self.premium = premium
        }

        private enum CodingKeys: String, CodingKey { case programID, programId, year, budget, premium }

        /// `programID` as elsewhere in the API; `programId` is read too.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let id = try c.decodeIfPresent(UUID.self, forKey: .programID) ?? c.decodeIfPresent(UUID.self, forKey: .programId) else {
                throw DecodingError.keyNotFound(CodingKeys.programID, .init(codingPath: c.codingPath, debugDescription: "programID is required"))
            }
            programID = id
            year = try c.decodeIfPresent(Int.self, forKey: .year)
            budget = try c.decodeIfPresent(Int64.self, forKey: .budget)
            premium = try c.decodeIfPresent(Int64.self, forKey: .premium)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(programID, forKey: .programID)
            try c.encodeIfPresent(year, forKey: .year)
            try c.encodeIfPresent(budget, forKey: .budget)
            try c.encodeIfPresent(premium, forKey: .premium)
        }
    }

    struct RestAnswer: Content {
        let programID: UUID
        let programCode: String
        let programName: String
        /// "given" or "pledges".
        let budgetSource: String
        /// "given" or "tariff" (the program's full rate).
        let premiumSource: String
        let rest: RestOfYear
        let sentences: [String]
    }

    /// Who may read a program's money figures: its operator, Kepala Dinas,
    /// admin or auditor (as `CoverageController.program(_:for: .read)`).
    static func mayRead(_ actor: Actor, in regency: RegionCode) -> Bool {
        AccessPolicy.may(actor, .manageSettings, in: regency) || AccessPolicy.may(actor, .approve, in: regency)
            || AccessPolicy.may(actor, .readAudit, in: regency)
    }

    /// The program, if the actor may read its figures: 403 to someone of
    /// its Pemda who may not, 404 to anyone else (another Pemda never learns it exists).
    static func readableProgram(_ id: UUID, actor: Actor, db: any Database) async throws -> ProgramModel {
        guard let program = try await ProgramModel.find(id, on: db), let regency = RegionCode(program.regencyCode) else {
            throw AppError.notFound("Program")
        }
        guard mayRead(actor, in: regency) else {
            if ProgramAPIController.visible(program, to: actor) { throw AccessError.forbidden }
            throw AppError.notFound("Program")
        }
        return program
    }

    /// The rest of the year for a program the caller may read.
    static func answerRestOfYear(_ input: RestInput, _ req: Request) async throws -> RestAnswer {
        let program = try await readableProgram(input.programID, actor: try req.requireActor(), db: req.db)
        let today = req.application.clock.today
        let year = input.year ?? today.year
        do {
            guard let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth), start <= end else {
                throw AppError.invalid("program_period_invalid", "Periode program tidak sah.")
            }
            guard RestOfYear.years.contains(year) else { throw BudgetPlan.Failure.yearOutOfRange }
            guard start.year <= year, year <= end.year else { throw BudgetPlan.Failure.yearOutsideProgram(start...end) }
            let queries = BudgetPlannerQueries(db: req.db)
            let premium: Rupiah
            if let given = input.premium {
                premium = Rupiah(given)
            } else {
                premium = try await fullRate(program, year: year, asOf: today.yearMonth, period: start...end, db: req.db)
            }
            let budget: Rupiah
            if let given = input.budget {
                budget = Rupiah(given)
            } else {
                guard (1...BudgetPlan.maxPremium).contains(premium.amount) else { throw BudgetPlan.Failure.premiumOutOfRange }
                guard let pledged = try RestOfYear.pledged(try await queries.pledges(program: program.id!), year: year, premium: premium) else {
                    throw BudgetPlan.Failure.budgetRequired(year: year)
                }
                budget = pledged
            }
            let rest = try RestOfYear.compute(year: year, asOf: today.yearMonth, program: start...end, budget: budget, premium: premium,
                                              planned: try await queries.planned(program: program.id!, year: year))
            return RestAnswer(programID: program.id!, programCode: program.code, programName: program.name,
                              budgetSource: input.budget == nil ? "pledges" : "given", premiumSource: input.premium == nil ? "tariff" : "given",
                              rest: rest, sentences: BudgetPlanWords.sentences(rest, today: today, pledged: input.budget == nil,
                                                                               fullRate: input.premium == nil))
        } catch let error as BudgetPlan.Failure {
            throw AppError.invalid(error.code, error.message)
        }
    }

    /// The program's full rate (no discount, as APBD pays and as an unfunded
    /// month is planned): the highest over the remaining months, else over
    /// the year's months in the program, so the remainder is never overstated.
    static func fullRate(_ program: ProgramModel, year: Int, asOf: YearMonth, period: ClosedRange<YearMonth>,
                         db: any Database) async throws -> Rupiah {
        let book = try await TariffQueries(db: db).book()
        let months = RestOfYear.remaining(year: year, asOf: asOf, program: period)
            ?? RestOfYear.remaining(year: year, asOf: YearMonth(year: year, month: 1)!, program: period)
        let prices = (months.map { Array(stride(from: $0.lowerBound, through: $0.upperBound, by: 1)) } ?? []).compactMap { month in
            try? book.price(month: month, insuredIncome: Rupiah(program.insuredIncome), sector: .other, excludedFromDiscount: true,
                            includeJHT: program.includeJHT).total
        }
        guard let highest = prices.max() else { throw BudgetPlan.Failure.premiumRequired(year: year) }
        return highest
    }

    static func restSchemas() -> [String: JSON] {
        let money = Schema.integer("Whole rupiah")
        let planned = Schema.object(["personMonths": Schema.integer(), "rupiah": money], required: ["personMonths", "rupiah"])
        return [
            "BudgetRestOfYearInput": Schema.object([
                "programID": Schema.string(format: "uuid"), "year": Schema.integer("Default: the current year"),
                "budget": Schema.integer("Whole rupiah; default: the program's pledges for the year (shared evenly over each pledge's months)"),
                "premium": Schema.integer("Whole rupiah per person-month; default: the program's full rate"),
            ], required: ["programID"]),
            "BudgetRestOfYearAnswer": Schema.object([
                "programID": Schema.string(format: "uuid"), "programCode": Schema.string(), "programName": Schema.string(),
                "budgetSource": Schema.string(values: ["given", "pledges"]), "premiumSource": Schema.string(values: ["given", "tariff"]),
                "rest": Schema.object([
                    "year": Schema.integer(), "asOf": Schema.string(example: "2026-06"), "budget": money, "premium": money,
                    "past": planned, "toCome": planned, "planned": planned, "remainingMonths": Schema.integer(),
                    "firstRemainingMonth": Schema.string(example: "2026-06"), "lastRemainingMonth": Schema.string(example: "2026-12"),
                    "left": money, "shortfall": money, "shortfallPersonMonths": Schema.integer(), "personMonthsAffordable": Schema.integer(),
                    "workersAffordable": Schema.integer(), "remainder": money,
                ], required: ["year", "asOf", "budget", "premium", "past", "toCome", "planned", "remainingMonths", "left", "shortfall",
                              "shortfallPersonMonths", "personMonthsAffordable", "workersAffordable", "remainder"]),
                "sentences": Schema.array(Schema.string()),
            ], required: ["programID", "programCode", "programName", "budgetSource", "premiumSource", "rest", "sentences"]),
        ]
    }
}
