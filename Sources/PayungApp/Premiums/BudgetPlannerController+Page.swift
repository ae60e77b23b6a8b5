import Foundation
import PayungCore
import Vapor

/// The page `/anggaran`: two GET forms, no JavaScript. The planner (workers x
/// months x premium, a budget, up to five sponsors) and the rest of a
/// program's year. What cannot be read is marked at its field.
extension BudgetPlannerController {
    static let sponsorRows = 1...5

    struct PlanForm: Encodable {
        var workers = "", months = "12", premium = "16800", budget = ""
    }

    struct PlanErrors: Encodable {
        var workers: String?, months: String?, premium: String?, budget: String?
    }

    struct SponsorRow: Encodable {
        let n: Int
        var name = "", amount = "", participants = "", months = ""
        var amountError: String?, participantsError: String?, monthsError: String?
        /// The field to mark first: `sponsor2Amount`.
        var focus: String?
        var focusAmount = false, focusParticipants = false, focusMonths = false
    }

    struct MixView: Encodable {
        struct Line: Encodable { let name: String; let personMonths: String; let rupiah: String }
        let lines: [Line]
        let covered: String
        let coveredRupiah: String
        let uncovered: String
        let uncoveredRupiah: String
        let sentences: [String]
    }

    struct PageView: Encodable {
        let page: PageContext
        var form = PlanForm()
        var errors = PlanErrors()
        var firstInvalid: String?
        var sponsors: [SponsorRow]
        var sentences: [String] = []
        var mix: MixView?
        var error: String? = nil
        var rest: RestPage
    }

    func page(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard Self.mayPlan(actor) else { throw AccessError.forbidden }
        var view = PageView(page: PageContext(title: "Perencanaan anggaran", request: req),
                            sponsors: Self.sponsorRows.map { SponsorRow(n: $0) }, rest: RestPage())
        var status = HTTPStatus.ok
        if (try? req.query.get(String.self, at: "workers")) != nil {
            status = Self.readPlan(req, into: &view)
        }
        let restStatus = try await Self.rest(req, actor: actor, into: &view.rest)
        if restStatus != .ok { status = restStatus }
        let response = try await req.view.render("premiums/budget", view).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// A query field as typed, bounded.
    static func field(_ req: Request, _ key: String, max: Int = 30) -> String {
        String(((try? req.query.get(String.self, at: key)) ?? "").trimmingCharacters(in: .whitespaces).prefix(max))
    }

    /// Reads the planner's form into `view`; the status to answer with.
    private static func readPlan(_ req: Request, into view: inout PageView) -> HTTPStatus {
        view.form = PlanForm(workers: field(req, "workers"), months: field(req, "months"), premium: field(req, "premium"),
                             budget: field(req, "budget"))
        var errors = PlanErrors()
        let workers = view.form.workers.isEmpty ? nil : Int(view.form.workers.filter { $0 != "." })
        if view.form.workers.isEmpty { errors.workers = "Isi jumlah pekerja, mis. 3000." }
        else if workers == nil { errors.workers = "Jumlah pekerja ditulis sebagai bilangan bulat, mis. 3000 atau 3.000." }
        let months = Int(view.form.months)
        if months == nil { errors.months = "Jumlah bulan ditulis sebagai bilangan bulat, 1 sampai 120." }
        let premium = Rupiah(parsing: view.form.premium)
        if premium == nil { errors.premium = "Iuran ditulis seperti 16800 atau Rp16.800." }
        let budget = view.form.budget.isEmpty ? nil : Rupiah(parsing: view.form.budget)
        if !view.form.budget.isEmpty, budget == nil { errors.budget = "Anggaran ditulis seperti 604000000 atau Rp604.000.000." }
        var shares: [SponsorInput] = []
        var sponsorsValid = true
        for i in view.sponsors.indices {
            let n = view.sponsors[i].n
            var row = SponsorRow(n: n, name: field(req, "sponsor\(n)Name", max: 120), amount: field(req, "sponsor\(n)Amount"),
                                 participants: field(req, "sponsor\(n)Participants"), months: field(req, "sponsor\(n)Months"))
            if let share = read(&row, months: months) { shares.append(share) }
            if row.focus != nil { sponsorsValid = false }
            view.sponsors[i] = row
        }
        if let workers, let months, let premium, errors.budget == nil, sponsorsValid {
            do {
                let answer = try answer(Input(workers: workers, months: months, premium: premium.amount, budget: budget?.amount,
                                              sponsors: shares.isEmpty ? nil : shares))
                view.sentences = BudgetPlanWords.sentences(answer.plan)
                view.mix = answer.mix.map(mixView)
                return .ok
            } catch let error as AppError {
                switch error.code {
                case BudgetPlan.Failure.workersOutOfRange.code: errors.workers = error.message
                case BudgetPlan.Failure.monthsOutOfRange.code: errors.months = error.message
                case BudgetPlan.Failure.premiumOutOfRange.code: errors.premium = error.message
                case BudgetPlan.Failure.budgetOutOfRange.code: errors.budget = error.message
                default: view.error = error.message
                }
            } catch {
                view.error = "Rencana tidak dapat dihitung."
            }
        }
        view.errors = errors
        view.firstInvalid = [("workers", errors.workers), ("months", errors.months), ("premium", errors.premium), ("budget", errors.budget)]
            .first { $0.1 != nil }?.0 ?? view.sponsors.compactMap(\.focus).first
        for i in view.sponsors.indices where view.sponsors[i].focus == view.firstInvalid {
            let n = view.sponsors[i].n
            view.sponsors[i].focusAmount = view.firstInvalid == "sponsor\(n)Amount"
            view.sponsors[i].focusParticipants = view.firstInvalid == "sponsor\(n)Participants"
            view.sponsors[i].focusMonths = view.firstInvalid == "sponsor\(n)Months"
        }
        view.error = view.error ?? "Periksa isian yang ditandai."
        return .unprocessableEntity
    }

    /// One sponsor row: rupiah, or participants x months (months default to
    /// the plan's). Marks what is wrong at its field; nil when empty or wrong.
    private static func read(_ row: inout SponsorRow, months planMonths: Int?) -> SponsorInput? {
        let who = "Penyandang dana \(row.n)"
        if row.amount.isEmpty && row.participants.isEmpty && row.months.isEmpty {
            if !row.name.isEmpty { row.amountError = "\(who): isi nilai rupiah, atau jumlah peserta dan bulan." }
        } else if !row.amount.isEmpty && !(row.participants.isEmpty && row.months.isEmpty) {
            row.amountError = "\(who): isi nilai rupiah atau peserta x bulan, bukan keduanya."
        } else if !row.amount.isEmpty {
            if let amount = Rupiah(parsing: row.amount) {
                if (0...BudgetPlan.maxBudget).contains(amount.amount) {
                    return SponsorInput(name: row.name.isEmpty ? who : row.name, amount: amount.amount)
                }
                row.amountError = "\(who): nilai Rp0 sampai Rp1.000.000.000.000.000."
            } else {
                row.amountError = "\(who): tulis rupiah seperti 504000000 atau Rp504.000.000."
            }
        } else {
            let participants = Int(row.participants.filter { $0 != "." })
            let months = row.months.isEmpty ? planMonths : Int(row.months)
            if row.participants.isEmpty { row.participantsError = "\(who): isi jumlah peserta untuk bulan itu." }
            else if participants.map({ !(0...BudgetPlan.maxWorkers).contains($0) }) ?? true {
                row.participantsError = "\(who): jumlah peserta bilangan bulat 0 sampai 10.000.000."
            }
            if !row.months.isEmpty, months.map({ !(1...BudgetPlan.maxMonths).contains($0) }) ?? true {
                row.monthsError = "\(who): jumlah bulan bilangan bulat 1 sampai 120."
            }
            if row.participantsError == nil, row.monthsError == nil, let participants, let months {
                return SponsorInput(name: row.name.isEmpty ? who : row.name, participants: participants, months: months)
            }
        }
        row.focus = row.amountError != nil ? "sponsor\(row.n)Amount" : row.participantsError != nil ? "sponsor\(row.n)Participants"
            : row.monthsError != nil ? "sponsor\(row.n)Months" : nil
        return nil
    }

    private static func mixView(_ mix: BudgetPlan.Mix) -> MixView {
        MixView(lines: mix.lines.map { .init(name: $0.name, personMonths: Count.id(Int($0.personMonths)), rupiah: $0.rupiah.formatted) },
                       covered: Count.id(Int(mix.personMonthsCovered)),
                       coveredRupiah: Rupiah(mix.lines.reduce(0) { $0 + $1.rupiah.amount }).formatted,
                       uncovered: Count.id(Int(mix.uncovered)), uncoveredRupiah: mix.uncoveredRupiah.formatted,
                       sentences: BudgetPlanWords.sentences(mix))
    }
}
