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
        }
        struct Payer: Content { let kind: String; let name: String; let excludedFromDiscount: Bool; let confirmed: Bool; let segment: String }
        let versions: [Version]
        let discounts: [Discount]
        let payers: [Payer]
    }

    static func mayRead(_ actor: Actor) -> Bool {
        AccessPolicy.mayAnywhere(actor, .manageSettings) || AccessPolicy.mayAnywhere(actor, .approve)
    }

    static func book(_ req: Request) async throws -> BookDTO {
        let actor = try req.requireActor()
        guard mayRead(actor) else { throw AccessError.forbidden }
        let book = try await TariffQueries(db: req.db).book()
        struct Count: Decodable { let tariff_version_id: String; let n: Int }
        let counts = Dictionary(uniqueKeysWithValues: try await req.db.sql.raw(
            "SELECT tariff_version_id, COUNT(*) AS n FROM coverage_months GROUP BY tariff_version_id").all(decoding: Count.self)
            .map { ($0.tariff_version_id, $0.n) })
        let pemda = AccessPolicy.scopes(of: actor, for: .manageSettings).compactMap { $0.region.ancestor(at: .regency) }.first
        let exclusions = try await pemda.asyncMap { try await TariffQueries(db: req.db).exclusions(pemda: $0.dotted) } ?? [:]
        return BookDTO(
            versions: book.versions.map { v in
                .init(id: v.id, name: v.name, legalBasis: v.legalBasis, from: v.from.iso, through: v.through?.iso, jkkBasisPoints: v.jkkBasisPoints,
                      jkm: v.jkm.amount, jhtBasisPoints: v.jhtBasisPoints, brackets: v.brackets, pricedMonths: counts[v.id] ?? 0)
            },
            discounts: book.discounts.map { d in
                .init(id: d.id, name: d.name, legalBasis: d.legalBasis, from: d.from.iso, through: d.through.iso,
                      sectors: d.sectors.map(\.rawValue).sorted(), offBasisPoints: d.offBasisPoints)
            },
            payers: PayerKind.allCases.map { k in
                .init(kind: k.rawValue, name: k.indonesianName, excludedFromDiscount: exclusions[k] ?? k.excludedFromDiscountByDefault,
                      confirmed: k.exclusionConfirmed, segment: k.defaultSegment.rawValue)
            })
    }

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        api.app.addAPISchemas([
            "TariffBook": Schema.object([
                "versions": Schema.array(Schema.object([
                    "id": Schema.string(), "name": Schema.string(), "legalBasis": Schema.string(), "from": Schema.string(),
                    "through": Schema.string(), "jkkBasisPoints": Schema.integer(), "jkm": money, "jhtBasisPoints": Schema.integer(),
                    "brackets": Schema.array(Schema.object(["lower": money, "upper": money, "basis": money], required: ["lower", "basis"])),
                    "pricedMonths": Schema.integer(),
                ], required: ["id", "name", "legalBasis", "from", "jkkBasisPoints", "jkm", "jhtBasisPoints", "brackets", "pricedMonths"])),
                "discounts": Schema.array(Schema.object([
                    "id": Schema.string(), "name": Schema.string(), "legalBasis": Schema.string(), "from": Schema.string(),
                    "through": Schema.string(), "sectors": Schema.array(Schema.string()), "offBasisPoints": Schema.integer(),
                ], required: ["id", "name", "legalBasis", "from", "through", "sectors", "offBasisPoints"])),
                "payers": Schema.array(Schema.object([
                    "kind": Schema.string(), "name": Schema.string(), "excludedFromDiscount": Schema.boolean, "confirmed": Schema.boolean,
                    "segment": Schema.string(),
                ], required: ["kind", "name", "excludedFromDiscount", "confirmed", "segment"])),
            ], required: ["versions", "discounts", "payers"]),
        ])
        api.on(Self.list) { req in try await Self.book(req) }
        web.get(Self.path.components) { req async throws -> View in
            struct Context: Encodable {
                struct Version: Encodable { let name: String; let basis: String; let period: String; let rates: String; let brackets: [String]; let priced: String }
                struct Discount: Encodable { let name: String; let basis: String; let period: String; let sectors: String; let off: String }
                struct Payer: Encodable { let name: String; let excluded: String; let confirmed: Bool; let segment: String }
                let page: PageContext
                let versions: [Version]
                let discounts: [Discount]
                let payers: [Payer]
            }
            let book = try await Self.book(req)
            func month(_ iso: String?) -> String { iso.flatMap(YearMonth.init(iso:))?.indonesian ?? "seterusnya" }
            func percent(_ bp: Int) -> String { bp % 100 == 0 ? "\(bp / 100)%" : String(format: "%.2f%%", Double(bp) / 100).replacingOccurrences(of: ".", with: ",") }
            return try await req.view.render("premiums/tariffs", Context(
                page: PageContext(title: "Tarif iuran", request: req),
                versions: book.versions.map { v in
                    .init(name: v.name, basis: v.legalBasis, period: "\(month(v.from)) – \(month(v.through))",
                          rates: "JKK \(percent(v.jkkBasisPoints)) dari upah, JKM \(Rupiah(v.jkm).formatted), JHT \(percent(v.jhtBasisPoints)) (bila dipilih)",
                          brackets: v.brackets.map { b in
                              "\(b.lower.formatted) – \(b.upper?.formatted ?? "ke atas"): upah dasar \(b.basis.formatted), JKK \(Rupiah((b.basis.amount * Int64(v.jkkBasisPoints) + 5_000) / 10_000).formatted)"
                          },
                          priced: Count.id(v.pricedMonths))
                },
                discounts: book.discounts.map { d in
                    .init(name: d.name, basis: d.legalBasis, period: "\(month(d.from)) – \(month(d.through))",
                          sectors: d.sectors.compactMap { WorkSector(rawValue: $0)?.indonesianName }.joined(separator: ", "),
                          off: percent(d.offBasisPoints))
                },
                payers: book.payers.map { .init(name: $0.name, excluded: $0.excludedFromDiscount ? "tidak mendapat keringanan" : "mendapat keringanan",
                                                confirmed: $0.confirmed, segment: $0.segment) }))
        }
    }
}
