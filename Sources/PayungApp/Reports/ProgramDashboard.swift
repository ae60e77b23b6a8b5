import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A program's figures on one page (issue 15, first part): target against
/// realisation overall and by kecamatan, who the participants are, the
/// proposal funnel, why participations ended and proposals were refused,
/// and what BPJS paid families against what the program paid BPJS. Live:
/// read from today's rows (the monthly close is still to come).
struct ProgramDashboard: Content {
    struct Row: Content {
        let key: String
        let name: String
        /// Left out when suppressed (a viewer without access to records sees no count under 5).
        let count: Int?
        var target: Int? = nil
        var percent: String? = nil
    }

    let programID: UUID
    let name: String
    let live: Bool
    let asOf: String
    let quota: Int
    let participants: Int
    let realisation: String?
    let byDistrict: [Row]
    let byOccupation: [Row]
    let bySex: [Row]
    let byAge: [Row]
    let byDisability: [Row]
    let funnel: [Row]
    let ended: [Row]
    let rejected: [Row]
    let premiumsPaid: Int64
    let benefitsPaid: Int64
    let benefitRatio: String?
    let claimsPaid: Int
    let suppressedBelow: Int?
}

struct ProgramDashboardQueries {
    let db: any Database

    struct Person: Decodable {
        let status: String
        let village_code: String
        let occupation: String?
        let sex: String?
        let birth_date: String?
        let disability: String?
        let end_reason: String?
        let rejection_reason: String?
    }

    func dashboard(_ program: ProgramModel, today: CalendarDate, suppress: Bool) async throws -> ProgramDashboard {
        let people = try await db.sql.raw("""
            SELECT p.status, p.village_code, w.occupation_code AS occupation, w.sex, w.birth_date, w.disability, p.end_reason, p.rejection_reason
            FROM proposals p JOIN workers w ON w.id = p.worker_id WHERE p.program_id = \(bind: program.id!)
            """).all(decoding: Person.self)
        let covered = people.filter { [ProposalStatus.registered.rawValue, ProposalStatus.active.rawValue].contains($0.status) }
        let districts = Dictionary(grouping: covered, by: { RegionCode($0.village_code)?.ancestor(at: .district)?.dotted ?? "?" })
        let quotas = Dictionary(try await ProgramRegionQuotaModel.query(on: db).filter(\.$programID == program.id!).all()
            .map { ($0.regionCode, $0.quota) }, uniquingKeysWith: { a, _ in a })
        let names = try await RegionQueries(db: db).names(of: Array(Set(districts.keys).union(quotas.keys)))
        let occupations = Dictionary(uniqueKeysWithValues: try await OccupationModel.query(on: db).all().map { ($0.id!, $0.name) })

        func rows(_ groups: [String: Int], name: (String) -> String, order: [String]? = nil) -> [ProgramDashboard.Row] {
            let keys = order.map { $0.filter { groups[$0] != nil } } ?? groups.keys.sorted { (groups[$1]!, $0) < (groups[$0]!, $1) }
            let list = keys.map { ProgramDashboard.Row(key: $0, name: name($0), count: groups[$0]!) }
            guard suppress else { return list }
            let hidden = SmallCounts.hidden(list.map { $0.count ?? 0 })
            return list.enumerated().map { i, r in hidden.contains(i) ? .init(key: r.key, name: r.name, count: nil) : r }
        }
        func count<T>(_ list: [T], by key: (T) -> String?) -> [String: Int] {
            var out: [String: Int] = [:]
            for item in list { if let k = key(item) { out[k, default: 0] += 1 } }
            return out
        }
        var byDistrict = rows(districts.mapValues(\.count), name: { names[$0].map { "Kecamatan \($0)" } ?? $0 })
        byDistrict = byDistrict.map { r in
            var r = r
            r.target = quotas[r.key]
            if let target = r.target, let n = r.count { r.percent = ProgramFigures.percent(n, of: target) }
            return r
        }
        var statusCounts: [ProposalStatus: Int] = [:]
        for p in people { if let s = ProposalStatus(rawValue: p.status) { statusCounts[s, default: 0] += 1 } }
        let funnel = ProgramFigures.funnel(statusCounts)
        struct Sum: Decodable { let total: Int64?; let n: Int? }
        let premiums = try await db.sql.raw("SELECT CAST(SUM(amount) AS BIGINT) AS total, COUNT(*) AS n FROM payments WHERE program_id = \(bind: program.id!)")
            .first(decoding: Sum.self)?.total ?? 0
        let claims = try await db.sql.raw("""
            SELECT CAST(SUM(paid_amount) AS BIGINT) AS total, COUNT(paid_amount) AS n FROM claim_cases WHERE program_id = \(bind: program.id!) AND paid_amount IS NOT NULL
            """).first(decoding: Sum.self)
        let extras = try await db.sql.raw("""
            SELECT CAST(SUM(x.amount) AS BIGINT) AS total, COUNT(*) AS n FROM claim_payments x JOIN claim_cases c ON c.id = x.case_id
            WHERE c.program_id = \(bind: program.id!)
            """).first(decoding: Sum.self)?.total ?? 0
        let benefits = (claims?.total ?? 0) + extras
        let ratio = ProgramFigures.BenefitRatio(premiumsPaid: premiums, benefitsPaid: benefits)
        let claimsPaid = claims?.n ?? 0
        return ProgramDashboard(
            programID: program.id!, name: program.name, live: true, asOf: today.iso, quota: program.quota, participants: covered.count,
            realisation: ProgramFigures.percent(covered.count, of: program.quota),
            byDistrict: byDistrict,
            byOccupation: rows(count(covered) { $0.occupation }, name: { occupations[$0] ?? $0 }),
            bySex: rows(count(covered) { $0.sex }, name: { Sex(rawValue: $0)?.indonesianName ?? $0 }, order: Sex.allCases.map(\.rawValue)),
            byAge: rows(count(covered) { p in p.birth_date.flatMap(CalendarDate.init(iso:)).map { ProgramFigures.AgeBand.of(birth: $0, on: today).rawValue } },
                        name: { ProgramFigures.AgeBand(rawValue: $0)?.indonesianName ?? $0 }, order: ProgramFigures.AgeBand.allCases.map(\.rawValue)),
            byDisability: rows(count(covered) { ($0.disability?.isEmpty == false) ? "yes" : "no" },
                               name: { $0 == "yes" ? "Penyandang disabilitas" : "Bukan penyandang disabilitas" }, order: ["yes", "no"]),
            funnel: funnel.map { ProgramDashboard.Row(key: $0.step.rawValue, name: $0.step.indonesianName, count: $0.count) },
            ended: rows(count(people.filter { $0.status == ProposalStatus.ended.rawValue }) { $0.end_reason ?? "unknown" },
                        name: { EndReason(rawValue: $0)?.indonesianName ?? "Tanpa alasan tercatat" }),
            rejected: rows(count(people.filter { $0.status == ProposalStatus.rejected.rawValue }) { $0.rejection_reason ?? "unknown" },
                           name: { RejectionReason(rawValue: $0)?.indonesianName ?? "Tanpa alasan tercatat" }),
            premiumsPaid: premiums, benefitsPaid: suppress && claimsPaid > 0 && claimsPaid < SmallCounts.threshold ? 0 : benefits,
            benefitRatio: suppress && claimsPaid > 0 && claimsPaid < SmallCounts.threshold ? nil : ratio.percent,
            claimsPaid: suppress && claimsPaid < SmallCounts.threshold ? 0 : claimsPaid,
            suppressedBelow: suppress ? SmallCounts.threshold : nil)
    }
}
