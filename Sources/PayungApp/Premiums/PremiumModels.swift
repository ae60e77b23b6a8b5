import Fluent
import Foundation

/// One version of the BPU rates (`TariffVersion` in the core), as data.
final class TariffVersionModel: Model, @unchecked Sendable {
    static let schema = "tariff_versions"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "from_month") var fromMonth: String
    @OptionalField(key: "through_month") var throughMonth: String?
    @Field(key: "jkk_bp") var jkkBasisPoints: Int
    @Field(key: "jkm") var jkm: Int64
    @Field(key: "jht_bp") var jhtBasisPoints: Int
    /// JSON array of `IncomeBracket`.
    @Field(key: "brackets") var brackets: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by") var createdBy: String?

    init() {}
}

/// A dated discount on JKK and JKM (`TariffDiscount` in the core).
final class TariffDiscountModel: Model, @unchecked Sendable {
    static let schema = "tariff_discounts"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "from_month") var fromMonth: String
    @Field(key: "through_month") var throughMonth: String
    /// JSON array of `WorkSector` raw values.
    @Field(key: "sectors") var sectors: String
    @Field(key: "off_bp") var offBasisPoints: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by") var createdBy: String?

    init() {}
}

/// A Pemda's answer to "is this payer kind excluded from the discount?"
/// (defaults: `PayerKind.excludedFromDiscountByDefault`).
final class PayerKindSettingModel: Model, @unchecked Sendable {
    static let schema = "payer_kind_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "pemda_code") var pemdaCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "excluded_from_discount") var excludedFromDiscount: Bool
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "updated_by") var updatedBy: String?

    init() {}
}

/// A sponsor (*penyandang dana*) of a Pemda's program.
final class SponsorModel: Model, @unchecked Sendable {
    static let schema = "sponsors"

    @ID(key: .id) var id: UUID?
    @Field(key: "pemda_code") var pemdaCode: String
    /// `PayerKind` raw value.
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "contact") var contact: String?
    /// `BPJSSegment` raw value.
    @Field(key: "segment") var segment: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A sponsor's promise for a program and a period: rupiah, or participants
/// x months; optionally for one region or occupation.
final class PledgeModel: Model, @unchecked Sendable {
    static let schema = "pledges"

    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "program_id") var programID: UUID
    @Field(key: "from_month") var fromMonth: String
    @Field(key: "through_month") var throughMonth: String
    @OptionalField(key: "amount") var amount: Int64?
    @OptionalField(key: "participants") var participants: Int?
    @OptionalField(key: "months") var months: Int?
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "occupation_code") var occupationCode: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by") var createdBy: String?

    init() {}
}

/// A sponsor user and the sponsor whose statement they read.
final class SponsorUserModel: Model, @unchecked Sendable {
    static let schema = "sponsor_users"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "sponsor_id") var sponsorID: UUID

    init() {}
}

/// One person-month: a participant covered in a program for a contribution
/// month, priced by a tariff version and paid by one pledge (or unfunded).
final class CoverageMonthModel: Model, @unchecked Sendable {
    static let schema = "coverage_months"

    @ID(key: .id) var id: UUID?
    @Field(key: "program_id") var programID: UUID
    @Field(key: "proposal_id") var proposalID: UUID
    @Field(key: "nik") var nik: String
    /// `YYYY-MM`.
    @Field(key: "month") var month: String
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "pledge_id") var pledgeID: UUID?
    /// `PayerKind` of the sponsor, nil while unfunded.
    @OptionalField(key: "payer_kind") var payerKind: String?
    @OptionalField(key: "segment") var segment: String?
    @Field(key: "tariff_version_id") var tariffVersionID: String
    @OptionalField(key: "discount_id") var discountID: String?
    @Field(key: "income_basis") var incomeBasis: Int64
    @Field(key: "jkk") var jkk: Int64
    @Field(key: "jkm") var jkm: Int64
    @Field(key: "jht") var jht: Int64
    @Field(key: "total") var total: Int64
    /// Copied from the proposal, for region-scoped statements in SQL.
    @Field(key: "village_code") var villageCode: String
    @OptionalField(key: "occupation_code") var occupationCode: String?
    @Field(key: "planned_at") var plannedAt: Date

    init() {}
}
