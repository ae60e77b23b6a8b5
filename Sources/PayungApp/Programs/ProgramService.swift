import Fluent
import SQLKit
import Foundation
import PayungCore
import Vapor

/// What it takes to set up a program period.
struct ProgramInput: Content, Sendable {
    let code: String
    let regency: String
    let name: String
    /// `YYYY-MM`.
    let startMonth: String
    let endMonth: String
    var legalBasis: String?
    var benefits: [String]?
    let quota: Int
    var ageMin: Int?
    var ageMax: Int?
    let occupations: [String]
    var waitlistOrder: [String]?
    var previousProgramID: UUID?
    /// Optional quotas for single kecamatan or kelurahan within the program.
    var regionQuotas: [RegionQuotaInput]?
    /// `RequiredDocuments`: none (default), ktp, ktp_kk.
    var requiredDocuments: String?
}

struct RegionQuotaInput: Content, Sendable {
    let region: String
    let quota: Int
}

/// Programs and the occupation catalogue.
struct ProgramService {
    let db: any Database
    let now: Date

    /// Loads the seed catalogue; existing codes are left as admins edited them.
    func seedOccupations() async throws -> Int {
        var added = 0
        // Plain SQL: this runs inside an early migration, before later
        // columns of the model (the sector) exist.
        let existing = Set(try await db.sql.select().column("code").from("occupations").all().map { try $0.decode(column: "code", as: String.self) })
        for occupation in OccupationCatalogue.seed where !existing.contains(occupation.code) {
            try await db.sql.insert(into: "occupations").columns("code", "name", "description", "risk", "is_active")
                .values(SQLBind(occupation.code), SQLBind(occupation.name), SQLBind(occupation.description),
                        SQLBind(occupation.risk.rawValue), SQLBind(true))
                .run()
            added += 1
        }
        return added
    }

    /// Far above any Pemda's program (Kota Jambi: 3,000), far below overflow.
    static let maxQuota = 10_000_000

    func create(_ input: ProgramInput, actor: Actor?, by auditActor: AuditActor) async throws -> ProgramModel {
        guard let regency = RegionCode(input.regency), regency.level == .regency else {
            throw AppError.invalid("program_regency_invalid", "Program harus milik satu kabupaten/kota (kode seperti 33.75).")
        }
        if let actor, !AccessPolicy.may(actor, .manageSettings, in: regency) { throw UserError.outsideScope }
        guard let start = YearMonth(iso: input.startMonth), let end = YearMonth(iso: input.endMonth), start <= end else {
            throw AppError.invalid("program_period_invalid", "Periode program tidak valid: bulan mulai dan selesai YYYY-MM, mulai tidak setelah selesai.")
        }
        guard (1...Self.maxQuota).contains(input.quota) else {
            throw AppError.invalid("program_quota_invalid", "Kuota harus 1 sampai \(Self.maxQuota).")
        }
        if let documents = input.requiredDocuments, RequiredDocuments(rawValue: documents) == nil {
            throw AppError.invalid("required_documents_invalid",
                                   "Dokumen wajib: \(RequiredDocuments.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let ages = AgeBounds(minimum: input.ageMin ?? 15, maximum: input.ageMax ?? 65)
        guard ages.minimum >= 0, ages.maximum <= 120, ages.minimum <= ages.maximum else {
            throw AppError.invalid("program_age_bounds_invalid", "Batas umur tidak valid.")
        }
        let benefits = (input.benefits ?? ["JKK", "JKM"]).compactMap { Benefit(rawValue: $0.uppercased()) }
        guard !benefits.isEmpty else { throw AppError.invalid("program_benefits_invalid", "Pilih manfaat: JKK, JKM, JHT.") }
        let known = Set(try await OccupationModel.query(on: db).all().compactMap(\.id))
        let unknown = input.occupations.filter { !known.contains($0) }
        guard unknown.isEmpty, !input.occupations.isEmpty else {
            throw AppError.invalid("program_occupations_invalid", unknown.isEmpty ? "Pilih jenis pekerjaan yang dicakup program."
                                   : "Jenis pekerjaan tidak dikenal: \(unknown.joined(separator: ", ")).")
        }
        let order = (input.waitlistOrder ?? WaitlistCriterion.defaultOrder.map(\.rawValue)).compactMap(WaitlistCriterion.init(rawValue:))
        var regionQuotas: [(RegionCode, Int)] = []
        for q in input.regionQuotas ?? [] {
            guard let code = RegionCode(q.region), [.district, .village].contains(code.level), code.isWithin(regency) else {
                throw AppError.invalid("region_quota_invalid", "Kuota wilayah hanya untuk kecamatan atau kelurahan di \(regency.dotted); \(q.region) tidak valid.")
            }
            guard q.quota >= 0, q.quota <= input.quota else {
                throw AppError.invalid("region_quota_invalid", "Kuota \(code.dotted) harus 0 sampai \(input.quota).")
            }
            regionQuotas.append((code, q.quota))
        }
        let quotas = regionQuotas
        return try await db.transaction { tx in
            guard try await ProgramModel.query(on: tx).filter(\.$code == input.code).first() == nil else {
                throw AppError(code: "program_code_taken", message: "Kode program \(input.code) sudah dipakai.", kind: .conflict)
            }
            let program = ProgramModel()
            program.id = UUID()
            program.code = input.code
            program.regencyCode = regency.dotted
            program.name = input.name
            program.startMonth = start.iso
            program.endMonth = end.iso
            program.legalBasis = input.legalBasis ?? ""
            program.benefits = benefits.map(\.rawValue).joined(separator: ",")
            program.quota = input.quota
            program.approvedCount = 0
            program.ageMin = ages.minimum
            program.ageMax = ages.maximum
            program.waitlistOrder = order.map(\.rawValue).joined(separator: ",")
            program.previousProgramID = input.previousProgramID
            program.createdAt = now
            program.insuredIncome = 1_000_000
            program.includeJHT = false
            program.allocationOrder = AllocationOrder.apbdFirst.rawValue
            program.requiredDocuments = (input.requiredDocuments.flatMap(RequiredDocuments.init(rawValue:)) ?? .none).rawValue
            try await program.create(on: tx)
            for code in Set(input.occupations) { try await ProgramOccupationModel(programID: program.id!, occupationCode: code).create(on: tx) }
            for (region, quota) in quotas {
                let row = ProgramRegionQuotaModel()
                row.id = UUID()
                row.programID = program.id!
                row.regionCode = region.dotted
                row.quota = quota
                try await row.create(on: tx)
            }
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "program.create", entity: "program", entityID: program.id!.uuidString, regionCode: regency.dotted,
                changes: ["code": .init(old: nil, new: input.code), "quota": .init(old: nil, new: String(input.quota))]), by: auditActor)
            return program
        }
    }

    /// Next year's program from this one: active participants carry over
    /// without re-proposal (their old participation ends with `program_end`).
    func continueProgram(from previousID: UUID, as input: ProgramInput, actor: Actor?, by auditActor: AuditActor) async throws -> (ProgramModel, Int) {
        guard let previous = try await ProgramModel.find(previousID, on: db) else { throw AppError.notFound("Program") }
        var next = input
        next.previousProgramID = previousID
        let program = try await create(next, actor: actor, by: auditActor)
        let carried = try await db.transaction { tx -> Int in
            let active = try await ProposalModel.query(on: tx).filter(\.$programID == previousID)
                .filter(\.$status == ProposalStatus.active.rawValue).all()
            guard active.count <= program.quota else {
                throw AppError(code: "quota_below_continuing", message: "Kuota \(program.quota) lebih kecil dari \(active.count) peserta aktif yang dilanjutkan.", kind: .conflict)
            }
            for old in active {
                old.status = ProposalStatus.ended.rawValue
                old.endReason = EndReason.programEnd.rawValue
                old.updatedAt = now
                try await old.update(on: tx)
                let carried = ProposalModel()
                carried.id = UUID()
                carried.programID = program.id!
                carried.workerID = old.workerID
                carried.status = ProposalStatus.active.rawValue
                carried.villageCode = old.villageCode
                carried.rt = old.rt
                carried.rw = old.rw
                carried.proposedBy = old.proposedBy
                carried.createdAt = now
                carried.submittedAt = old.submittedAt
                carried.updatedAt = now
                carried.warningsConfirmed = old.warningsConfirmed
                carried.kpj = old.kpj
                carried.bpjsStartDate = old.bpjsStartDate
                carried.continuedFrom = old.id
                try await carried.create(on: tx)
            }
            try await tx.sql.raw("UPDATE programs SET approved_count = \(bind: active.count) WHERE id = \(bind: program.id!)").run()
            try await tx.sql.raw("UPDATE programs SET approved_count = approved_count - \(bind: active.count) WHERE id = \(bind: previousID)").run()
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "program.continue", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                note: "\(active.count) active participants carried over from \(previous.code)"), by: auditActor)
            return active.count
        }
        program.approvedCount = carried
        return (program, carried)
    }
}
