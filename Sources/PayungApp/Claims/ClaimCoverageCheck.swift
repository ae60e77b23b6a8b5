import Fluent
import Foundation
import PayungCore
import SQLKit

/// One month of a case's coverage explanation, as stored with the case.
struct CoverageMonthRow: Codable, Sendable, Equatable {
    let month: String
    let then: String
    let now: String
    let payer: String?
}

/// The coverage check of an event, made from the ledger as it stood on the
/// event day and as it stands today (`EventCoverage`), with the income basis
/// on the event month's coverage and what the benefit would be.
struct ClaimCoverageCheck {
    let db: any Database
    let today: CalendarDate

    struct Result: Sendable {
        let decision: EventCoverage.Decision
        let latePaymentCounts: Bool
        let membershipStart: CalendarDate?
        let incomeBasis: Rupiah?
        let benefit: BenefitCalculator.Benefit?

        var covered: Bool { decision.covered }
        var reasonName: String? { decision.reason?.indonesianName }

        func apply(to claim: ClaimCaseModel) {
            claim.covered = decision.covered
            claim.uncoveredReason = decision.reason?.code
            claim.uncoveredReasonName = decision.reason?.indonesianName
            claim.coveredByLatePayment = decision.byLatePayment
            claim.latePaymentCounts = latePaymentCounts
            let rows = decision.months.map { CoverageMonthRow(month: $0.month.iso, then: $0.then.rawValue, now: $0.now.rawValue, payer: $0.payer) }
            claim.coverageMonths = (try? String(decoding: JSONEncoder().encode(rows), as: UTF8.self)) ?? "[]"
            claim.membershipStart = membershipStart?.iso
            claim.incomeBasis = incomeBasis?.amount
            claim.benefitEstimate = benefit?.total.amount
        }
    }

    func check(kind: ClaimKind, program: ProgramModel, proposal: ProposalModel, worker: WorkerModel, eventDay: CalendarDate) async throws -> Result {
        let start = proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:))
        // Covered at most to the day the participation ended, and never past its program's last day.
        let endedOn = proposal.statusValue == .ended ? proposal.endedOn.flatMap(CalendarDate.init(iso:)) : nil
        let ended = [endedOn, YearMonth(iso: program.endMonth)?.lastDay].compactMap { $0 }.min()
        let queries = BillingStandingQueries(db: db)
        let then = try await queries.participant(program, proposalID: proposal.id!, asOf: eventDay)
        let now = try await queries.participant(program, proposalID: proposal.id!, asOf: today)
        let paidThen = Dictionary(then.months.filter { $0.state != "credited" }.map { ($0.month, $0.paidOn) }, uniquingKeysWith: { a, _ in a })
        let billed: [EventCoverage.Month] = now.months.filter { $0.state != "credited" }.compactMap { m in
            guard let month = YearMonth(iso: m.month), let due = CalendarDate(iso: m.due) else { return nil }
            return EventCoverage.Month(month: month, due: due, paidOnThen: paidThen[m.month].flatMap { $0 }.flatMap(CalendarDate.init(iso:)),
                                       paidOnNow: m.paidOn.flatMap(CalendarDate.init(iso:)), payer: m.payer)
        }
        let window = program.dueDay.flatMap { PaymentWindow(dueDay: $0) } ?? .bpu
        let decision = EventCoverage.check(eventDay: eventDay, start: start, ended: ended, billed: billed, today: today, window: window,
                                           latePaymentCounts: program.claimsLatePaymentCounts)
        struct Basis: Decodable { let income_basis: Int64 }
        let basis = try await db.sql.raw("""
            SELECT income_basis FROM coverage_months WHERE proposal_id = \(bind: proposal.id!) AND month = \(bind: eventDay.yearMonth.iso)
            """).first(decoding: Basis.self)?.income_basis ?? program.insuredIncome
        let membership = try await BPJSMembershipQueries(db: db).membership(nik: worker.nik)
        let incomeBasis = basis > 0 ? Rupiah(basis) : nil
        return Result(decision: decision, latePaymentCounts: program.claimsLatePaymentCounts,
                      membershipStart: membership?.firstMembershipDate ?? start, incomeBasis: incomeBasis,
                      benefit: ClaimBenefit.estimate(kind: kind, eventDay: eventDay, incomeBasis: incomeBasis))
    }
}

/// What a case's benefit comes to, from `BenefitCalculator`: a death at
/// once; a work accident once BPJS has set the months off work and the
/// disability percentage.
enum ClaimBenefit {
    static func estimate(kind: ClaimKind?, eventDay: CalendarDate, incomeBasis: Rupiah?, disabilityPercent: Int? = nil,
                         incapacityMonths: Int? = nil) -> BenefitCalculator.Benefit? {
        switch kind {
        case .death?: return try? BenefitCalculator.deathFromAnyCause(on: eventDay)
        case .workDeath?: return incomeBasis.flatMap { try? BenefitCalculator.deathFromWork(on: eventDay, incomeBasis: $0) }
        case .workAccident?, .occupationalDisease?:
            guard let basis = incomeBasis else { return nil }
            var lines: [BenefitCalculator.Line] = []
            var rule: (String, String)?
            if let months = incapacityMonths, months > 0, let b = try? BenefitCalculator.temporaryIncapacity(on: eventDay, incomeBasis: basis, months: months) {
                lines += b.lines
                rule = (b.ruleID, b.legalBasis)
            }
            if let percent = disabilityPercent, let b = try? BenefitCalculator.disability(on: eventDay, incomeBasis: basis, percent: percent) {
                lines += b.lines
                rule = (b.ruleID, b.legalBasis)
            }
            guard let rule else { return nil }
            return BenefitCalculator.Benefit(ruleID: rule.0, legalBasis: rule.1, lines: lines)
        case nil: return nil
        }
    }

    static func of(_ claim: ClaimCaseModel) -> BenefitCalculator.Benefit? {
        guard let day = CalendarDate(iso: claim.eventDate) else { return nil }
        return estimate(kind: claim.kindValue, eventDay: day, incomeBasis: claim.incomeBasis.map(Rupiah.init),
                        disabilityPercent: claim.disabilityPercent, incapacityMonths: claim.incapacityMonths)
    }
}
