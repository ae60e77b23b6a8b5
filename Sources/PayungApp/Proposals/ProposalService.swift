import Fluent
import Foundation
import PayungCore
import Vapor

/// Proposals from entry to participation. Every change is one transaction
/// with its workflow event and its audit row.
struct ProposalService {
    let db: any Database
    let now: Date
    let today: CalendarDate

    // MARK: Entry

    /// Runs the entry checks without writing: the form's live check and the
    /// import preview use this too.
    func check(_ input: ProposalInput, program: ProgramModel, excluding proposalID: UUID? = nil) async throws -> [EntryIssue] {
        let rules = try await program.rules(on: db)
        var codes: [RegionCode] = []
        if let village = RegionCode(input.village) { codes.append(village) }
        if let nik = try? NIK(parsing: input.nik, today: today) {
            codes += [nik.regency, nik.district]
        }
        let knownRegions = try await RegionQueries(db: db).knownCodes(among: codes)
        let digits = (try? NIK(parsing: input.nik, today: today))?.digits
        var duplicates: [DuplicateFinding] = []
        // Records are looked up only for an address inside the program's Pemda
        // (else the entry check refuses the address and nothing is revealed).
        let insidePemda = RegionCode(input.village).map { village in RegionCode(program.regencyCode).map(village.isWithin) ?? false } ?? false
        if let digits, insidePemda {
            duplicates = try await ProposalQueries(db: db).duplicates(nik: digits, program: program, excluding: proposalID)
        }
        let names = try await OccupationModel.query(on: db).all().reduce(into: [String: String]()) { $0[$1.id!] = $1.name }
        var issues = EntryCheck.run(input.entry, rules: rules, today: today,
                                    knownRegions: knownRegions, duplicates: duplicates, occupationNames: names)
        // Phones: the worker's and the heirs', in one form or refused (PhoneNumber).
        if let phone = input.phone?.nilIfBlank, PhoneNumber(phone) == nil {
            issues.append(EntryIssue(severity: .error, code: "phone_invalid", field: "phone", message: PhoneNumber.invalidMessage))
        }
        if (input.heirs ?? []).contains(where: { $0.phone?.nilIfBlank.map { PhoneNumber($0) == nil } ?? false }) {
            issues.append(EntryIssue(severity: .error, code: "phone_invalid", field: "heirPhone",
                                     message: "Nomor telepon ahli waris tidak dikenali. Tulis seperti 0812-3456-7890."))
        }
        return issues
    }

    /// The entry checks as a proposer asks for them before saving (the API's
    /// check): only where the actor may propose, at a bounded rate per user,
    /// and a check that finds the person already in the Pemda's records
    /// leaves an audit row (it tells the caller something about a person).
    func checkForProposer(_ input: ProposalInput, actor: Actor, limiter: RateLimiter, by auditActor: AuditActor) async throws -> [EntryIssue] {
        guard let location = input.location, AccessPolicy.may(actor, .propose, at: location) else {
            throw AppError(code: "outside_scope", message: "Anda hanya dapat memeriksa warga di RT/RW dan kelurahan Anda.", kind: .forbidden)
        }
        guard let program = try await ProgramModel.find(input.programID, on: db),
              let regency = RegionCode(program.regencyCode), location.village.isWithin(regency) else {
            throw AppError.notFound("Program")
        }
        if let wait = limiter.hit(actor.userID, now: now) {
            throw RateLimited(code: "check_rate_limited",
                              message: "Terlalu banyak pemeriksaan dalam waktu singkat. Coba lagi dalam \(wait) detik.", retryAfter: wait)
        }
        let issues = try await check(input, program: program)
        let found = issues.contains { ["duplicate_in_program", "duplicate_other_program", "participant_other_pemda", "duplicate_bpjs_active"].contains($0.code) }
        if found, let nik = try? NIK(parsing: input.nik, today: today) {
            try await AuditTrail(db: db, now: now).record(AuditEntry(
                action: "proposal.check_match", entity: "worker", regionCode: location.village.dotted,
                note: "entry check matched NIK \(nik.masked) (\(issues.map(\.code).joined(separator: ", ")))"), by: auditActor)
        }
        return issues
    }

    /// Saves a proposal (draft, or submitted when asked). Errors block saving;
    /// warnings must be confirmed to submit.
    func propose(_ input: ProposalInput, actor: Actor, by auditActor: AuditActor) async throws -> (ProposalModel, [EntryIssue]) {
        guard let program = try await ProgramModel.find(input.programID, on: db) else { throw AppError.notFound("Program") }
        guard let location = input.location, AccessPolicy.may(actor, .propose, at: location) else {
            throw AppError(code: "outside_scope", message: "Anda hanya dapat mengusulkan warga di RT/RW dan kelurahan Anda.", kind: .forbidden)
        }
        let issues = try await check(input, program: program)
        let errors = issues.filter { $0.severity == .error }
        guard errors.isEmpty else { throw ProposalError.blockingIssues(errors.map(\.message)) }
        let warnings = issues.filter { $0.severity == .warning }
        let submit = input.submit ?? false
        if submit, !warnings.isEmpty, input.confirmWarnings != true {
            throw ProposalError.warningsNotConfirmed(warnings.map(\.message))
        }
        let nik = try NIK(parsing: input.nik, today: today)
        let proposal = try await db.transaction { tx in
            let worker = try await upsertWorker(input, nik: nik, program: program, on: tx)
            let proposal = ProposalModel()
            proposal.id = UUID()
            proposal.programID = program.id!
            proposal.workerID = worker.id!
            proposal.status = (submit ? ProposalStatus.submitted : .draft).rawValue
            proposal.villageCode = location.village.dotted
            proposal.rt = location.rt
            proposal.rw = location.rw
            proposal.proposedBy = UUID(uuidString: actor.userID)
            proposal.createdAt = now
            proposal.submittedAt = submit ? now : nil
            proposal.updatedAt = now
            proposal.warningsConfirmed = input.confirmWarnings ?? false
            try await proposal.create(on: tx)
            try await recordEvent(proposal, action: submit ? "submit" : "create", from: .draft,
                                  to: submit ? .submitted : .draft, note: nil, reason: nil, by: auditActor, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "proposal.create", entity: "proposal", entityID: proposal.id!.uuidString,
                regionCode: location.village.dotted,
                changes: ["status": .init(old: nil, new: proposal.status), "worker_nik": .init(old: nil, new: nik.masked),
                          "program": .init(old: nil, new: program.code)]), by: auditActor)
            return proposal
        }
        return (proposal, warnings)
    }

    /// Corrects a draft or a returned proposal (the proposer only), and
    /// submits it again when asked. The same entry checks run.
    func update(_ id: UUID, _ input: ProposalInput, actor: Actor, by auditActor: AuditActor) async throws -> (ProposalModel, [EntryIssue]) {
        let proposal = try await readable(id, actor: actor)
        let status = proposal.statusValue
        guard status == .draft || status == .returned else { throw ProposalError.notEditable(status) }
        guard AccessPolicy.may(actor, .propose, at: proposal.location!), let location = input.location,
              AccessPolicy.may(actor, .propose, at: location) else {
            throw AppError(code: "outside_scope", message: "Anda hanya dapat mengubah usulan warga di RT/RW dan kelurahan Anda.", kind: .forbidden)
        }
        guard let program = try await ProgramModel.find(proposal.programID, on: db) else { throw AppError.notFound("Program") }
        var corrected = input
        corrected.programID = program.id!
        let input = corrected
        let issues = try await check(input, program: program, excluding: id)
        let errors = issues.filter { $0.severity == .error }
        guard errors.isEmpty else { throw ProposalError.blockingIssues(errors.map(\.message)) }
        let warnings = issues.filter { $0.severity == .warning }
        if input.submit == true, !warnings.isEmpty, input.confirmWarnings != true {
            throw ProposalError.warningsNotConfirmed(warnings.map(\.message))
        }
        let nik = try NIK(parsing: input.nik, today: today)
        guard let currentWorker = try await WorkerModel.find(proposal.workerID, on: db), currentWorker.nik == nik.digits else {
            throw AppError.invalid("nik_changed", "NIK tidak dapat diganti pada usulan yang sudah ada. Buat usulan baru untuk orang lain.")
        }
        try await db.transaction { tx in
            _ = try await upsertWorker(input, nik: nik, program: program, on: tx)
            proposal.villageCode = location.village.dotted
            proposal.rt = location.rt
            proposal.rw = location.rw
            proposal.warningsConfirmed = input.confirmWarnings ?? false
            proposal.updatedAt = now
            try await proposal.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "proposal.update", entity: "proposal", entityID: id.uuidString, regionCode: location.village.dotted), by: auditActor)
        }
        if input.submit == true {
            return (try await transition(id, TransitionInput(action: ProposalAction.submit.rawValue), actor: actor, by: auditActor), warnings)
        }
        return (proposal, warnings)
    }

    /// Creates or updates the proposing Pemda's record of a NIK under
    /// `PersonRecordMerge`; changed fields go to the audit trail. Another
    /// Pemda's record of the same NIK is never read or touched.
    private func upsertWorker(_ input: ProposalInput, nik: NIK, program: ProgramModel, on tx: any Database) async throws -> WorkerModel {
        guard let pemda = RegionCode(program.regencyCode) else { throw AppError.notFound("Program") }
        let row = WorkerRow(input: input, nik: nik)
        let worker: WorkerModel
        if let existing = try await WorkerModel.query(on: tx).filter(\.$pemdaCode == pemda.dotted).filter(\.$nik == nik.digits).first() {
            worker = existing
            let changes = worker.merge(row.fields, from: .proposal)
            if !changes.isEmpty {
                worker.updatedAt = now
                try await worker.update(on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "worker.update", entity: "worker", entityID: worker.id!.uuidString,
                    regionCode: worker.villageCode ?? worker.pemdaCode, changes: AuditTrail.changes(changes)),
                    by: .init(userID: nil, username: "system", source: "proposal"))
            }
        } else {
            worker = row.newRecord(id: UUID(), pemda: pemda, at: now)
            try await worker.create(on: tx)
        }
        if let heirs = input.heirs {
            try await HeirModel.query(on: tx).filter(\.$workerID == worker.id!).delete()
            for heir in heirs where !heir.name.trimmingCharacters(in: .whitespaces).isEmpty {
                let row = HeirModel()
                row.id = UUID()
                row.workerID = worker.id!
                row.name = heir.name.trimmingCharacters(in: .whitespaces)
                row.relation = heir.relation
                row.nik = heir.nik.flatMap { try? NIK(parsing: $0, today: today).digits }
                row.phone = heir.phone?.nilIfBlank.map { PhoneNumber($0)?.digits ?? $0 }
                try await row.create(on: tx)
            }
        }
        if let children = input.children {
            try await ChildModel.query(on: tx).filter(\.$workerID == worker.id!).delete()
            for child in children where !child.name.trimmingCharacters(in: .whitespaces).isEmpty {
                let row = ChildModel()
                row.id = UUID()
                row.workerID = worker.id!
                row.name = child.name.trimmingCharacters(in: .whitespaces)
                row.birthDate = child.birthDate.flatMap(CalendarDate.init(iso:))?.iso
                row.schoolLevel = child.schoolLevel.flatMap { ["tk_sd", "smp", "sma", "pt"].contains($0) ? $0 : nil }
                try await row.create(on: tx)
            }
        }
        return worker
    }

    func recordEvent(_ proposal: ProposalModel, action: String, from: ProposalStatus, to: ProposalStatus,
                     note: String?, reason: String?, by actor: AuditActor, on tx: any Database) async throws {
        let event = ProposalEventModel()
        event.id = UUID()
        event.proposalID = proposal.id!
        event.at = now
        event.actorUserID = actor.userID
        event.actorUsername = actor.username
        event.action = action
        event.fromStatus = from.rawValue
        event.toStatus = to.rawValue
        event.note = note
        event.reason = reason
        try await event.create(on: tx)
    }
}

extension String {
    var nilIfBlank: String? {
        let trimmed = trimmedQuickly
        return trimmed.isEmpty ? nil : trimmed
    }
}
