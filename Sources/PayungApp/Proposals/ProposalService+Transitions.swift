import Fluent
import Foundation
import PayungCore
import Vapor

extension ProposalModel {
    var location: RecordLocation? {
        RegionCode(villageCode).map { RecordLocation(village: $0, rt: rt, rw: rw) }
    }

    var statusValue: ProposalStatus { ProposalStatus(rawValue: status) ?? .draft }
}

/// The result of one row of a bulk action: each row is judged on its own.
struct BulkResultDTO: Content {
    struct Row: Content {
        let id: UUID
        let ok: Bool
        let status: String?
        let code: String?
        let message: String?
    }
    let succeeded: Int
    let failed: Int
    let results: [Row]
}

extension ProposalService {
    /// A proposal the actor may read, else "not found" (never reveal existence).
    func readable(_ id: UUID, actor: Actor) async throws -> ProposalModel {
        guard let proposal = try await ProposalModel.find(id, on: db), let location = proposal.location,
              AccessPolicy.may(actor, .readRecord, at: location) || AccessPolicy.may(actor, .propose, at: location)
        else { throw AppError.notFound("Usulan") }
        return proposal
    }

    /// Applies one workflow action, atomically with its event and audit row.
    /// `keepQuotaSlot`: a participation that ends keeps its quota slot (a
    /// program may keep a deceased participant's slot for the year; never
    /// from a client's input).
    func transition(_ id: UUID, _ input: TransitionInput, actor: Actor, by auditActor: AuditActor,
                    keepQuotaSlot: Bool = false) async throws -> ProposalModel {
        guard let action = ProposalAction(rawValue: input.action) else {
            throw AppError.invalid("action_unknown", "Aksi \"\(input.action)\" tidak dikenal. Pilihan: \(ProposalAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let proposal = try await readable(id, actor: actor)
        let from = proposal.statusValue
        let step = try ProposalWorkflow.next(from: from, action: action, actor: actor, at: proposal.location!)
        var note = input.note?.nilIfBlank
        var reason: String?
        var kpj: String?
        var startDate: CalendarDate?
        var endDate: CalendarDate?
        switch action {
        case .return:
            guard note != nil else { throw ProposalError.reasonRequired }
        case .reject:
            guard let code = input.reason, let r = RejectionReason(rawValue: code) else { throw ProposalError.rejectionReasonRequired }
            // "Alasan lain" says nothing to the RT head: the words are required.
            if r == .other, note == nil {
                throw AppError.invalid("rejection_reason_text_required",
                                       "Untuk \"Alasan lain\", tuliskan alasannya agar Ketua RT mengerti mengapa usulan ditolak.")
            }
            reason = r.rawValue
        case .end:
            guard let code = input.reason, let r = EndReason(rawValue: code) else {
                throw AppError.invalid("end_reason_required", "Pilih alasan berakhirnya kepesertaan: \(EndReason.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            reason = r.rawValue
            endDate = try Self.endDate(input.endDate, proposal: proposal, today: CalendarDate(now))
        case .register:
            kpj = try KPJ(parsing: input.kpj ?? "").digits
            guard let date = input.startDate.flatMap(CalendarDate.init(iso:)) else {
                throw AppError.invalid("start_date_invalid", "Tanggal mulai kepesertaan BPJS wajib diisi (YYYY-MM-DD).")
            }
            startDate = date
        default:
            break
        }
        let program = try await ProgramModel.find(proposal.programID, on: db)
        if action == .approve, let program {
            let required = RequiredDocuments(rawValue: program.requiredDocuments) ?? .none
            let present = Set(try await WorkerDocumentModel.query(on: db).filter(\.$workerID == proposal.workerID)
                .field(\.$id).field(\.$kind).all().map(\.kind))
            let missing = required.missing(present: present)
            if !missing.isEmpty {
                let names = missing.map { WorkerDocument.kinds[$0] ?? $0 }.joined(separator: " dan ")
                guard input.confirmMissingDocuments == true else {
                    throw AppError(code: "documents_missing",
                                   message: "Program ini mewajibkan \(required.indonesianName); belum ada \(names). Minta Ketua RT mengunggahnya, atau setujui dengan konfirmasi.",
                                   kind: .conflict)
                }
                note = ["Disetujui tanpa \(names)", note].compactMap { $0 }.joined(separator: ". ")
            }
        }
        if let startDate, let program, let rules = try? await program.rules(on: db), !rules.covers(startDate) {
            throw AppError.invalid("start_date_outside_period",
                                   "Tanggal mulai kepesertaan \(startDate.indonesian) di luar periode program (\(rules.periodText)).")
        }
        let (finalReason, finalKPJ, finalStart, finalNote, finalEnd) = (reason, kpj, startDate, note, endDate)
        return try await db.transaction { tx in
            let reason = finalReason, kpj = finalKPJ, startDate = finalStart, note = finalNote, endDate = finalEnd
            let queries = ProposalQueries(db: tx)
            if step.to.holdsQuota, !from.holdsQuota {
                guard try await queries.takeQuotaSlot(programID: proposal.programID) else {
                    throw ProposalError.quotaExhausted(quota: program?.quota ?? 0)
                }
                if let full = try await queries.fullRegionQuota(programID: proposal.programID, village: proposal.location!.village) {
                    throw ProposalError.regionQuotaExhausted(region: full.region, quota: full.quota)
                }
                // Another Pemda may have taken the person since the proposal was checked.
                if try await queries.participatesElsewhere(workerID: proposal.workerID) {
                    throw AppError(code: "participant_other_pemda",
                                   message: "NIK ini sudah menjadi peserta program Pemda lain; usulan tidak dapat disetujui.", kind: .conflict)
                }
            }
            guard try await queries.compareAndSetStatus(id, from: from, to: step.to, now: now) else {
                throw ProposalError.illegalTransition(from: from, action: action)
            }
            if from.holdsQuota, !step.to.holdsQuota, !keepQuotaSlot {
                try await queries.releaseQuotaSlot(programID: proposal.programID)
            }
            let fresh = try await ProposalModel.find(id, on: tx)!
            if action == .submit { fresh.submittedAt = now }
            if action == .reject { fresh.rejectionReason = reason }
            if action == .end {
                fresh.endReason = reason
                fresh.endedOn = endDate?.iso
            }
            if action == .register, let kpj, let startDate {
                // A KPJ belongs to one person, and a person keeps one KPJ.
                guard let worker = try await WorkerModel.find(proposal.workerID, on: tx) else { throw AppError.notFound("Pekerja") }
                do {
                    try await BPJSMembershipQueries(db: tx).record(nik: worker.nik, kpj: kpj, start: startDate, now: now)
                } catch MembershipError.kpjHeldByAnother {
                    throw try await kpjTaken(kpj, actor: actor, on: tx)
                }
                fresh.kpj = kpj
                fresh.bpjsStartDate = startDate.iso
            }
            if note != nil { fresh.lastNote = note }
            try await fresh.update(on: tx)
            try await recordEvent(fresh, action: action.rawValue, from: from, to: step.to, note: note, reason: reason,
                                  by: auditActor, on: tx)
            var changes: [String: FieldChange] = ["status": .init(old: from.rawValue, new: step.to.rawValue)]
            if let reason { changes["reason"] = .init(old: nil, new: reason) }
            if let kpj { changes["kpj"] = .init(old: proposal.kpj, new: kpj) }
            if let endDate { changes["ended_on"] = .init(old: nil, new: endDate.iso) }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "proposal.\(action.rawValue)", entity: "proposal", entityID: id.uuidString,
                regionCode: proposal.villageCode, changes: changes, note: note), by: auditActor)
            return fresh
        }
    }

    /// "KPJ held by another": naming the holder (name, masked NIK) only to an
    /// actor who may read one of the holder's records.
    /// The day participation ended, as given (today when left out): never
    /// in the future, never before the BPJS membership began.
    static func endDate(_ text: String?, proposal: ProposalModel, today: CalendarDate) throws -> CalendarDate {
        guard let text = text?.nilIfBlank else { return today }
        guard let date = CalendarDate(iso: String(text.prefix(10))), text.count <= 10 else {
            throw AppError.invalid("end_date_invalid", "Tanggal berakhir tidak terbaca; tulis seperti 2026-03-15.")
        }
        guard date <= today else {
            throw AppError.invalid("end_date_future", "Tanggal berakhir \(date.indonesian) belum lewat; kepesertaan diakhiri pada hari yang sudah terjadi.")
        }
        if let start = proposal.bpjsStartDate.flatMap(CalendarDate.init(iso:)), date < start {
            throw AppError.invalid("end_date_before_start",
                                   "Tanggal berakhir \(date.indonesian) sebelum kepesertaan BPJS dimulai (\(start.indonesian)).")
        }
        return date
    }

    private func kpjTaken(_ kpj: String, actor: Actor, on db: any Database) async throws -> AppError {
        let generic = MembershipError.kpjHeldByAnother
        guard let nik = try await BPJSMembershipQueries(db: db).holder(kpj: kpj) else {
            return AppError(code: generic.code, message: generic.message, kind: .conflict)
        }
        for worker in try await WorkerModel.query(on: db).filter(\.$nik == nik).all() {
            let proposals = try await ProposalModel.query(on: db).filter(\.$workerID == worker.id!).all()
            if proposals.contains(where: { $0.location.map { AccessPolicy.may(actor, .readRecord, at: $0) } ?? false }) {
                return AppError(code: generic.code, message: "Nomor KPJ \(kpj) sudah tercatat untuk \(worker.name) (NIK \(NIK.mask(nik))). Periksa kembali nomor KPJ dari BPJS.",
                                kind: .conflict)
            }
        }
        return AppError(code: generic.code, message: generic.message, kind: .conflict)
    }

    /// The same action on many proposals, each judged on its own.
    func bulk(_ input: BulkTransitionInput, actor: Actor, by auditActor: AuditActor) async throws -> BulkResultDTO {
        guard ProposalAction(rawValue: input.action) != nil else {
            throw AppError.invalid("action_unknown", "Aksi \"\(input.action.prefix(30))\" tidak dikenal. Pilihan: \(ProposalAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard !input.ids.isEmpty else { throw AppError.invalid("bulk_ids_missing", "Pilih minimal satu usulan.") }
        var rows: [BulkResultDTO.Row] = []
        for id in input.ids {
            do {
                let p = try await transition(id, TransitionInput(action: input.action, reason: input.reason, note: input.note),
                                             actor: actor, by: auditActor)
                rows.append(.init(id: id, ok: true, status: p.status, code: nil, message: nil))
            } catch {
                let presented = PresentedError(error)
                rows.append(.init(id: id, ok: false, status: nil, code: presented.code, message: presented.message))
            }
        }
        return BulkResultDTO(succeeded: rows.filter(\.ok).count, failed: rows.filter { !$0.ok }.count, results: rows)
    }

    /// The waitlist of a program within the actor's approval scope, best first.
    func waitlist(programID: UUID, actor: Actor) async throws -> [ProposalModel] {
        guard let program = try await ProgramModel.find(programID, on: db) else { throw AppError.notFound("Program") }
        let scopes = AccessPolicy.scopes(of: actor, for: .approve)
        let waiting = try await ProposalQueries(db: db).list(scopes: scopes, programID: programID, statuses: [.verifiedKecamatan],
                                                             search: nil, page: PageRequest(number: 1, size: 100_000)).items
        let workers = try await WorkerModel.query(on: db).filter(\.$id ~~ waiting.map(\.workerID)).all()
        let byID = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0) })
        let risks = try await OccupationModel.query(on: db).all().reduce(into: [String: RiskClass]()) {
            $0[$1.id!] = RiskClass(rawValue: $1.risk) ?? .medium
        }
        let candidates = waiting.map { p in
            let w = byID[p.workerID]
            return WaitlistCandidate(id: p.id!.uuidString, decile: w?.welfareDecile, hasDisability: w?.disability != nil,
                                     risk: w?.occupationCode.flatMap { risks[$0] } ?? .medium,
                                     proposedAt: (p.submittedAt ?? p.createdAt).timeIntervalSince1970)
        }
        let order = Waitlist.rank(candidates, by: program.waitlistCriteria).map(\.id)
        let byProposal = Dictionary(uniqueKeysWithValues: waiting.map { ($0.id!.uuidString, $0) })
        return order.compactMap { byProposal[$0] }
    }

    /// The most approvals one "approve next N" takes (each is its own transaction).
    static let maxApproveNext = 1_000

    /// Approves the first `count` of the waitlist, stopping when the quota is full.
    func approveNext(_ count: Int, programID: UUID, actor: Actor, by auditActor: AuditActor) async throws -> BulkResultDTO {
        guard (1...Self.maxApproveNext).contains(count) else {
            throw AppError.invalid("approve_count_invalid", "Jumlah yang disetujui sekaligus harus 1 sampai \(Self.maxApproveNext).")
        }
        let ranked = try await waitlist(programID: programID, actor: actor).prefix(count)
        var rows: [BulkResultDTO.Row] = []
        for proposal in ranked {
            do {
                let p = try await transition(proposal.id!, TransitionInput(action: ProposalAction.approve.rawValue), actor: actor, by: auditActor)
                rows.append(.init(id: p.id!, ok: true, status: p.status, code: nil, message: nil))
            } catch let error as any DomainError {
                rows.append(.init(id: proposal.id!, ok: false, status: nil, code: error.code, message: error.message))
                // The program is full: nobody further down can be approved either.
                if error.code == "quota_exhausted" { break }
            }
        }
        return BulkResultDTO(succeeded: rows.filter(\.ok).count, failed: rows.filter { !$0.ok }.count, results: rows)
    }
}
