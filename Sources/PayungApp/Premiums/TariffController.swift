import Fluent
import Foundation
import PayungCore
import Vapor

/// The tariff rules as they stand: versions with their brackets, dated
/// discounts, and who is excluded from them, for admins and the agency.
struct TariffController {
    static let path = WebPath("/admin/tarif")
    static let list = APIOperation(method: .GET, path: "/api/v1/tariffs", operationID: "listTariffs",
                                   summary: "The BPU tariff versions, discounts and payer-kind exclusions in force", tag: "Premi",
                                   query: [.init(name: "pemda", description: "Whose payer-kind answers to show (a Pemda the caller manages)",
                                                 schema: Schema.string(example: "33.75"))],
                                   response: "TariffBook", errors: [403])

    struct BookDTO: Content {
        struct Version: Content {
            let id: String; let name: String; let legalBasis: String; let from: String; let through: String?
            let jkkBasisPoints: Int; let jkm: Int64; let jhtBasisPoints: Int; let brackets: [IncomeBracket]
            /// Person-months it priced: a version that priced any is never edited, only superseded.
            let pricedMonths: Int
        }
        struct Discount: Content {
            let id: String; let name: String; let legalBasis: String; let from: String; let through: String
            let sectors: [String]; let offBasisPoints: Int
            /// Person-months it priced: a discount that priced any is never edited.
            let pricedMonths: Int
        }
        struct Payer: Content { let kind: String; let name: String; let excludedFromDiscount: Bool; let confirmed: Bool; let segment: String }
        let versions: [Version]
        let discounts: [Discount]
        let payers: [Payer]
        /// The Pemda whose payer-kind answers `payers` shows; absent: the defaults.
        let pemda: String?
    }

    static func mayRead(_ actor: Actor) -> Bool {
        AccessPolicy.mayAnywhere(actor, .manageSettings) || AccessPolicy.mayAnywhere(actor, .approve)
    }

    static func book(_ req: Request) async throws -> BookDTO {
        let actor = try req.requireActor()
        guard mayRead(actor) else { throw AccessError.forbidden }
        let queries = TariffQueries(db: req.db)
        let book = try await queries.book()
        let counts = try await queries.versionUsage(), discountCounts = try await queries.discountUsage()
        let requested = try? req.query.get(String.self, at: "pemda")
        let pemda = requested == nil ? try? TariffAdmin.pemda(of: actor, requested: nil) : try TariffAdmin.pemda(of: actor, requested: requested)
        let exclusions = try await pemda.asyncMap { try await queries.exclusions(pemda: $0.dotted) } ?? [:]
        return BookDTO(
            versions: book.versions.map { dto($0, pricedMonths: counts[$0.id] ?? 0) },
            discounts: book.discounts.map { dto($0, pricedMonths: discountCounts[$0.id] ?? 0) },
            payers: PayerKind.allCases.map { payer($0, excluded: exclusions[$0]) }, pemda: pemda?.dotted)
    }

    static func dto(_ v: TariffVersion, pricedMonths: Int) -> BookDTO.Version {
        .init(id: v.id, name: v.name, legalBasis: v.legalBasis, from: v.from.iso, through: v.through?.iso, jkkBasisPoints: v.jkkBasisPoints,
              jkm: v.jkm.amount, jhtBasisPoints: v.jhtBasisPoints, brackets: v.brackets, pricedMonths: pricedMonths)
    }

    static func dto(_ d: TariffDiscount, pricedMonths: Int) -> BookDTO.Discount {
        .init(id: d.id, name: d.name, legalBasis: d.legalBasis, from: d.from.iso, through: d.through.iso,
              sectors: d.sectors.map(\.rawValue).sorted(), offBasisPoints: d.offBasisPoints, pricedMonths: pricedMonths)
    }

    static func payer(_ k: PayerKind, excluded: Bool?) -> BookDTO.Payer {
        .init(kind: k.rawValue, name: k.indonesianName, excludedFromDiscount: excluded ?? k.excludedFromDiscountByDefault,
              confirmed: k.exclusionConfirmed, segment: k.defaultSegment.rawValue)
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        api.app.addAPISchemas([
            "TariffVersion": Schema.object([
                "id": Schema.string(), "name": Schema.string(), "legalBasis": Schema.string(), "from": Schema.string(example: "2015-07"),
                "through": Schema.string(), "jkkBasisPoints": Schema.integer(), "jkm": money, "jhtBasisPoints": Schema.integer(),
                "brackets": Schema.array(Schema.object(["lower": money, "upper": money, "basis": money], required: ["lower", "basis"])),
                "pricedMonths": Schema.integer(),
            ], required: ["id", "name", "legalBasis", "from", "jkkBasisPoints", "jkm", "jhtBasisPoints", "brackets", "pricedMonths"]),
            "TariffDiscount": Schema.object([
                "id": Schema.string(), "name": Schema.string(), "legalBasis": Schema.string(), "from": Schema.string(),
                "through": Schema.string(), "sectors": Schema.array(Schema.string()), "offBasisPoints": Schema.integer(),
                "pricedMonths": Schema.integer(),
            ], required: ["id", "name", "legalBasis", "from", "through", "sectors", "offBasisPoints", "pricedMonths"]),
            "TariffPayerKind": Schema.object([
                "kind": Schema.string(), "name": Schema.string(), "excludedFromDiscount": Schema.boolean, "confirmed": Schema.boolean,
                "segment": Schema.string(),
            ], required: ["kind", "name", "excludedFromDiscount", "confirmed", "segment"]),
            "TariffBook": Schema.object([
                "versions": Schema.array(Schema.ref("TariffVersion")),
                "discounts": Schema.array(Schema.ref("TariffDiscount")),
                "payers": Schema.array(Schema.ref("TariffPayerKind")),
                "pemda": Schema.string(),
            ], required: ["versions", "discounts", "payers"]),
        ])
        api.on(Self.list) { req in try await Self.book(req) }
        registerWrites(api: api)
        registerPages(web: web)
    }
}
