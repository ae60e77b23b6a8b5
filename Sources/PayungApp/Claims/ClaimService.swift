import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// What a report of an event gives: the participant (a proposal id from a
/// search, or a NIK in the body, never in a URL), the kind, the day, the
/// place and a short account.
struct ClaimReportInput: Content, Sendable {
    var proposalID: UUID?
    var nik: String?
    let kind: String
    let eventDate: String
    var place: String?
    var account: String?
    var trafficAccident: Bool?
    /// A reopened case: the refused case it follows.
    var previousCaseID: UUID?
}

/// Reports, checks and moves claim cases. Every read and write is scoped:
/// a case is found only by someone who may read its participant's record.
struct ClaimService {
    let db: any Database
    let now: Date
    let today: CalendarDate

    static let maxPlace = 200
    static let maxAccount = 2_000

    /// A case the actor may read, else "not found" (never reveal that it exists).
    func readable(_ id: UUID, actor: Actor) async throws -> ClaimCaseModel {
        guard let claim = try await ClaimCaseModel.find(id, on: db), let location = claim.location,
              AccessPolicy.may(actor, .readRecord, at: location) else { throw AppError.notFound("Kasus klaim") }
        return claim
    }

    /// The participants a reporter may report for, by NIK (exact) or name
    /// (contains): participations that started (approved or later).
    func participants(matching text: String, actor: Actor, limit: Int = 20) async throws -> [ProposalModel] {
        let scopes = AccessPolicy.scopes(of: actor, for: .reportClaim)
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !scopes.isEmpty, (2...100).contains(query.count) else { return [] }
        let statuses = [ProposalStatus.approved, .registered, .active, .ended].map(\.rawValue)
        let base = ProposalModel.query(on: db).filter(.sql(unsafeRaw: "(" + ProposalQueries.scopeCondition(scopes) + ")"))
            .filter(\.$status ~~ statuses)
        let compact = query.filter { !" .-".contains($0) }
        let digits = compact.filter { $0.isASCII && $0.isNumber }
        let workers: [UUID]
        if digits.count == 16, digits.count == compact.count {
            workers = try await WorkerModel.query(on: db).filter(\.$nik == digits).all().compactMap(\.id)
        } else {
            let escaped = query.lowercased().replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "%", with: "")
                .replacingOccurrences(of: "_", with: "")
            guard escaped.count >= 2 else { return [] }
            let rows = try await db.sql.raw("""
                SELECT w.id FROM workers w JOIN proposals ON proposals.worker_id = w.id
                WHERE LOWER(w.name) LIKE \(bind: "%" + escaped + "%") AND (\(unsafeRaw: ProposalQueries.scopeCondition(scopes)))
                LIMIT 200
                """).all()
            workers = rows.compactMap { try? $0.decode(column: "id", as: UUID.self) }
        }
        guard !workers.isEmpty else { return [] }
        let found = try await base.filter(\.$workerID ~~ Array(Set(workers))).limit(500).all()
            .filter { $0.location.map { AccessPolicy.may(actor, .reportClaim, at: $0) } ?? false }
        // One line per person: their latest participation (the event day picks the program when reported).
        let starts = Dictionary(uniqueKeysWithValues: try await ProgramModel.query(on: db).filter(\.$id ~~ Array(Set(found.map(\.programID)))).all()
            .map { ($0.id!, $0.startMonth) })
        let latest = Dictionary(grouping: found, by: \.workerID).values.compactMap { list in
            list.max { (starts[$0.programID] ?? "", $0.createdAt) < (starts[$1.programID] ?? "", $1.createdAt) }
        }
        return Array(latest.sorted { (starts[$0.programID] ?? "", $0.id!.uuidString) > (starts[$1.programID] ?? "", $1.id!.uuidString) }.prefix(limit))
    }

    /// All the participations of one person the actor may report for.
    func participations(ofWorker workerID: UUID, actor: Actor) async throws -> [ProposalModel] {
        let statuses = [ProposalStatus.approved, .registered, .active, .ended].map(\.rawValue)
        return try await ProposalModel.query(on: db).filter(\.$workerID == workerID).filter(\.$status ~~ statuses).all()
            .filter { $0.location.map { AccessPolicy.may(actor, .reportClaim, at: $0) } ?? false }
    }

    /// Of a person's participations, the one whose program ran on the event day, else the given one.
    func covering(_ day: CalendarDate, among list: [ProposalModel], preferring chosen: ProposalModel) async throws -> ProposalModel {
        for p in list.sorted(by: { $0.id == chosen.id && $1.id != chosen.id }) {
            guard let program = try await ProgramModel.find(p.programID, on: db), let rules = try? await program.rules(on: db) else { continue }
            if rules.covers(day) { return p }
        }
        return chosen
    }

    /// The participation an event belongs to: the named proposal, or the
    /// person's participation (by NIK) whose program ran on the event day.
    func participation(_ input: ClaimReportInput, eventDay: CalendarDate, actor: Actor) async throws -> ProposalModel {
        let notFound = AppError(code: "claim_participant_not_found",
                                message: "Peserta tidak ditemukan di wilayah Anda. Cari dengan NIK (16 angka) atau nama peserta yang sudah disetujui.",
                                kind: .notFound)
        if let id = input.proposalID {
            guard let p = try await ProposalModel.find(id, on: db), let location = p.location,
                  AccessPolicy.may(actor, .reportClaim, at: location),
                  [.approved, .registered, .active, .ended].contains(p.statusValue) else { throw notFound }
            // A person is chosen; the event day chooses which year's participation.
            return try await covering(eventDay, among: try await participations(ofWorker: p.workerID, actor: actor), preferring: p)
        }
        guard let raw = input.nik, raw.count <= 40 else { throw notFound }
        let digits = raw.filter { $0.isASCII && $0.isNumber }
        guard digits.count == 16 else {
            throw AppError.invalid("nik_invalid", "NIK harus 16 angka.")
        }
        guard let person = try await participants(matching: digits, actor: actor).first else { throw notFound }
        return try await covering(eventDay, among: try await participations(ofWorker: person.workerID, actor: actor), preferring: person)
    }

    static func checkedText(_ text: String?, max: Int, code: String, field: String) throws -> String {
        let value = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw AppError.invalid("\(code)_required", "\(field) wajib diisi.") }
        guard value.count <= max, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" }) else {
            throw AppError.invalid("\(code)_too_long", "\(field) paling panjang \(max) karakter, tanpa karakter kendali.")
        }
        return value
    }

    static func eventDay(_ text: String, today: CalendarDate) throws -> CalendarDate {
        guard text.count == 10, let day = CalendarDate(iso: text), day.year >= 2000 else {
            throw AppError.invalid("claim_event_date_invalid", "Tanggal kejadian tidak terbaca; tulis seperti 2026-03-15.")
        }
        guard day <= today else {
            throw AppError.invalid("claim_event_date_future", "Tanggal kejadian \(day.indonesian) belum lewat.")
        }
        return day
    }

    /// Reports an event: the coverage check is made at once and stored with
    /// the case. A death reported by the agency or BPJS ends the
    /// participation now; one reported by an RT head or a kelurahan when
    /// the agency verifies it.
    func report(_ input: ClaimReportInput, actor: Actor, by auditActor: AuditActor) async throws -> ClaimCaseModel {
        guard let kind = ClaimKind(rawValue: input.kind) else {
            throw AppError.invalid("claim_kind_invalid", "Jenis kejadian: \(ClaimKind.allCases.map { "\($0.rawValue) (\($0.indonesianName))" }.joined(separator: ", ")).")
        }
        let day = try Self.eventDay(input.eventDate, today: today)
        let place = try Self.checkedText(input.place, max: Self.maxPlace, code: "claim_place", field: "Tempat kejadian")
        let account = try Self.checkedText(input.account, max: Self.maxAccount, code: "claim_account", field: "Kronologi singkat")
        let proposal = try await participation(input, eventDay: day, actor: actor)
        guard let location = proposal.location, let program = try await ProgramModel.find(proposal.programID, on: db),
              let worker = try await WorkerModel.find(proposal.workerID, on: db) else { throw AppError.notFound("Peserta") }
        if let previous = input.previousCaseID {
            guard let old = try await ClaimCaseModel.find(previous, on: db), old.workerID == proposal.workerID,
                  AccessPolicy.may(actor, .readRecord, at: location) else { throw AppError.notFound("Kasus sebelumnya") }
            try await Self.reopenable(old, on: db)
        }
        // One case per event (the same kind on the same day for the same participation) until BPJS refuses it.
        if let open = try await ClaimCaseModel.query(on: db).filter(\.$proposalID == proposal.id!).filter(\.$kind == kind.rawValue)
            .filter(\.$eventDate == day.iso).filter(\.$rejectionReason == nil).first() {
            throw AppError(code: "claim_duplicate", message: "Kejadian ini sudah dilaporkan (kasus \(open.number)).", kind: .conflict)
        }
        // One death per person: a second report (another day, or JKM beside JKK) waits for BPJS to refuse the first.
        if kind.isDeath, let dead = try await ClaimCaseModel.query(on: db).filter(\.$workerID == proposal.workerID)
            .filter(\.$kind ~~ [ClaimKind.death.rawValue, ClaimKind.workDeath.rawValue]).filter(\.$status != ClaimStatus.rejected.rawValue)
            .filter(\.$rejectionReason == nil).first() {
            throw AppError(code: "claim_death_already_reported",
                           message: "Kematian peserta ini sudah dilaporkan pada \(CalendarDate(iso: dead.eventDate)?.indonesian ?? dead.eventDate) (kasus \(dead.number)).",
                           kind: .conflict)
        }
        let check = try await ClaimCoverageCheck(db: db, today: today).check(kind: kind, program: program, proposal: proposal, worker: worker, eventDay: day)
        let reporter = try await reporterName(actor, at: location)
        let endsNow = kind.isDeath && AccessPolicy.may(actor, .manageClaims, at: location)
        let claim = ClaimCaseModel()
        claim.id = UUID()
        claim.programID = program.id!
        claim.proposalID = proposal.id!
        claim.workerID = worker.id!
        claim.villageCode = proposal.villageCode
        claim.rt = proposal.rt
        claim.rw = proposal.rw
        claim.kind = kind.rawValue
        claim.status = ClaimStatus.reported.rawValue
        claim.statusOn = today.iso
        claim.eventDate = day.iso
        claim.place = place
        claim.account = account
        claim.trafficAccident = input.trafficAccident ?? false
        claim.reportedOn = today.iso
        claim.reportedAt = now
        claim.reportedByUserID = auditActor.userID
        claim.reportedBy = auditActor.username
        claim.reporterName = reporter
        check.apply(to: claim)
        claim.previousCaseID = input.previousCaseID
        claim.participationEnded = false
        claim.updatedAt = now
        try await db.transaction { tx in
            do {
                try await claim.create(on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Two reports of one event at the same moment: the database keeps one.
                throw AppError(code: "claim_duplicate", message: "Kejadian ini, atau kematian peserta ini, baru saja dilaporkan orang lain.", kind: .conflict)
            }
            try await recordStep(claim, named: "report", from: nil, to: .reported, note: nil, by: auditActor, name: reporter, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "claim.report", entity: "claim", entityID: claim.id!.uuidString, regionCode: claim.villageCode,
                changes: ["kind": .init(old: nil, new: kind.rawValue), "event_date": .init(old: nil, new: day.iso),
                          "covered": .init(old: nil, new: check.covered ? "true" : "false")],
                note: check.reasonName), by: auditActor)
            if endsNow { try await endParticipation(claim, actor: actor, by: auditActor, on: tx) }
        }
        return claim
    }

    /// A case a new one may follow: refused by BPJS, and not followed yet.
    static func reopenable(_ old: ClaimCaseModel, on db: any Database) async throws {
        guard old.rejectionReason != nil else {
            throw AppError(code: "claim_reopen_not_rejected", message: "Hanya kasus yang ditolak BPJS yang dapat diajukan ulang sebagai kasus baru.", kind: .conflict)
        }
        if let next = try await ClaimCaseModel.query(on: db).filter(\.$previousCaseID == old.id!).first() {
            throw AppError(code: "claim_reopened_already", message: "Kasus ini sudah diajukan ulang (kasus \(next.number)).", kind: .conflict)
        }
    }

    /// Who reported, in words: the grant that lets them report here.
    func reporterName(_ actor: Actor, at location: RecordLocation) async throws -> String {
        let grant = actor.grants.first { ClaimWorkflow.reporters.contains($0.role) && $0.covers(location) } ?? actor.grants.first
        guard let grant else { return actor.username }
        let names = try await RegionQueries(db: db).names(of: [grant.region.dotted])
        return grant.actorName(regionName: names[grant.region.dotted])
    }

    func recordStep(_ claim: ClaimCaseModel, named action: String, from: ClaimStatus?, to: ClaimStatus, note: String?, by actor: AuditActor,
              name: String, on db: any Database) async throws {
        let s = ClaimStepModel()
        s.id = UUID()
        s.caseID = claim.id!
        s.action = action
        s.fromStatus = from?.rawValue
        s.toStatus = to.rawValue
        s.note = note
        s.by = actor.username
        s.byName = name
        s.at = now
        try await s.create(on: db)
    }

    /// A death ends the participation from the month after (status `ended`,
    /// reason death, on the day of death): the months planned after it are
    /// removed, a billed one becomes a credit on the next bill
    /// (`BillComposition`), the person joins the BPJS deactivation batch,
    /// and the quota slot is freed unless the program keeps it. The person's
    /// participations in later programs (a continued year) end the same day.
    func endParticipation(_ claim: ClaimCaseModel, actor: Actor, by auditActor: AuditActor, on tx: any Database) async throws {
        guard claim.kindValue.isDeath, claim.participationEnded != true, let day = CalendarDate(iso: claim.eventDate) else { return }
        let all = try await ProposalModel.query(on: tx).filter(\.$workerID == claim.workerID).all()
        let programs = Dictionary(uniqueKeysWithValues: try await ProgramModel.query(on: tx).filter(\.$id ~~ Array(Set(all.map(\.programID)))).all()
            .map { ($0.id!, $0) })
        for proposal in all {
            guard let program = programs[proposal.programID], let last = YearMonth(iso: program.endMonth) else { continue }
            // This participation, and any that runs past the day of death.
            guard proposal.id == claim.proposalID || last >= day.yearMonth else { continue }
            if proposal.statusValue.holdsQuota {
                // A death before the BPJS start (an uncovered event) still ends it, on the start day.
                let start = proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:))
                let endDate = [day, start].compactMap { $0 }.max()!
                _ = try await ProposalService(db: tx, now: now, today: today).transition(
                    proposal.id!, TransitionInput(action: ProposalAction.end.rawValue, reason: EndReason.death.rawValue,
                                                  note: "Meninggal dunia (kasus klaim \(claim.number))", endDate: endDate.iso),
                    actor: actor, by: auditActor, keepQuotaSlot: !program.deathFreesQuota)
            }
            _ = try await CoverageRun(db: tx, now: now).removePlanned(proposal: proposal.id!, after: day.yearMonth, on: tx)
        }
        claim.participationEnded = true
        claim.updatedAt = now
        try await claim.update(on: tx)
    }
}
