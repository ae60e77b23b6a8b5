import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// What a step of a case may carry: BPJS's claim number and decision, the
/// payment and to whom, a refusal's reason, a note.
struct ClaimStepInput: Content, Sendable {
    let action: String
    var note: String?
    var bpjsClaimNumber: String?
    /// For `reject`: why BPJS refused.
    var reason: String?
    /// For `approve`: the amount BPJS approved (whole rupiah); the calculated benefit when left out.
    var approvedAmount: Int64?
    /// For `approve` of a work accident: BPJS's figures.
    var disabilityPercent: Int?
    var incapacityMonths: Int?
    /// For `pay`.
    var paidOn: String?
    var amount: Int64?
    var heirID: UUID?
    var bank: String?
    var account: String?
    var accountHolder: String?
}

/// An heir as given by a form or the API.
struct ClaimHeirInput: Content, Sendable {
    let name: String
    let relation: String
    var priority: Int?
    var sharePercent: Int?
    var birthDate: String?
    var schoolLevel: String?
    var yearInLevel: Int?
    var endedOn: String?
    var bank: String?
    var account: String?
    var accountHolder: String?
}

extension ClaimService {
    /// Moves a case one step (`ClaimWorkflow`), checked on the server: the
    /// role, the status, and what the step needs (complete documents before
    /// "documents complete", heirs before verification, BPJS's claim number
    /// to approve, a reason to refuse, an approval before a payment).
    func transition(_ id: UUID, _ input: ClaimStepInput, actor: Actor, by auditActor: AuditActor) async throws -> ClaimCaseModel {
        guard let action = ClaimAction(rawValue: input.action) else {
            throw AppError.invalid("claim_action_unknown", "Aksi \"\(input.action.prefix(30))\" tidak dikenal. Pilihan: \(ClaimAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let claim = try await readable(id, actor: actor)
        let from = claim.statusValue
        let step = try ClaimWorkflow.next(from: from, action: action, actor: actor, at: claim.location!)
        let note = try input.note.map { try Self.checkedText($0, max: 1_000, code: "claim_note", field: "Catatan") }.flatMap { $0.isEmpty ? nil : $0 }
        var changes: [String: FieldChange] = ["status": .init(old: from.rawValue, new: step.to.rawValue)]
        switch action {
        case .completeDocuments:
            let present = Set(try await ClaimDocumentModel.query(on: db).filter(\.$caseID == id).all().compactMap { ClaimDocumentKind(rawValue: $0.kind) })
            let missing = ClaimDocuments.missing(for: claim.kindValue, trafficAccident: claim.trafficAccident, present: present)
            guard missing.isEmpty else {
                throw AppError(code: "claim_documents_missing",
                               message: "Dokumen belum lengkap: \(missing.map { ClaimDocuments.name($0, for: claim.kindValue) }.joined(separator: ", ")).",
                               kind: .conflict)
            }
        case .verify:
            if claim.kindValue.isDeath {
                let heirs = try await ClaimHeirModel.query(on: db).filter(\.$caseID == id).all()
                guard !heirs.isEmpty else {
                    throw AppError(code: "claim_heirs_missing", message: "Catat ahli waris (hubungan, urutan, bagian) sebelum verifikasi.", kind: .conflict)
                }
                let total = heirs.reduce(0) { $0 + $1.sharePercent }
                guard total == 100 else {
                    throw AppError(code: "claim_heir_shares_invalid", message: "Bagian ahli waris harus berjumlah 100%; sekarang \(total)%.", kind: .conflict)
                }
            }
        case .approve:
            claim.bpjsClaimNumber = try Self.claimNumber(input.bpjsClaimNumber)
            if let p = input.disabilityPercent {
                guard (1...100).contains(p) else { throw AppError.invalid("disability_percent_invalid", "Persentase cacat harus 1 sampai 100.") }
                claim.disabilityPercent = p
            }
            if let m = input.incapacityMonths {
                guard (0...120).contains(m) else { throw AppError.invalid("incapacity_months_invalid", "Lama tidak mampu bekerja harus 0 sampai 120 bulan.") }
                claim.incapacityMonths = m
            }
            if let amount = input.approvedAmount {
                guard (1...Self.maxBenefit).contains(amount) else { throw Self.amountInvalid }
                claim.approvedAmount = amount
            } else if let computed = ClaimBenefit.of(claim)?.total.amount {
                claim.approvedAmount = computed
            } else {
                throw AppError.invalid("claim_approved_amount_required",
                                       "Isi jumlah yang disetujui BPJS, atau lama tidak mampu bekerja dan persentase cacat untuk menghitungnya.")
            }
            changes["bpjs_claim_number"] = .init(old: nil, new: claim.bpjsClaimNumber)
        case .reject:
            claim.rejectionReason = try Self.checkedText(input.reason, max: 500, code: "claim_rejection_reason", field: "Alasan penolakan BPJS")
            if let number = input.bpjsClaimNumber?.nilIfBlank { claim.bpjsClaimNumber = try Self.claimNumber(number) }
            changes["reason"] = .init(old: nil, new: claim.rejectionReason)
        case .pay:
            try await pay(claim, input)
            changes["paid_amount"] = .init(old: nil, new: claim.paidAmount.map(String.init))
            changes["paid_on"] = .init(old: nil, new: claim.paidOn)
        case .submit, .close:
            break
        }
        let name = try await reporterName(actor, at: claim.location!)
        claim.status = step.to.rawValue
        claim.statusOn = today.iso
        claim.updatedAt = now
        let previous = from.rawValue, finalChanges = changes
        try await db.transaction { tx in
            // Compare-and-set: two clicks on the same step cannot both land.
            let moved = try await tx.sql.raw("""
                UPDATE claim_cases SET status = \(bind: step.to.rawValue) WHERE id = \(bind: id) AND status = \(bind: previous) RETURNING id
                """).all()
            guard !moved.isEmpty else { throw ClaimError.illegalTransition(from: from, action: action) }
            try await claim.update(on: tx)
            try await recordStep(claim, named: action.rawValue, from: from, to: step.to, note: note ?? claim.rejectionReason.flatMap { action == .reject ? $0 : nil },
                           by: auditActor, name: name, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "claim.\(action.rawValue)", entity: "claim", entityID: id.uuidString, regionCode: claim.villageCode,
                changes: finalChanges, note: note), by: auditActor)
            // A death reported from an RT or a kelurahan ends the participation when the agency verifies it.
            if action == .verify { try await endParticipation(claim, actor: actor, by: auditActor, on: tx) }
        }
        return claim
    }

    /// Takes the case's row for the rest of the transaction (a row lock on
    /// PostgreSQL, the write lock on SQLite): what is counted next stays true.
    static func lock(_ id: UUID, now: Date, on tx: any Database) async throws {
        try await tx.sql.raw("UPDATE claim_cases SET updated_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    /// A benefit above this is a typing error (JKK death at the highest income basis stays far below).
    static let maxBenefit: Int64 = 10_000_000_000
    static let amountInvalid = AppError.invalid("claim_amount_invalid", "Jumlah dalam rupiah penuh, 1 sampai Rp10.000.000.000.")

    static func claimNumber(_ text: String?) throws -> String {
        let value = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            throw AppError.invalid("claim_number_required", "Nomor klaim BPJS wajib diisi untuk keputusan dan pembayaran BPJS.")
        }
        guard value.count <= 40, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-/.".contains($0)) }) else {
            throw AppError.invalid("claim_number_invalid", "Nomor klaim BPJS: huruf, angka, tanda - / . saja, paling panjang 40.")
        }
        return value
    }

    /// The payment by BPJS: the day, the amount and the heir; the heir's
    /// bank account is copied onto the case as it was that day.
    private func pay(_ claim: ClaimCaseModel, _ input: ClaimStepInput) async throws {
        guard let text = input.paidOn, text.count == 10, let day = CalendarDate(iso: text) else {
            throw AppError.invalid("claim_paid_on_invalid", "Tanggal pembayaran BPJS tidak terbaca; tulis seperti 2026-03-15.")
        }
        guard day <= today else { throw AppError.invalid("claim_paid_on_future", "Tanggal pembayaran \(day.indonesian) belum lewat.") }
        if let event = CalendarDate(iso: claim.eventDate), day < event {
            throw AppError.invalid("claim_paid_on_before_event", "Tanggal pembayaran \(day.indonesian) sebelum kejadian (\(event.indonesian)).")
        }
        guard let amount = input.amount ?? claim.approvedAmount, (1...Self.maxBenefit).contains(amount) else { throw Self.amountInvalid }
        var bank = input.bank?.nilIfBlank, account = input.account?.nilIfBlank, holder = input.accountHolder?.nilIfBlank
        if let heirID = input.heirID {
            guard let heir = try await ClaimHeirModel.find(heirID, on: db), heir.caseID == claim.id else { throw AppError.notFound("Ahli waris") }
            claim.paidHeirID = heirID
            bank = bank ?? heir.bank
            account = account ?? heir.account
            holder = holder ?? heir.accountHolder ?? heir.name
        } else if claim.kindValue.isDeath {
            throw AppError.invalid("claim_heir_required", "Pilih ahli waris yang menerima pembayaran.")
        }
        guard let bank, let account else {
            throw AppError.invalid("claim_bank_account_required", "Rekening penerima (bank dan nomor rekening) wajib ada; lengkapi data ahli waris.")
        }
        claim.paidBank = try Self.checkedText(bank, max: 60, code: "claim_bank", field: "Nama bank")
        claim.paidAccount = try Self.checkedText(account, max: 40, code: "claim_account_number", field: "Nomor rekening")
        claim.paidAccountHolder = try holder.map { try Self.checkedText($0, max: 120, code: "claim_account_holder", field: "Nama pemilik rekening") }
        claim.paidOn = day.iso
        claim.paidAmount = amount
    }

    /// Heirs and documents are brought while the case is assembled: by the
    /// reporter's roles until the agency verifies it, by the agency and BPJS
    /// until it is closed.
    func assemblable(_ id: UUID, actor: Actor) async throws -> ClaimCaseModel {
        let claim = try await readable(id, actor: actor)
        let location = claim.location!
        let agency = AccessPolicy.may(actor, .manageClaims, at: location)
        let reporter = AccessPolicy.may(actor, .reportClaim, at: location)
        guard agency || reporter else { throw AccessError.forbidden }
        guard claim.statusValue != .closed else {
            throw AppError(code: "claim_closed", message: "Kasus sudah ditutup; tidak dapat diubah.", kind: .conflict)
        }
        if !agency, ![.reported, .documentsComplete].contains(claim.statusValue) {
            throw AppError(code: "claim_assembled", message: "Kasus sudah diverifikasi dinas; perubahan lewat operator dinas.", kind: .conflict)
        }
        return claim
    }

    func addHeir(_ id: UUID, _ input: ClaimHeirInput, actor: Actor, by auditActor: AuditActor) async throws -> ClaimHeirModel {
        let claim = try await assemblable(id, actor: actor)
        let count = try await ClaimHeirModel.query(on: db).filter(\.$caseID == id).count()
        let heir = ClaimHeirModel()
        heir.id = UUID()
        heir.caseID = id
        heir.name = try Self.checkedText(input.name, max: 120, code: "heir_name", field: "Nama ahli waris")
        guard let relation = HeirRelation(rawValue: input.relation) else {
            throw AppError.invalid("heir_relation_invalid", "Hubungan: \(HeirRelation.allCases.map { "\($0.rawValue) (\($0.indonesianName))" }.joined(separator: ", ")).")
        }
        heir.relation = relation.rawValue
        let priority = input.priority ?? count + 1
        guard (1...20).contains(priority) else { throw AppError.invalid("heir_priority_invalid", "Urutan ahli waris 1 sampai 20.") }
        heir.priority = priority
        let share = input.sharePercent ?? (count == 0 ? 100 : 0)
        guard (0...100).contains(share) else { throw AppError.invalid("heir_share_invalid", "Bagian ahli waris 0 sampai 100 persen.") }
        heir.sharePercent = share
        func day(_ text: String?, _ code: String, _ field: String) throws -> String? {
            guard let text = text?.nilIfBlank else { return nil }
            guard text.count == 10, let d = CalendarDate(iso: text), d.year >= 1900, d <= today else {
                throw AppError.invalid(code, "\(field) tidak terbaca atau belum lewat; tulis seperti 2015-07-01.")
            }
            return d.iso
        }
        heir.birthDate = try day(input.birthDate, "heir_birth_date_invalid", "Tanggal lahir")
        heir.endedOn = try day(input.endedOn, "heir_ended_on_invalid", "Tanggal menikah/bekerja")
        if let level = input.schoolLevel?.nilIfBlank {
            guard SchoolLevel(rawValue: level) != nil else {
                throw AppError.invalid("heir_school_level_invalid", "Jenjang: \(SchoolLevel.allCases.map { "\($0.rawValue) (\($0.indonesianName))" }.joined(separator: ", ")).")
            }
            heir.schoolLevel = level
        }
        if let y = input.yearInLevel {
            guard (1...8).contains(y) else { throw AppError.invalid("heir_year_in_level_invalid", "Kelas/tahun ke- di jenjang itu: 1 sampai 8.") }
            heir.yearInLevel = y
        }
        if relation == .child, heir.birthDate == nil {
            throw AppError.invalid("heir_birth_date_required", "Tanggal lahir anak wajib diisi (untuk beasiswa).")
        }
        if let born = heir.birthDate, let ended = heir.endedOn, ended < born {
            throw AppError.invalid("heir_ended_on_invalid", "Tanggal menikah/bekerja sebelum tanggal lahir.")
        }
        heir.bank = try input.bank?.nilIfBlank.map { try Self.checkedText($0, max: 60, code: "heir_bank", field: "Nama bank") }
        heir.account = try input.account?.nilIfBlank.map { acc in
            guard acc.count <= 40, acc.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "-" || $0 == " " }) else {
                throw AppError.invalid("heir_account_invalid", "Nomor rekening: angka saja, paling panjang 40.")
            }
            return acc
        }
        heir.accountHolder = try input.accountHolder?.nilIfBlank.map { try Self.checkedText($0, max: 120, code: "heir_account_holder", field: "Nama pemilik rekening") }
        heir.createdAt = now
        heir.createdBy = auditActor.username
        try await db.transaction { tx in
            // The case's row first: one heir at a time per case, so the count and the shares hold under a race.
            try await Self.lock(id, now: now, on: tx)
            let heirs = try await ClaimHeirModel.query(on: tx).filter(\.$caseID == id).all()
            guard heirs.count < 20 else { throw AppError(code: "claim_heirs_too_many", message: "Paling banyak 20 ahli waris per kasus.", kind: .conflict) }
            let total = heirs.reduce(0) { $0 + $1.sharePercent } + share
            guard total <= 100 else {
                throw AppError(code: "claim_heir_shares_invalid",
                               message: "Bagian ahli waris menjadi \(total)%; jumlahnya paling banyak 100%.", kind: .conflict)
            }
            try await heir.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "claim.heir_add", entity: "claim", entityID: id.uuidString, regionCode: claim.villageCode,
                changes: ["relation": .init(old: nil, new: relation.rawValue), "share_percent": .init(old: nil, new: String(share))]), by: auditActor)
        }
        return heir
    }

    /// A case document: PDF or image by its first bytes, 5 MB at most.
    func attach(_ data: Data, kind rawKind: String, name: String?, heirID: UUID?, schoolYear: Int?, to id: UUID, actor: Actor,
                by auditActor: AuditActor) async throws -> ClaimDocumentModel {
        _ = try await readable(id, actor: actor)
        guard let kind = ClaimDocumentKind(rawValue: rawKind) else {
            throw AppError.invalid("claim_document_kind_invalid", "Jenis dokumen: \(ClaimDocumentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        // Proof of enrolment comes year after year, after the case is closed too.
        let claim = kind == .enrolment ? try await readable(id, actor: actor) : try await assemblable(id, actor: actor)
        if kind == .enrolment {
            let location = claim.location!
            guard AccessPolicy.may(actor, .manageClaims, at: location) || AccessPolicy.may(actor, .reportClaim, at: location) else {
                throw AccessError.forbidden
            }
            guard let heirID, let heir = try await ClaimHeirModel.find(heirID, on: db), heir.caseID == id, heir.relation == HeirRelation.child.rawValue else {
                throw AppError.invalid("claim_enrolment_child_required", "Pilih anak yang bukti sekolahnya diunggah.")
            }
            guard let schoolYear, (2000...2100).contains(schoolYear) else {
                throw AppError.invalid("claim_school_year_invalid", "Tahun ajaran tidak sah (misalnya 2026 untuk 2026/2027).")
            }
        }
        if let problem = PaymentProof.problem(data) {
            let message = problem.code == "payment_proof_required" ? "Lampirkan dokumen (PDF atau foto)."
                : problem.code == "payment_proof_too_large" ? "Dokumen paling besar 5 MB." : "Dokumen harus PDF, JPEG, PNG atau WebP."
            throw AppError.invalid(problem.code.replacingOccurrences(of: "payment_proof", with: "claim_document"), message)
        }
        let doc = ClaimDocumentModel()
        doc.id = UUID()
        doc.caseID = id
        doc.kind = kind.rawValue
        doc.heirID = kind == .enrolment ? heirID : nil
        doc.schoolYear = kind == .enrolment ? schoolYear : nil
        doc.contentType = PaymentProof.type(of: data) ?? "application/octet-stream"
        doc.name = String((name?.nilIfBlank ?? kind.rawValue).filter { !$0.isNewline }.prefix(120))
        doc.size = data.count
        doc.data = data
        doc.uploadedAt = now
        doc.uploadedBy = auditActor.username
        try await db.transaction { tx in
            try await Self.lock(id, now: now, on: tx)
            let count = try await ClaimDocumentModel.query(on: tx).filter(\.$caseID == id).count()
            guard count < 60 else { throw AppError(code: "claim_documents_too_many", message: "Paling banyak 60 dokumen per kasus.", kind: .conflict) }
            try await doc.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "claim.document_add", entity: "claim", entityID: id.uuidString, regionCode: claim.villageCode,
                changes: ["kind": .init(old: nil, new: kind.rawValue)]), by: auditActor)
        }
        return doc
    }

    /// What BPJS paid besides the main benefit: a school year of a child's
    /// scholarship (proof of enrolment first), or a hospital's bill.
    func recordPayment(_ id: UUID, _ input: ClaimExtraPaymentInput, actor: Actor, by auditActor: AuditActor) async throws -> ClaimPaymentModel {
        let claim = try await readable(id, actor: actor)
        guard actor.grants.contains(where: { $0.role == .bpjs && $0.covers(claim.location!) }) else {
            throw AppError(code: "claim_role_not_allowed", message: "Pembayaran manfaat dicatat oleh BPJS Ketenagakerjaan.", kind: .forbidden)
        }
        guard [.approved, .paid, .closed].contains(claim.statusValue), claim.rejectionReason == nil else {
            throw AppError(code: "claim_not_approved", message: "Pembayaran hanya untuk kasus yang sudah disetujui BPJS.", kind: .conflict)
        }
        guard input.paidOn.count == 10, let day = CalendarDate(iso: input.paidOn), day <= today, day.year >= 2000 else {
            throw AppError.invalid("claim_paid_on_invalid", "Tanggal pembayaran tidak terbaca atau belum lewat; tulis seperti 2026-03-15.")
        }
        guard (1...Self.maxBenefit).contains(input.amount) else { throw Self.amountInvalid }
        if let year = input.schoolYear, !(2000...2100).contains(year) {
            throw AppError.invalid("claim_school_year_invalid", "Tahun ajaran tidak sah (misalnya 2026 untuk 2026/2027).")
        }
        let payment = ClaimPaymentModel()
        payment.id = UUID()
        payment.caseID = id
        payment.paidOn = day.iso
        payment.amount = input.amount
        payment.recordedAt = now
        payment.recordedBy = auditActor.username
        switch input.kind {
        case "scholarship":
            guard let heirID = input.heirID, let heir = try await ClaimHeirModel.find(heirID, on: db), heir.caseID == id,
                  let year = input.schoolYear else {
                throw AppError.invalid("claim_scholarship_child_required", "Pilih anak dan tahun ajaran beasiswa yang dibayar.")
            }
            let schedule = try await ClaimQueries(db: db, today: today).scholarships(claim)
            guard let child = schedule.first(where: { $0.heir.id == heirID }), child.years.contains(where: { $0.year.schoolYear == year }) else {
                throw AppError(code: "claim_scholarship_not_owed", message: "Tahun ajaran \(year)/\(year + 1) tidak ada dalam jadwal beasiswa \(heir.name).", kind: .conflict)
            }
            guard child.years.first(where: { $0.year.schoolYear == year })?.state == .due else {
                throw AppError(code: "claim_scholarship_not_due",
                               message: "Beasiswa \(year)/\(year + 1) untuk \(heir.name) belum dapat dibayar: bukti sekolah belum ada, tahun ajaran belum mulai, atau sudah dibayar.",
                               kind: .conflict)
            }
            payment.kind = "scholarship"
            payment.heirID = heirID
            payment.schoolYear = year
        case "medical":
            guard !claim.kindValue.isDeath || claim.kindValue == .workDeath else {
                throw AppError.invalid("claim_medical_not_jkk", "Biaya perawatan hanya untuk kasus kecelakaan kerja atau penyakit akibat kerja.")
            }
            payment.kind = "medical"
            payment.payee = try Self.checkedText(input.payee, max: 120, code: "claim_payee", field: "Nama rumah sakit/klinik")
        default:
            throw AppError.invalid("claim_payment_kind_invalid", "Jenis pembayaran: scholarship (beasiswa) atau medical (biaya perawatan).")
        }
        try await db.transaction { tx in
            do {
                try await payment.create(on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                throw AppError(code: "claim_scholarship_paid", message: "Beasiswa tahun ajaran itu sudah tercatat dibayar.", kind: .conflict)
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "claim.payment_\(payment.kind)", entity: "claim", entityID: id.uuidString, regionCode: claim.villageCode,
                changes: ["amount": .init(old: nil, new: String(input.amount)), "paid_on": .init(old: nil, new: day.iso)]), by: auditActor)
        }
        return payment
    }
}

struct ClaimExtraPaymentInput: Content, Sendable {
    /// `scholarship` or `medical`.
    let kind: String
    let paidOn: String
    let amount: Int64
    var heirID: UUID?
    var schoolYear: Int?
    var payee: String?
}
