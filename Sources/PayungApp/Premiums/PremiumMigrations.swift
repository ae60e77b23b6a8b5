import Fluent
import Foundation
import PayungCore
import SQLKit

/// The premium tables (docs/PREMIUMS.md), the program and occupation
/// settings they need, and the seed rules: PP 44/2015 jo. PP 82/2019 rates
/// and the PP 50/2025 discounts.
struct CreatePremiums: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tariff_versions")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("legal_basis", .string, .required)
            .field("from_month", .string, .required)
            .field("through_month", .string)
            .field("jkk_bp", .int, .required)
            .field("jkm", .int64, .required)
            .field("jht_bp", .int, .required)
            .field("brackets", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string)
            .create()
        try await database.schema("tariff_discounts")
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("legal_basis", .string, .required)
            .field("from_month", .string, .required)
            .field("through_month", .string, .required)
            .field("sectors", .string, .required)
            .field("off_bp", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string)
            .create()
        try await database.schema("payer_kind_settings")
            .id()
            .field("pemda_code", .string, .required)
            .field("kind", .string, .required)
            .field("excluded_from_discount", .bool, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string)
            .unique(on: "pemda_code", "kind")
            .create()
        try await database.schema("sponsors")
            .id()
            .field("pemda_code", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("contact", .string)
            .field("segment", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "pemda_code", "name")
            .create()
        try await database.schema("pledges")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("from_month", .string, .required)
            .field("through_month", .string, .required)
            .field("amount", .int64)
            .field("participants", .int)
            .field("months", .int)
            .field("region_code", .string)
            .field("occupation_code", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .string)
            .create()
        try await database.sql.create(index: "pledges_program_idx").on("pledges").column("program_id").run()
        try await database.schema("sponsor_users")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id", onDelete: .cascade))
            .unique(on: "user_id")
            .create()
        try await database.schema("coverage_months")
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("proposal_id", .uuid, .required, .references("proposals", "id"))
            .field("nik", .string, .required)
            .field("month", .string, .required)
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("pledge_id", .uuid, .references("pledges", "id"))
            .field("payer_kind", .string)
            .field("segment", .string)
            .field("tariff_version_id", .string, .required, .references("tariff_versions", "id"))
            .field("discount_id", .string, .references("tariff_discounts", "id"))
            .field("income_basis", .int64, .required)
            .field("jkk", .int64, .required)
            .field("jkm", .int64, .required)
            .field("jht", .int64, .required)
            .field("total", .int64, .required)
            .field("village_code", .string, .required)
            .field("occupation_code", .string)
            .field("planned_at", .datetime, .required)
            // One NIK is priced once per month, in any program or Pemda; one
            // row per person-month, so one sponsor.
            .unique(on: "nik", "month")
            .create()
        try await database.sql.create(index: "coverage_program_month_idx").on("coverage_months").column("program_id").column("month").run()
        try await database.sql.create(index: "coverage_pledge_idx").on("coverage_months").column("pledge_id").run()
        try await database.sql.create(index: "coverage_proposal_idx").on("coverage_months").column("proposal_id").run()

        try await database.schema("programs")
            .field("insured_income", .int64, .required, .sql(.default(1_000_000)))
            .update()
        try await database.schema("programs")
            .field("include_jht", .bool, .required, .sql(.default(false)))
            .update()
        try await database.schema("programs")
            .field("allocation_order", .string, .required, .sql(.default(AllocationOrder.apbdFirst.rawValue)))
            .update()
        try await database.schema("occupations")
            .field("sector", .string, .required, .sql(.default(WorkSector.other.rawValue)))
            .update()
        try await database.sql.update("occupations").set("sector", to: WorkSector.transport.rawValue)
            .where("code", .in, Array(OccupationCatalogue.transportSector)).run()
        try await Self.seedRules(database)
    }

    static func seedRules(_ database: any Database) async throws {
        let now = Date()
        let v = TariffVersion.seed
        let version = TariffVersionModel()
        version.id = v.id
        version.name = v.name
        version.legalBasis = v.legalBasis
        version.fromMonth = v.from.iso
        version.throughMonth = v.through?.iso
        version.jkkBasisPoints = v.jkkBasisPoints
        version.jkm = v.jkm.amount
        version.jhtBasisPoints = v.jhtBasisPoints
        version.brackets = String(decoding: try JSONEncoder().encode(v.brackets), as: UTF8.self)
        version.createdAt = now
        version.createdBy = "seed"
        try await version.create(on: database)
        for d in TariffDiscount.seed {
            let discount = TariffDiscountModel()
            discount.id = d.id
            discount.name = d.name
            discount.legalBasis = d.legalBasis
            discount.fromMonth = d.from.iso
            discount.throughMonth = d.through.iso
            discount.sectors = String(decoding: try JSONEncoder().encode(d.sectors.map(\.rawValue).sorted()), as: UTF8.self)
            discount.offBasisPoints = d.offBasisPoints
            discount.createdAt = now
            discount.createdBy = "seed"
            try await discount.create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["coverage_months", "sponsor_users", "pledges", "sponsors", "payer_kind_settings", "tariff_discounts", "tariff_versions"] {
            try await database.schema(table).delete()
        }
    }
}
