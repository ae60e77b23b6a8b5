import Fluent
import Foundation

/// An occupation of the catalogue (`PayungCore.Occupation` in storage).
final class OccupationModel: Model, @unchecked Sendable {
    static let schema = "occupations"

    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "risk") var risk: Int
    @Field(key: "is_active") var isActive: Bool
    /// `WorkSector` raw value: transport or other (PP 50/2025 discounts).
    @Field(key: "sector") var sector: String

    init() {}
}

/// A program period of one Pemda: "Batik Berlian 2023" of Kota Pekalongan.
final class ProgramModel: Model, @unchecked Sendable {
    static let schema = "programs"

    @ID(key: .id) var id: UUID?
    /// Short stable code used by the CLI and imports: `pkl-bb-2023`.
    @Field(key: "code") var code: String
    @Field(key: "regency_code") var regencyCode: String
    @Field(key: "name") var name: String
    /// `YYYY-MM`.
    @Field(key: "start_month") var startMonth: String
    @Field(key: "end_month") var endMonth: String
    @Field(key: "legal_basis") var legalBasis: String
    /// Comma-separated `Benefit` codes: `JKK,JKM`.
    @Field(key: "benefits") var benefits: String
    @Field(key: "quota") var quota: Int
    /// Slots taken (approved, registered, active): kept by the atomic approval.
    @Field(key: "approved_count") var approvedCount: Int
    @Field(key: "age_min") var ageMin: Int
    @Field(key: "age_max") var ageMax: Int
    /// Comma-separated `WaitlistCriterion` codes.
    @Field(key: "waitlist_order") var waitlistOrder: String
    @OptionalField(key: "previous_program_id") var previousProgramID: UUID?
    @Field(key: "created_at") var createdAt: Date
    /// The insured income each person-month is priced on (default
    /// Rp1.000.000, the lowest bracket), not the income a worker declared.
    @Field(key: "insured_income") var insuredIncome: Int64
    /// Whether person-months include JHT (2%): optional for BPU.
    @Field(key: "include_jht") var includeJHT: Bool
    /// `AllocationOrder` raw value: who pays each person-month first.
    @Field(key: "allocation_order") var allocationOrder: String
    /// `RequiredDocuments` raw value: documents needed before approval.
    @Field(key: "required_documents") var requiredDocuments: String
    /// Day of the contribution month its premium is due (`PaymentWindow`);
    /// nil: the BPU rule, the 15th.
    @OptionalField(key: "due_day") var dueDay: Int?
    /// Claims: whether arrears paid after an event make it covered (default
    /// no; the rule is unconfirmed and BPJS decides).
    @OptionalField(key: "claims_late_payment_counts") var claimsLatePaymentCountsValue: Bool?
    /// Claims: whether a death frees the participant's quota slot (default yes).
    @OptionalField(key: "death_frees_quota") var deathFreesQuotaValue: Bool?

    var claimsLatePaymentCounts: Bool { claimsLatePaymentCountsValue ?? false }
    var deathFreesQuota: Bool { deathFreesQuotaValue ?? true }

    init() {}
}

/// Which occupations a program covers.
final class ProgramOccupationModel: Model, @unchecked Sendable {
    static let schema = "program_occupations"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "occupation_code") var occupationCode: String

    init() {}

    init(programID: UUID, occupationCode: String) {
        self.id = UUID()
        self.programID = programID
        self.occupationCode = occupationCode
    }
}

/// An optional quota for one kecamatan or kelurahan within a program.
final class ProgramRegionQuotaModel: Model, @unchecked Sendable {
    static let schema = "program_region_quotas"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "region_code") var regionCode: String
    @Field(key: "quota") var quota: Int

    init() {}
}
