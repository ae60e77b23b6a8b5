import Foundation
import PayungCore
import Vapor

/// The page's second form, "Sisa tahun berjalan": a program the caller may
/// read, a year, optionally a budget and a premium.
extension BudgetPlannerController {
    struct RestErrors: Encodable {
        var program: String?, year: String?, budget: String?, premium: String?
    }

    struct RestPage: Encodable {
        struct Option: Encodable { let value: String; let label: String }
        struct Row: Encodable { let label: String; let personMonths: String; let rupiah: String }
        var programs: [Option] = []
        var program = "", year = "", budget = "", premium = ""
        var errors = RestErrors()
        var firstInvalid: String?
        var error: String?
        var programName: String?
        var sentences: [String] = []
        var rows: [Row] = []
    }

    /// Fills the rest-of-year section; the status to answer with.
    static func rest(_ req: Request, actor: Actor, into rest: inout RestPage) async throws -> HTTPStatus {
        let today = req.application.clock.today
        rest.programs = try await BudgetPlannerQueries(db: req.db).readablePrograms(for: actor).map { p in
            RestPage.Option(value: p.id!.uuidString, label: "\(p.name) (\(p.code))")
        }
        rest.year = String(today.year)
        guard (try? req.query.get(String.self, at: "program")) != nil else { return .ok }
        rest.program = field(req, "program", max: 40)
        rest.year = field(req, "year")
        rest.budget = field(req, "restBudget")
        rest.premium = field(req, "restPremium")
        var errors = RestErrors()
        let id = UUID(uuidString: rest.program)
        if id == nil { errors.program = rest.program.isEmpty ? "Pilih program." : "Pilih program dari daftar." }
        let year = rest.year.isEmpty ? today.year : Int(rest.year)
        if year == nil { errors.year = "Tahun ditulis empat angka, mis. \(today.year)." }
        let budget = rest.budget.isEmpty ? nil : Rupiah(parsing: rest.budget)
        if !rest.budget.isEmpty, budget == nil { errors.budget = "Anggaran ditulis seperti 604000000 atau Rp604.000.000." }
        let premium = rest.premium.isEmpty ? nil : Rupiah(parsing: rest.premium)
        if !rest.premium.isEmpty, premium == nil { errors.premium = "Iuran ditulis seperti 16800 atau Rp16.800." }
        var status = HTTPStatus.unprocessableEntity
        if let id, let year, errors.budget == nil, errors.premium == nil {
            do {
                let answer = try await answerRestOfYear(RestInput(programID: id, year: year, budget: budget?.amount, premium: premium?.amount), req)
                rest.programName = answer.programName
                rest.sentences = answer.sentences
                rest.rows = rows(answer.rest)
                return .ok
            } catch let error as AppError {
                switch (error.kind, error.code) {
                case (.notFound, _):
                    errors.program = "Program tidak ditemukan."
                    rest.error = errors.program
                    status = .notFound
                case (_, "year_out_of_range"), (_, "year_outside_program"): errors.year = error.message
                case (_, "budget_out_of_range"), (_, "budget_required"): errors.budget = error.message
                case (_, "premium_out_of_range"), (_, "premium_required"): errors.premium = error.message
                default: rest.error = error.message
                }
            } catch is AccessError {
                errors.program = "Anda tidak berhak melihat angka program ini."
                status = .forbidden
            }
        }
        rest.errors = errors
        rest.firstInvalid = [("program", errors.program), ("year", errors.year), ("restBudget", errors.budget), ("restPremium", errors.premium)]
            .first { $0.1 != nil }?.0
        rest.error = rest.error ?? "Periksa isian yang ditandai."
        return status
    }

    private static func rows(_ r: RestOfYear) -> [RestPage.Row] {
        func pm(_ n: Int64) -> String { Count.id(Int(n)) }
        var rows = [
            RestPage.Row(label: "Direncanakan, bulan yang sudah lewat", personMonths: pm(r.past.personMonths), rupiah: r.past.rupiah.formatted),
            RestPage.Row(label: "Direncanakan, mulai \(r.asOf.indonesian)", personMonths: pm(r.toCome.personMonths), rupiah: r.toCome.rupiah.formatted),
            RestPage.Row(label: "Jumlah direncanakan \(r.year)", personMonths: pm(r.planned.personMonths), rupiah: r.planned.rupiah.formatted),
            RestPage.Row(label: "Anggaran", personMonths: "–", rupiah: r.budget.formatted),
        ]
        if r.shortfall.amount > 0 {
            rows.append(.init(label: "Kurang", personMonths: pm(r.shortfallPersonMonths), rupiah: r.shortfall.formatted))
        } else {
            rows.append(.init(label: "Sisa anggaran", personMonths: "–", rupiah: r.left.formatted))
        }
        if let first = r.firstRemainingMonth, let last = r.lastRemainingMonth {
            rows.append(.init(label: "Dapat ditambah, \(BudgetPlanWords.span(first, last))", personMonths: pm(r.personMonthsAffordable),
                              rupiah: Rupiah(r.personMonthsAffordable * r.premium.amount).formatted))
            let whole = r.workersAffordable * Int64(r.remainingMonths)
            rows.append(.init(label: "\(pm(r.workersAffordable)) pekerja tambahan selama \(r.remainingMonths) bulan", personMonths: pm(whole),
                              rupiah: Rupiah(whole * r.premium.amount).formatted))
        }
        return rows
    }
}
