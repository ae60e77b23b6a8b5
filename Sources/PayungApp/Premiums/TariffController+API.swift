import Fluent
import Foundation
import PayungCore
import Vapor

/// Changing the tariff book over the API: versions (add, change or delete
/// while unused, supersede), discounts, and a Pemda's payer-kind answers.
extension TariffController {
    static let addVersion = APIOperation(method: .POST, path: "/api/v1/tariffs/versions", operationID: "addTariffVersion",
                                         summary: "Add a tariff version (admin); its months may not overlap another version's", tag: "Premi",
                                         requestBody: "TariffVersionInput", response: "TariffVersion", successStatus: 201, errors: [403, 409, 422])
    static let updateVersion = APIOperation(method: .PUT, path: "/api/v1/tariffs/versions/{id}", operationID: "updateTariffVersion",
                                            summary: "Change a tariff version that has priced no person-month (admin)", tag: "Premi",
                                            requestBody: "TariffVersionInput", response: "TariffVersion", errors: [403, 404, 409, 422])
    static let deleteVersion = APIOperation(method: .DELETE, path: "/api/v1/tariffs/versions/{id}", operationID: "deleteTariffVersion",
                                            summary: "Delete a tariff version that has priced no person-month (admin)", tag: "Premi",
                                            response: "TariffDeleted", errors: [403, 404, 409])
    static let supersede = APIOperation(method: .POST, path: "/api/v1/tariffs/versions/{id}/supersede", operationID: "supersedeTariffVersion",
                                        summary: "Add a version from month M and end this one at M-1, never before a month it priced (admin)",
                                        tag: "Premi", requestBody: "TariffVersionInput", response: "TariffVersion", successStatus: 201,
                                        errors: [403, 404, 409, 422])
    static let addDiscount = APIOperation(method: .POST, path: "/api/v1/tariffs/discounts", operationID: "addTariffDiscount",
                                          summary: "Add a dated discount (admin); it may not overlap another for the same sector", tag: "Premi",
                                          requestBody: "TariffDiscountInput", response: "TariffDiscount", successStatus: 201, errors: [403, 409, 422])
    static let updateDiscount = APIOperation(method: .PUT, path: "/api/v1/tariffs/discounts/{id}", operationID: "updateTariffDiscount",
                                             summary: "Change a discount that has priced no person-month (admin)", tag: "Premi",
                                             requestBody: "TariffDiscountInput", response: "TariffDiscount", errors: [403, 404, 409, 422])
    static let deleteDiscount = APIOperation(method: .DELETE, path: "/api/v1/tariffs/discounts/{id}", operationID: "deleteTariffDiscount",
                                             summary: "Delete a discount that has priced no person-month (admin)", tag: "Premi",
                                             response: "TariffDeleted", errors: [403, 404, 409])
    static let setPayerKind = APIOperation(method: .PUT, path: "/api/v1/tariffs/payer-kinds/{kind}", operationID: "setTariffPayerKind",
                                           summary: "Whether sponsors of this kind pay without the discount, in the caller's Pemda", tag: "Premi",
                                           requestBody: "PayerKindInput", response: "TariffPayerKind", errors: [403, 404])

    struct DeletedDTO: Content { let deleted: Bool }

    static func admin(_ req: Request) -> TariffAdmin { TariffAdmin(db: req.db, now: req.application.clock.now()) }

    func registerWrites(api: APIRouter) {
        let money = Schema.integer("Whole rupiah")
        let month = Schema.string(example: "2027-01")
        api.app.addAPISchemas([
            "TariffVersionInput": Schema.object([
                "name": Schema.string(), "legalBasis": Schema.string(), "from": month, "through": month,
                "jkkBasisPoints": Schema.integer("0 to 10000; 100 = 1%"), "jkm": money, "jhtBasisPoints": Schema.integer("0 to 10000; 200 = 2%"),
                "brackets": Schema.array(Schema.object(["lower": money, "upper": money, "basis": money], required: ["lower", "basis"])),
            ], required: ["name", "legalBasis", "from", "jkkBasisPoints", "jkm", "jhtBasisPoints", "brackets"]),
            "TariffDiscountInput": Schema.object([
                "name": Schema.string(), "legalBasis": Schema.string(), "from": month, "through": month,
                "sectors": Schema.array(Schema.string(values: WorkSector.allCases.map(\.rawValue))),
                "offBasisPoints": Schema.integer("1 to 10000; 5000 = 50%"),
            ], required: ["name", "legalBasis", "from", "through", "sectors", "offBasisPoints"]),
            "PayerKindInput": Schema.object(["excludedFromDiscount": Schema.boolean, "pemda": Schema.string(example: "33.75")],
                                            required: ["excludedFromDiscount"]),
            "TariffDeleted": Schema.object(["deleted": Schema.boolean], required: ["deleted"]),
        ])
        api.on(Self.addVersion) { req in
            let input = try req.content.decodeBounded(TariffVersionInput.self)
            let row = try await Self.admin(req).addVersion(TariffVersionFields(input), supersedes: nil, actor: try req.requireActor(),
                                                           by: req.auditActor)
            return CreatedResponse(Self.dto(try TariffQueries.core(row), pricedMonths: 0))
        }
        api.on(Self.updateVersion) { req in
            let id = try Self.versionID(req)
            let input = try req.content.decodeBounded(TariffVersionInput.self)
            let row = try await Self.admin(req).updateVersion(id, TariffVersionFields(input), actor: try req.requireActor(), by: req.auditActor)
            return Self.dto(try TariffQueries.core(row), pricedMonths: 0)
        }
        api.on(Self.deleteVersion) { req in
            try await Self.admin(req).deleteVersion(try Self.versionID(req), actor: try req.requireActor(), by: req.auditActor)
            return DeletedDTO(deleted: true)
        }
        api.on(Self.supersede) { req in
            let id = try Self.versionID(req)
            let input = try req.content.decodeBounded(TariffVersionInput.self)
            let row = try await Self.admin(req).addVersion(TariffVersionFields(input), supersedes: id, actor: try req.requireActor(),
                                                           by: req.auditActor)
            return CreatedResponse(Self.dto(try TariffQueries.core(row), pricedMonths: 0))
        }
        api.on(Self.addDiscount) { req in
            let input = try req.content.decodeBounded(TariffDiscountInput.self)
            let row = try await Self.admin(req).addDiscount(input, actor: try req.requireActor(), by: req.auditActor)
            return CreatedResponse(Self.dto(try TariffQueries.core(row), pricedMonths: 0))
        }
        api.on(Self.updateDiscount) { req in
            let id = try Self.versionID(req, thing: "Keringanan")
            let input = try req.content.decodeBounded(TariffDiscountInput.self)
            guard let row = try await Self.admin(req).changeDiscount(id, input, actor: try req.requireActor(), by: req.auditActor) else {
                throw AppError.notFound("Keringanan")
            }
            return Self.dto(try TariffQueries.core(row), pricedMonths: 0)
        }
        api.on(Self.deleteDiscount) { req in
            _ = try await Self.admin(req).changeDiscount(try Self.versionID(req, thing: "Keringanan"), nil, actor: try req.requireActor(),
                                                         by: req.auditActor)
            return DeletedDTO(deleted: true)
        }
        api.on(Self.setPayerKind) { req in
            let actor = try req.requireActor()
            guard let kind = PayerKind(rawValue: req.parameters.get("kind") ?? "") else { throw AppError.notFound("Jenis penyandang dana") }
            let input = try req.content.decodeBounded(PayerKindInput.self)
            let pemda = try TariffAdmin.pemda(of: actor, requested: input.pemda)
            try await Self.admin(req).setPayerKinds([kind: input.excludedFromDiscount], pemda: pemda, actor: actor, by: req.auditActor)
            return Self.payer(kind, excluded: input.excludedFromDiscount)
        }
    }

    /// A version or discount id from the path: short, lower-case letters,
    /// digits and dashes, else not found.
    static func versionID(_ req: Request, thing: String = "Versi tarif") throws -> String {
        guard let id = req.parameters.get("id"), (1...80).contains(id.count),
              id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw AppError.notFound(thing) }
        return id
    }
}
