import Fluent
import Foundation
import PayungCore
import Vapor

/// One case, whole: what happened, whether it was covered and why, what the
/// law gives, the documents against their checklist, the heirs, each
/// child's scholarship, BPJS's decision and payments, and its history.
struct ClaimDetailDTO: Content {
    struct CoverageMonth: Content {
        let month: String
        let monthName: String
        let then: String
        let thenName: String
        let now: String
        let nowName: String
        let payer: String?
    }

    struct Coverage: Content {
        let covered: Bool
        let reason: String?
        let reasonName: String?
        let byLatePayment: Bool
        let latePaymentCounts: Bool
        let months: [CoverageMonth]
        /// "BPJS decides": the check is Payung's reading of its own records.
        let note: String
    }

    struct BenefitLine: Content {
        let part: String
        let partName: String
        let amount: Int64
        let basis: String
    }

    struct Benefit: Content {
        let ruleID: String
        let legalBasis: String
        let incomeBasis: Int64?
        let lines: [BenefitLine]
        let total: Int64
    }

    struct Document: Content {
        let kind: String
        let kindName: String
        let required: Bool
        let files: [File]
    }

    struct File: Content {
        let id: UUID
        let name: String
        let contentType: String
        let size: Int
        let uploadedOn: String
        let uploadedBy: String
        let schoolYear: Int?
        let heirID: UUID?
    }

    struct Heir: Content {
        let id: UUID
        let name: String
        let relation: String
        let relationName: String
        let priority: Int
        let sharePercent: Int
        let birthDate: String?
        let schoolLevel: String?
        let yearInLevel: Int?
        let endedOn: String?
        let bank: String?
        let account: String?
        let accountHolder: String?
    }

    struct ScholarshipYear: Content {
        let schoolYear: Int
        let schoolYearName: String
        let level: String
        let levelName: String
        let amount: Int64
        let state: String
        let stateName: String
    }

    struct Scholarship: Content {
        let heirID: UUID
        let name: String
        /// Why this child gets none.
        let refusal: String?
        let refusalName: String?
        /// Why the schedule stops where it does.
        let end: String?
        let endName: String?
        let total: Int64
        let years: [ScholarshipYear]
    }

    struct Payment: Content {
        let id: UUID
        let kind: String
        let kindName: String
        let heirID: UUID?
        let schoolYear: Int?
        let payee: String?
        let amount: Int64
        let paidOn: String
        let recordedBy: String
    }

    struct Step: Content {
        let action: String
        let actionName: String
        let from: String?
        let to: String
        let toName: String
        let byName: String
        let at: Date
        let note: String?
    }

    let summary: ClaimSummaryDTO
    let place: String
    let account: String
    let trafficAccident: Bool
    let reporterName: String
    let membershipStart: String?
    let coverage: Coverage
    let benefit: Benefit?
    let documents: [Document]
    let documentsMissing: [String]
    let heirs: [Heir]
    let scholarships: [Scholarship]
    let bpjsClaimNumber: String?
    let rejectionReason: String?
    let approvedAmount: Int64?
    let paidOn: String?
    let paidAmount: Int64?
    let paidHeirID: UUID?
    let paidBank: String?
    let paidAccount: String?
    let paidAccountHolder: String?
    let previousCaseID: UUID?
    let nextCaseID: UUID?
    let participationEnded: Bool
    let payments: [Payment]
    let steps: [Step]
    let availableActions: [String]

    static func build(_ claim: ClaimCaseModel, actor: Actor, on db: any Database, today: CalendarDate) async throws -> ClaimDetailDTO {
        let queries = ClaimQueries(db: db, today: today)
        let summary = try await queries.summaries([claim])[0]
        let rows = (try? JSONDecoder().decode([CoverageMonthRow].self, from: Data(claim.coverageMonths.utf8))) ?? []
        func stateName(_ code: String) -> String { EventCoverage.MonthState(rawValue: code)?.indonesianName ?? code }
        let coverage = Coverage(
            covered: claim.covered, reason: claim.uncoveredReason, reasonName: claim.uncoveredReasonName, byLatePayment: claim.coveredByLatePayment,
            latePaymentCounts: claim.latePaymentCounts,
            months: rows.map { r in
                CoverageMonth(month: r.month, monthName: YearMonth(iso: r.month)?.indonesian ?? r.month, then: r.then, thenName: stateName(r.then),
                              now: r.now, nowName: stateName(r.now), payer: r.payer)
            },
            note: "Pemeriksaan ini dibaca dari catatan iuran Payung pada hari kejadian dan hari ini. Keputusan klaim ada pada BPJS Ketenagakerjaan."
                + (claim.latePaymentCounts ? " Program ini menghitung tunggakan yang dibayar sesudah kejadian." : " Tunggakan yang dibayar sesudah kejadian tidak dihitung (aturan program)."))
        let benefit = ClaimBenefit.of(claim).map { b in
            Benefit(ruleID: b.ruleID, legalBasis: b.legalBasis, incomeBasis: claim.incomeBasis,
                    lines: b.lines.map { BenefitLine(part: $0.part.rawValue, partName: $0.part.indonesianName, amount: $0.amount.amount, basis: $0.basis) },
                    total: b.total.amount)
        }
        let docs = try await ClaimDocumentModel.query(on: db).filter(\.$caseID == claim.id!)
            .field(\.$id).field(\.$kind).field(\.$name).field(\.$contentType).field(\.$size).field(\.$uploadedAt).field(\.$uploadedBy)
            .field(\.$schoolYear).field(\.$heirID).field(\.$caseID).sort(\.$uploadedAt).all()
        let required = ClaimDocuments.required(for: claim.kindValue, trafficAccident: claim.trafficAccident)
        let kinds = required + ClaimDocumentKind.allCases.filter { k in !required.contains(k) && docs.contains { $0.kind == k.rawValue } }
        let documents = kinds.map { k in
            Document(kind: k.rawValue, kindName: ClaimDocuments.name(k, for: claim.kindValue), required: required.contains(k),
                     files: docs.filter { $0.kind == k.rawValue }.map { d in
                         File(id: d.id!, name: d.name, contentType: d.contentType, size: d.size, uploadedOn: CalendarDate(d.uploadedAt).iso,
                              uploadedBy: d.uploadedBy, schoolYear: d.schoolYear, heirID: d.heirID)
                     })
        }
        let missing = ClaimDocuments.missing(for: claim.kindValue, trafficAccident: claim.trafficAccident,
                                             present: Set(docs.compactMap { ClaimDocumentKind(rawValue: $0.kind) }))
        let heirs = try await ClaimHeirModel.query(on: db).filter(\.$caseID == claim.id!).sort(\.$priority).sort(\.$createdAt).all()
        let scholarships = try await queries.scholarships(claim).map { s in
            Scholarship(heirID: s.heir.id!, name: s.heir.name, refusal: s.schedule.refusal?.rawValue, refusalName: s.schedule.refusal?.indonesianName,
                        end: s.schedule.end?.rawValue, endName: s.schedule.end?.indonesianName, total: s.schedule.total.amount,
                        years: s.years.map { y in
                            ScholarshipYear(schoolYear: y.year.schoolYear, schoolYearName: y.year.schoolYearName, level: y.year.level.rawValue,
                                            levelName: y.year.level.indonesianName, amount: y.year.amount.amount, state: y.state.rawValue,
                                            stateName: y.state.indonesianName)
                        })
        }
        let payments = try await ClaimPaymentModel.query(on: db).filter(\.$caseID == claim.id!).sort(\.$paidOn).all().map { p in
            Payment(id: p.id!, kind: p.kind, kindName: p.kind == "scholarship" ? "Beasiswa" : "Biaya perawatan", heirID: p.heirID,
                    schoolYear: p.schoolYear, payee: p.payee, amount: p.amount, paidOn: p.paidOn, recordedBy: p.recordedBy)
        }
        let steps = try await ClaimStepModel.query(on: db).filter(\.$caseID == claim.id!).sort(\.$at).all().map { s in
            Step(action: s.action, actionName: s.action == "report" ? "Dilaporkan" : ClaimAction(rawValue: s.action)?.indonesianName ?? s.action,
                 from: s.fromStatus, to: s.toStatus, toName: ClaimStatus(rawValue: s.toStatus)?.indonesianName ?? s.toStatus,
                 byName: s.byName, at: s.at, note: s.note)
        }
        let next = try await ClaimCaseModel.query(on: db).filter(\.$previousCaseID == claim.id!).first()?.id
        return ClaimDetailDTO(
            summary: summary, place: claim.place, account: claim.account, trafficAccident: claim.trafficAccident, reporterName: claim.reporterName,
            membershipStart: claim.membershipStart, coverage: coverage, benefit: benefit, documents: documents,
            documentsMissing: missing.map { ClaimDocuments.name($0, for: claim.kindValue) },
            heirs: heirs.map { h in
                Heir(id: h.id!, name: h.name, relation: h.relation, relationName: HeirRelation.words(for: h.relation), priority: h.priority,
                     sharePercent: h.sharePercent, birthDate: h.birthDate, schoolLevel: h.schoolLevel, yearInLevel: h.yearInLevel, endedOn: h.endedOn,
                     bank: h.bank, account: h.account, accountHolder: h.accountHolder)
            },
            scholarships: scholarships, bpjsClaimNumber: claim.bpjsClaimNumber, rejectionReason: claim.rejectionReason,
            approvedAmount: claim.approvedAmount, paidOn: claim.paidOn, paidAmount: claim.paidAmount, paidHeirID: claim.paidHeirID,
            paidBank: claim.paidBank, paidAccount: claim.paidAccount, paidAccountHolder: claim.paidAccountHolder,
            previousCaseID: claim.previousCaseID, nextCaseID: next, participationEnded: claim.participationEnded ?? false,
            payments: payments, steps: steps,
            availableActions: ClaimWorkflow.available(from: claim.statusValue, actor: actor, at: claim.location!).map(\.rawValue))
    }
}
