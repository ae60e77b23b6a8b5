import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A case as lists and the API show it: words first, codes beside them.
struct ClaimSummaryDTO: Content {
    let id: UUID
    let number: String
    let programID: UUID
    let proposalID: UUID
    let name: String
    let village: String
    let villageName: String
    let kind: String
    let kindName: String
    let status: String
    let statusName: String
    let eventDate: String
    let reportedOn: String
    let statusOn: String
    let daysAtStep: Int
    let stuck: Bool
    let waitingFor: String?
    let covered: Bool
    let uncoveredReasonName: String?
    let suspectedWorkAccident: Bool
    /// BPJS's 30-day decision deadline for a suspected work accident.
    let decisionDeadline: String?
    let decisionDeadlineNear: Bool
    let benefitEstimate: Int64?
    let paidAmount: Int64?
}

struct ClaimQueries {
    let db: any Database
    let today: CalendarDate

    struct Filter: Sendable {
        var status: ClaimStatus?
        var kind: ClaimKind?
        var district: RegionCode?
        var programID: UUID?
        /// Only cases at an open step for longer than this many days.
        var stuckDays: Int?
    }

    static func filter(_ req: Request) throws -> Filter {
        var f = Filter()
        if let s = req.query[String.self, at: "status"]?.nilIfBlank {
            guard let v = ClaimStatus(rawValue: s) else {
                throw AppError.badRequest("claim_status_invalid", "Status: \(ClaimStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            f.status = v
        }
        if let k = req.query[String.self, at: "kind"]?.nilIfBlank {
            guard let v = ClaimKind(rawValue: k) else {
                throw AppError.badRequest("claim_kind_invalid", "Jenis: \(ClaimKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            f.kind = v
        }
        if let d = req.query[String.self, at: "district"]?.nilIfBlank {
            guard d.count <= 20, let code = RegionCode(d), code.level == .district else {
                throw AppError.badRequest("district_invalid", "Kode kecamatan tidak sah, misalnya 33.75.01.")
            }
            f.district = code
        }
        if let p = req.query[String.self, at: "program"]?.nilIfBlank {
            guard let id = UUID(uuidString: p) else { throw AppError.badRequest("program_invalid", "Program tidak sah.") }
            f.programID = id
        }
        if let n = req.query[String.self, at: "stuckDays"]?.nilIfBlank {
            guard n.count <= 4, let v = Int(n), (0...3650).contains(v) else {
                throw AppError.badRequest("stuck_days_invalid", "Lama tertahan dalam hari: 0 sampai 3650.")
            }
            f.stuckDays = v
        }
        return f
    }

    /// Cases within the actor's reading scopes, oldest step first when looking for stuck ones, newest first otherwise.
    func list(scopes: [AccessScope], _ f: Filter, page: PageRequest) async throws -> Page<ClaimSummaryDTO> {
        guard !scopes.isEmpty else { return Page(items: [], page: page, total: 0) }
        var q = ClaimCaseModel.query(on: db)
            .filter(.sql(unsafeRaw: "(" + ProposalQueries.scopeCondition(scopes).replacingOccurrences(of: "proposals.", with: "claim_cases.") + ")"))
        if let s = f.status { q = q.filter(\.$status == s.rawValue) }
        if let k = f.kind { q = q.filter(\.$kind == k.rawValue) }
        if let d = f.district { q = q.filter(\.$villageCode, .custom("LIKE"), d.dotted + ".%") }
        if let p = f.programID { q = q.filter(\.$programID == p) }
        if let n = f.stuckDays {
            let cutoff = today.adding(days: -n) ?? today
            q = q.filter(\.$status ~~ ClaimQueue.open.map(\.rawValue)).filter(\.$statusOn < cutoff.iso).sort(\.$statusOn)
        } else {
            q = q.sort(\.$reportedAt, .descending)
        }
        let total = try await q.copy().count()
        let rows = try await q.range((page.number - 1) * page.size ..< page.number * page.size).all()
        return Page(items: try await summaries(rows), page: page, total: total)
    }

    func summaries(_ rows: [ClaimCaseModel]) async throws -> [ClaimSummaryDTO] {
        guard !rows.isEmpty else { return [] }
        let workers = Dictionary(uniqueKeysWithValues: try await WorkerModel.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.workerID)))).all()
            .map { ($0.id!, $0.name) })
        let names = try await RegionQueries(db: db).names(of: Array(Set(rows.map(\.villageCode))))
        return rows.map { c in
            let statusOn = CalendarDate(iso: c.statusOn) ?? today
            let days = ClaimQueue.daysAtStep(since: statusOn, today: today)
            let suspected = c.kindValue.startsSuspected && [.reported, .documentsComplete, .verified, .submitted].contains(c.statusValue)
            let deadline = CalendarDate(iso: c.reportedOn).map(ClaimWorkflow.decisionDeadline(reportedOn:))
            return ClaimSummaryDTO(
                id: c.id!, number: c.number, programID: c.programID, proposalID: c.proposalID, name: workers[c.workerID] ?? "?",
                village: c.villageCode, villageName: names[c.villageCode] ?? c.villageCode, kind: c.kind, kindName: c.kindValue.indonesianName,
                status: c.status, statusName: c.statusValue.indonesianName, eventDate: c.eventDate, reportedOn: c.reportedOn, statusOn: c.statusOn,
                daysAtStep: days, stuck: ClaimQueue.isStuck(status: c.statusValue, since: statusOn, today: today),
                waitingFor: ClaimQueue.waitingFor(c.statusValue), covered: c.covered, uncoveredReasonName: c.uncoveredReasonName,
                suspectedWorkAccident: suspected, decisionDeadline: c.kindValue.startsSuspected ? deadline?.iso : nil,
                decisionDeadlineNear: suspected && deadline.map { today.days(until: $0) <= 7 } == true,
                benefitEstimate: c.covered ? c.benefitEstimate : nil, paidAmount: c.paidAmount)
        }
    }

    /// Cases by status within the scopes, and how many are stuck: the home page's queues.
    func counts(scopes: [AccessScope]) async throws -> (byStatus: [ClaimStatus: Int], stuck: Int) {
        guard !scopes.isEmpty else { return ([:], 0) }
        let rows = try await ClaimCaseModel.query(on: db)
            .filter(.sql(unsafeRaw: "(" + ProposalQueries.scopeCondition(scopes).replacingOccurrences(of: "proposals.", with: "claim_cases.") + ")"))
            .filter(\.$status ~~ ClaimQueue.open.map(\.rawValue)).field(\.$id).field(\.$status).field(\.$statusOn).all()
        var byStatus: [ClaimStatus: Int] = [:]
        var stuck = 0
        for r in rows {
            byStatus[r.statusValue, default: 0] += 1
            if ClaimQueue.isStuck(status: r.statusValue, since: CalendarDate(iso: r.statusOn) ?? today, today: today) { stuck += 1 }
        }
        return (byStatus, stuck)
    }

    /// Counts and amounts by kind, status and kecamatan within the scopes.
    struct Totals: Content {
        /// A count or amount left out is hidden: fewer than `SmallCounts.threshold` cases (a sponsor's view).
        struct Row: Content {
            let key: String
            let name: String
            let cases: Int?
            let paid: Int64?
        }
        let cases: Int?
        let paidCases: Int?
        let paid: Int64?
        /// Set when small counts are suppressed: the threshold.
        var suppressedBelow: Int? = nil
        let byKind: [Row]
        let byStatus: [Row]
        let byDistrict: [Row]
    }

    func totals(scopes: [AccessScope], programID: UUID? = nil) async throws -> Totals {
        guard !scopes.isEmpty else { return Totals(cases: 0, paidCases: 0, paid: 0, byKind: [], byStatus: [], byDistrict: []) }
        var q = ClaimCaseModel.query(on: db)
            .filter(.sql(unsafeRaw: "(" + ProposalQueries.scopeCondition(scopes).replacingOccurrences(of: "proposals.", with: "claim_cases.") + ")"))
        if let programID { q = q.filter(\.$programID == programID) }
        let rows = try await q.field(\.$id).field(\.$kind).field(\.$status).field(\.$villageCode).field(\.$paidAmount).all()
        let districts = Array(Set(rows.compactMap { RegionCode($0.villageCode)?.ancestor(at: .district)?.dotted }))
        let names = try await RegionQueries(db: db).names(of: districts)
        func group(_ key: (ClaimCaseModel) -> String, _ name: (String) -> String, order: [String]? = nil) -> [Totals.Row] {
            let groups = Dictionary(grouping: rows, by: key)
            let keys = order.map { o in o.filter { groups[$0] != nil } } ?? groups.keys.sorted()
            return keys.map { k in
                Totals.Row(key: k, name: name(k), cases: groups[k]!.count, paid: groups[k]!.reduce(0) { $0 + ($1.paidAmount ?? 0) })
            }
        }
        return Totals(
            cases: rows.count, paidCases: rows.filter { $0.paidAmount != nil }.count, paid: rows.reduce(0) { $0 + ($1.paidAmount ?? 0) },
            byKind: group({ $0.kind }, { ClaimKind(rawValue: $0)?.indonesianName ?? $0 }, order: ClaimKind.allCases.map(\.rawValue)),
            byStatus: group({ $0.status }, { ClaimStatus(rawValue: $0)?.indonesianName ?? $0 }, order: ClaimStatus.allCases.map(\.rawValue)),
            byDistrict: group({ RegionCode($0.villageCode)?.ancestor(at: .district)?.dotted ?? "?" }, { names[$0] ?? $0 }))
    }

    /// A child's scholarship schedule with each year's state.
    struct ChildScholarship: Sendable {
        let heir: ClaimHeirModel
        let schedule: ScholarshipSchedule.ChildSchedule
        let years: [ScholarshipProgress.Year]
    }

    func scholarships(_ claim: ClaimCaseModel) async throws -> [ChildScholarship] {
        guard let eventDay = CalendarDate(iso: claim.eventDate) else { return [] }
        let event: ScholarshipSchedule.Event
        switch claim.kindValue {
        case .death: event = .deathFromAnyCause
        case .workDeath: event = .deathFromWork
        case .workAccident, .occupationalDisease:
            // Only a total permanent disability (100%) brings a scholarship.
            guard claim.disabilityPercent == 100 else { return [] }
            event = .totalPermanentDisability
        }
        let children = try await ClaimHeirModel.query(on: db).filter(\.$caseID == claim.id!).filter(\.$relation == HeirRelation.child.rawValue)
            .sort(\.$priority).sort(\.$createdAt).all().filter { $0.birthDate.flatMap(CalendarDate.init(iso:)) != nil }
        guard !children.isEmpty else { return [] }
        let input = children.map { h in
            ScholarshipSchedule.Child(name: h.name, birthDate: CalendarDate(iso: h.birthDate!)!, level: h.schoolLevel.flatMap(SchoolLevel.init(rawValue:)),
                                      yearInLevel: h.yearInLevel ?? 1, endedOn: h.endedOn.flatMap(CalendarDate.init(iso:)))
        }
        let schedules = ScholarshipSchedule.schedule(children: input, event: event, eventDay: eventDay,
                                                     membershipStart: claim.membershipStart.flatMap(CalendarDate.init(iso:))) ?? []
        let proofs = try await ClaimDocumentModel.query(on: db).filter(\.$caseID == claim.id!).filter(\.$kind == ClaimDocumentKind.enrolment.rawValue)
            .field(\.$id).field(\.$heirID).field(\.$schoolYear).all()
        let paid = try await ClaimPaymentModel.query(on: db).filter(\.$caseID == claim.id!).filter(\.$kind == "scholarship").all()
        return zip(children, schedules).map { heir, schedule in
            let p = Set(proofs.filter { $0.heirID == heir.id }.compactMap(\.schoolYear))
            let y = Set(paid.filter { $0.heirID == heir.id }.compactMap(\.schoolYear))
            return ChildScholarship(heir: heir, schedule: schedule, years: ScholarshipProgress.years(schedule, proofs: p, paid: y, today: today))
        }
    }
}
