import Fluent
import Foundation
import PayungCore
import SQLKit

/// The tariff rules as stored: the book the coverage run prices with, and a
/// Pemda's answers on who is excluded from the discount.
struct TariffQueries {
    let db: any Database

    func book() async throws -> TariffBook {
        let versions = try await TariffVersionModel.query(on: db).sort(\.$fromMonth).all().map { try Self.core($0) }
        let discounts = try await TariffDiscountModel.query(on: db).sort(\.$fromMonth).all().map { try Self.core($0) }
        do {
            return try TariffBook(versions: versions, discounts: discounts)
        } catch {
            throw AppError(code: error.code, message: error.message, kind: .conflict)
        }
    }

    static func core(_ m: TariffVersionModel) throws -> TariffVersion {
        guard let from = YearMonth(iso: m.fromMonth) else { throw AppError.invalid("tariff_invalid", "Bulan mulai tarif \(m.name) tidak sah.") }
        return TariffVersion(id: m.id!, name: m.name, legalBasis: m.legalBasis, from: from,
                             through: m.throughMonth.flatMap(YearMonth.init(iso:)), jkkBasisPoints: m.jkkBasisPoints,
                             jkm: Rupiah(m.jkm), jhtBasisPoints: m.jhtBasisPoints,
                             brackets: try JSONDecoder().decode([IncomeBracket].self, from: Data(m.brackets.utf8)))
    }

    static func core(_ m: TariffDiscountModel) throws -> TariffDiscount {
        guard let from = YearMonth(iso: m.fromMonth), let through = YearMonth(iso: m.throughMonth) else {
            throw AppError.invalid("tariff_invalid", "Masa keringanan \(m.name) tidak sah.")
        }
        let sectors = try JSONDecoder().decode([String].self, from: Data(m.sectors.utf8)).compactMap(WorkSector.init(rawValue:))
        return TariffDiscount(id: m.id!, name: m.name, legalBasis: m.legalBasis, from: from, through: through,
                              sectors: Set(sectors), offBasisPoints: m.offBasisPoints)
    }

    /// Per payer kind, whether a Pemda's sponsors of that kind pay without
    /// the discount: the Pemda's setting, else the regulation's default.
    func exclusions(pemda: String) async throws -> [PayerKind: Bool] {
        var result = Dictionary(uniqueKeysWithValues: PayerKind.allCases.map { ($0, $0.excludedFromDiscountByDefault) })
        for row in try await PayerKindSettingModel.query(on: db).filter(\.$pemdaCode == pemda).all() {
            if let kind = PayerKind(rawValue: row.kind) { result[kind] = row.excludedFromDiscount }
        }
        return result
    }
}
