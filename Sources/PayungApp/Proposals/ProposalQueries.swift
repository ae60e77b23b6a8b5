import Fluent
import Foundation
import PayungCore
import FluentSQL
import SQLKit

/// Database access for proposals: scope-filtered lists, duplicates, quota.
struct ProposalQueries {
    let db: any Database

    /// Open proposals of the same person in the program's Pemda, whether the
    /// person participates in another Pemda's program (that fact only), and
    /// BPJS's active list.
    func duplicates(nik: String, program: ProgramModel, excluding excluded: UUID? = nil) async throws -> [DuplicateFinding] {
        var findings: [DuplicateFinding] = []
        let records = try await WorkerModel.query(on: db).filter(\.$nik == nik).all()
        var participatesElsewhere = false
        for worker in records {
            let proposals = try await ProposalModel.query(on: db).filter(\.$workerID == worker.id!).all()
            guard worker.pemdaCode == program.regencyCode else {
                participatesElsewhere = participatesElsewhere || proposals.contains { $0.statusValue.isParticipating }
                continue
            }
            for proposal in proposals where proposal.id != excluded {
                guard let status = ProposalStatus(rawValue: proposal.status), status.isOpen else { continue }
                let name = try await ProgramModel.find(proposal.programID, on: db)?.name ?? "?"
                findings.append(proposal.programID == program.id
                                ? .sameProgram(programName: name, status: status)
                                : .otherProgram(programName: name, status: status))
            }
        }
        if participatesElsewhere { findings.append(.participantElsewhere) }
        if let active = try await BPJSActiveParticipantModel.find(nik, on: db) {
            findings.append(.bpjsActive(segment: active.segment))
        }
        return findings
    }

    /// Whether the person of `workerID` is a participant in a program of
    /// another Pemda (through that Pemda's own record of the same NIK).
    func participatesElsewhere(workerID: UUID) async throws -> Bool {
        let statuses = ProposalStatus.allCases.filter(\.isParticipating).map(\.rawValue)
        let rows = try await db.sql.raw("""
            SELECT 1 AS found FROM workers mine
            JOIN workers other ON other.nik = mine.nik AND other.pemda_code <> mine.pemda_code
            JOIN proposals p ON p.worker_id = other.id
            WHERE mine.id = \(bind: workerID) AND p.status IN (\(binds: statuses)) LIMIT 1
            """).all()
        return !rows.isEmpty
    }

    /// Realisation: everyone registered in the program, including those
    /// whose participation has since ended (registered with BPJS = a KPJ).
    func realised(programID: UUID) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await db.sql.raw("""
            SELECT COUNT(*) AS n FROM proposals WHERE program_id = \(bind: programID)
            AND (status IN ('registered', 'active') OR (status = 'ended' AND kpj IS NOT NULL))
            """).first(decoding: Count.self)?.n ?? 0
    }

    /// Proposals the actor may read, filtered by program, status and
    /// kelurahan (or kecamatan), newest first, one page at a time. Scope is
    /// applied in SQL: a region filter only narrows it.
    func list(scopes: [AccessScope], programID: UUID?, statuses: [ProposalStatus], search: ProposalSearch?,
              region: RegionCode? = nil, page: PageRequest) async throws -> Page<ProposalModel> {
        guard !scopes.isEmpty else { return Page(items: [], page: page, total: 0) }
        func query() -> QueryBuilder<ProposalModel> {
            let q = ProposalModel.query(on: db).filter(.sql(unsafeRaw: "(" + Self.scopeCondition(scopes) + ")"))
            if let programID { q.filter(\.$programID == programID) }
            if !statuses.isEmpty { q.filter(\.$status ~~ statuses.map(\.rawValue)) }
            if let region {
                q.filter(.sql(embed: "(proposals.village_code = \(bind: region.dotted) OR proposals.village_code LIKE \(bind: region.dotted + ".%"))"))
            }
            switch search {
            case .fullNIK(let nik)?:
                q.filter(.sql(embed: "proposals.worker_id IN (SELECT id FROM workers WHERE nik = \(bind: nik))"))
            case .lastDigits(let digits)?:
                q.filter(.sql(embed: "proposals.worker_id IN (SELECT id FROM workers WHERE nik LIKE \(bind: "%" + digits))"))
            case .name(let name)?:
                let pattern = "%" + name.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                q.filter(.sql(embed: "proposals.worker_id IN (SELECT id FROM workers WHERE LOWER(name) LIKE \(bind: pattern) ESCAPE '\\')"))
            case nil:
                break
            }
            return q
        }
        let total = try await query().count()
        let items = try await query().sort(\.$updatedAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.size)).all()
        return Page(items: items, page: page, total: total)
    }

    /// How many proposals wait in each status within the scopes.
    func counts(scopes: [AccessScope], programID: UUID? = nil) async throws -> [ProposalStatus: Int] {
        guard !scopes.isEmpty else { return [:] }
        struct Row: Decodable { let status: String; let n: Int }
        var select = db.sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("proposals").where(SQLRaw("(" + Self.scopeCondition(scopes) + ")"))
        if let programID { select = select.where("program_id", .equal, programID) }
        let rows = try await select.groupBy("status").all(decoding: Row.self)
        var counts: [ProposalStatus: Int] = [:]
        for row in rows { if let s = ProposalStatus(rawValue: row.status) { counts[s] = row.n } }
        return counts
    }

    /// Village scope, plus RT/RW for RT heads. Codes and RT numbers are
    /// validated digits, so inlining them is safe.
    static func scopeCondition(_ scopes: [AccessScope]) -> String {
        scopes.map { scope in
            var condition = "(proposals.village_code = '\(scope.region.dotted)' OR proposals.village_code LIKE '\(scope.region.dotted).%')"
            if let rt = scope.rt, let rw = scope.rw {
                condition = "(\(condition) AND proposals.rt = '\(rt)' AND proposals.rw = '\(rw)')"
            }
            return condition
        }.joined(separator: " OR ")
    }

    /// Takes one quota slot, atomically: two approvals of the last slot at
    /// the same moment cannot both succeed (the row update is the lock).
    /// Returns false when the quota is full. Must be the first statement of
    /// its transaction on SQLite, so the write lock is taken before any read.
    func takeQuotaSlot(programID: UUID) async throws -> Bool {
        let rows = try await db.sql.raw("""
            UPDATE programs SET approved_count = approved_count + 1
            WHERE id = \(bind: programID) AND approved_count < quota RETURNING approved_count
            """).all()
        return !rows.isEmpty
    }

    /// The first kecamatan or kelurahan quota covering `village` that is
    /// already full, if any. Run after `takeQuotaSlot` in the same
    /// transaction: that row update serialises approvals of one program, so
    /// the count cannot race.
    func fullRegionQuota(programID: UUID, village: RegionCode) async throws -> (region: String, quota: Int)? {
        let quotas = try await ProgramRegionQuotaModel.query(on: db).filter(\.$programID == programID).all()
        for q in quotas {
            guard let region = RegionCode(q.regionCode), village.isWithin(region) else { continue }
            struct Count: Decodable { let n: Int }
            let taken = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("proposals")
                .where("program_id", .equal, programID)
                .where("status", .in, ProposalStatus.allCases.filter(\.holdsQuota).map(\.rawValue))
                .where(SQLRaw("(village_code = '\(region.dotted)' OR village_code LIKE '\(region.dotted).%')"))
                .first(decoding: Count.self)?.n ?? 0
            if taken >= q.quota { return (region.dotted, q.quota) }
        }
        return nil
    }

    func releaseQuotaSlot(programID: UUID) async throws {
        try await db.sql.raw("UPDATE programs SET approved_count = approved_count - 1 WHERE id = \(bind: programID) AND approved_count > 0").run()
    }

    /// Moves a proposal from one status to another only if it is still in
    /// the expected one (two verifiers clicking at once: one wins).
    func compareAndSetStatus(_ id: UUID, from: ProposalStatus, to: ProposalStatus, now: Date) async throws -> Bool {
        let rows = try await db.sql.raw("""
            UPDATE proposals SET status = \(bind: to.rawValue), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
            """).all()
        return !rows.isEmpty
    }
}
