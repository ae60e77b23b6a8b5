import Fluent
import Foundation
import PayungCore
import Vapor

/// Sponsors over the API and on pages: the operator records sponsors and
/// pledges; staff and the sponsor's own users read its statement.
struct SponsorController {
    static let path = WebPath("/penyandang-dana")
    static let list = APIOperation(method: .GET, path: "/api/v1/sponsors", operationID: "listSponsors",
                                   summary: "Sponsors of the caller's Pemda, or the caller's own sponsor", tag: "Premi", response: "SponsorList")
    static let create = APIOperation(method: .POST, path: "/api/v1/sponsors", operationID: "createSponsor",
                                     summary: "Record a sponsor (operator)", tag: "Premi", requestBody: "SponsorInput", response: "Sponsor",
                                     successStatus: 201, errors: [403, 409])
    static let show = APIOperation(method: .GET, path: "/api/v1/sponsors/{id}", operationID: "getSponsor",
                                   summary: "A sponsor with its pledges and what each has paid for", tag: "Premi", response: "Sponsor", errors: [404])
    static let pledge = APIOperation(method: .POST, path: "/api/v1/sponsors/{id}/pledges", operationID: "createPledge",
                                     summary: "Record a pledge: rupiah, or participants x months, for a program and period", tag: "Premi",
                                     requestBody: "PledgeInput", response: "Sponsor", successStatus: 201, errors: [404])
    static let statement = APIOperation(method: .GET, path: "/api/v1/sponsors/{id}/statement", operationID: "getSponsorStatement",
                                        summary: "What the sponsor's money covered, by kecamatan and occupation (small counts hidden, no names)",
                                        tag: "Premi", response: "SponsorStatement", errors: [404])
    static let link = APIOperation(method: .POST, path: "/api/v1/sponsors/{id}/users", operationID: "linkSponsorUser",
                                   summary: "Let a sponsor-role user read this sponsor's statement (admin)", tag: "Premi",
                                   requestBody: "SponsorUserInput", response: "Sponsor", errors: [403, 404, 422])

    func register(api: APIRouter, web: any RoutesBuilder) {
        let money = Schema.integer("Whole rupiah")
        let line = Schema.object(["label": Schema.string(), "people": Schema.integer("Hidden (null) under 5"),
                                  "personMonths": Schema.integer(), "rupiah": money], required: ["label", "rupiah"])
        api.app.addAPISchemas([
            "SponsorInput": Schema.object(["pemda": Schema.string(example: "33.75"), "kind": Schema.string(values: PayerKind.allCases.map(\.rawValue)),
                                           "name": Schema.string(), "contact": Schema.string(),
                                           "segment": Schema.string(values: PayungCore.BPJSSegment.allCases.map(\.rawValue))],
                                          required: ["pemda", "kind", "name"]),
            "PledgeInput": Schema.object(["programID": Schema.string(format: "uuid"), "fromMonth": Schema.string(example: "2026-01"),
                                          "throughMonth": Schema.string(example: "2026-12"), "amount": money, "participants": Schema.integer(),
                                          "months": Schema.integer(), "region": Schema.string(), "occupation": Schema.string()],
                                         required: ["programID", "fromMonth", "throughMonth"]),
            "SponsorUserInput": Schema.object(["username": Schema.string()], required: ["username"]),
            "Sponsor": Schema.object([
                "id": Schema.string(format: "uuid"), "pemda": Schema.string(), "kind": Schema.string(), "kindName": Schema.string(),
                "name": Schema.string(), "contact": Schema.string(), "segment": Schema.string(),
                "pledges": Schema.array(Schema.object([
                    "id": Schema.string(format: "uuid"), "programID": Schema.string(format: "uuid"), "fromMonth": Schema.string(),
                    "throughMonth": Schema.string(), "amount": money, "participants": Schema.integer(), "months": Schema.integer(),
                    "region": Schema.string(), "occupation": Schema.string(), "usedPersonMonths": Schema.integer(), "usedRupiah": money,
                ], required: ["id", "programID", "fromMonth", "throughMonth", "usedPersonMonths", "usedRupiah"])),
            ], required: ["id", "pemda", "kind", "kindName", "name", "segment", "pledges"]),
            "SponsorList": Schema.object(["items": Schema.array(Schema.ref("Sponsor"))], required: ["items"]),
            "SponsorStatement": Schema.object([
                "sponsor": Schema.string(), "people": Schema.integer(), "personMonths": Schema.integer(), "rupiah": money,
                "byDistrict": Schema.array(line), "byOccupation": Schema.array(line),
            ], required: ["sponsor", "people", "personMonths", "rupiah", "byDistrict", "byOccupation"]),
        ])
        api.on(Self.list) { req in
            ListDTO(items: try await Self.visible(req).asyncMap { try await Self.service(req).dto($0) })
        }
        api.on(Self.create) { req in
            let sponsor = try await Self.service(req).create(try req.content.decodeBounded(SponsorInput.self), actor: try req.requireActor(),
                                                             by: req.auditActor)
            return CreatedResponse(try await Self.service(req).dto(sponsor))
        }
        api.on(Self.show) { req in
            let sponsor = try await Self.service(req).readable(try req.uuidParameter("id", thing: "Penyandang dana"), actor: try req.requireActor())
            return try await Self.service(req).dto(sponsor)
        }
        api.on(Self.pledge) { req in
            let id = try req.uuidParameter("id", thing: "Penyandang dana")
            _ = try await Self.service(req).pledge(id, try req.content.decodeBounded(PledgeInput.self), actor: try req.requireActor(), by: req.auditActor)
            return CreatedResponse(try await Self.service(req).dto(try await SponsorModel.find(id, on: req.db)!))
        }
        api.on(Self.statement) { req in
            let sponsor = try await Self.service(req).readable(try req.uuidParameter("id", thing: "Penyandang dana"), actor: try req.requireActor())
            return try await Self.service(req).statement(sponsor)
        }
        api.on(Self.link) { req in
            let actor = try req.requireActor()
            let id = try req.uuidParameter("id", thing: "Penyandang dana")
            // Who may read the sponsor but not manage users is told no (403); others learn nothing (404).
            let sponsor = try await Self.service(req).readable(id, actor: actor)
            guard let pemda = RegionCode(sponsor.pemdaCode), AccessPolicy.may(actor, .manageUsers, in: pemda) else {
                throw AccessError.forbidden
            }
            struct Body: Content { let username: String }
            let username = try req.content.decodeBounded(Body.self).username.lowercased()
            guard let user = try await AccessQueries(db: req.db).user(username: username),
                  try await AccessQueries(db: req.db).grants(of: user.id!).contains(where: { $0.role == Role.sponsor.rawValue && RegionCode($0.regionCode).map { $0.isWithin(pemda) || pemda.isWithin($0) } == true })
            else { throw AppError.invalid("sponsor_user_invalid", "Pengguna itu tidak ada atau tidak berperan penyandang dana di Pemda ini.") }
            try await req.db.transaction { tx in
                try await SponsorUserModel.query(on: tx).filter(\.$userID == user.id!).delete()
                let link = SponsorUserModel()
                link.id = UUID()
                link.userID = user.id!
                link.sponsorID = id
                try await link.create(on: tx)
                try await AuditTrail(db: tx, now: req.application.clock.now()).record(AuditEntry(
                    action: "sponsor.link_user", entity: "sponsor", entityID: id.uuidString, regionCode: sponsor.pemdaCode, note: username),
                    by: req.auditActor)
            }
            return try await Self.service(req).dto(sponsor)
        }
        web.get(Self.path.components, use: listPage)
        web.post(Self.path.components, use: createPage)
        web.get(Self.path.components + [":id"], use: showPage)
        web.post(Self.path.components + [":id", "komitmen"], use: pledgePage)
    }

    static func service(_ req: Request) -> SponsorService { SponsorService(db: req.db, now: req.application.clock.now()) }

    /// Sponsors of the Pemdas the actor runs or reads, plus the actor's own.
    static func visible(_ req: Request) async throws -> [SponsorModel] {
        let actor = try req.requireActor()
        let staff = Set((AccessPolicy.scopes(of: actor, for: .manageSettings) + AccessPolicy.scopes(of: actor, for: .approve)
                         + AccessPolicy.scopes(of: actor, for: .readAudit)).compactMap { $0.region.ancestor(at: .regency)?.dotted })
        var sponsors = staff.isEmpty ? [] : try await SponsorModel.query(on: req.db).filter(\.$pemdaCode ~~ Array(staff)).sort(\.$name).all()
        if let userID = UUID(uuidString: actor.userID) {
            let own = try await SponsorUserModel.query(on: req.db).filter(\.$userID == userID).all().map(\.sponsorID)
            if !own.isEmpty {
                sponsors += try await SponsorModel.query(on: req.db).filter(\.$id ~~ own).all().filter { s in !sponsors.contains { $0.id == s.id } }
            }
        }
        return sponsors
    }

    // MARK: Pages

    struct ListView: Encodable {
        struct Row: Encodable { let id: String; let name: String; let kind: String; let pledges: Int }
        struct Option: Encodable { let value: String; let label: String }
        let page: PageContext
        let rows: [Row]
        let canCreate: Bool
        let pemdas: [Option]
        let kinds: [Option]
        var error: String? = nil
    }

    private func listView(_ req: Request, error: String? = nil) async throws -> ListView {
        let actor = try req.requireActor()
        let sponsors = try await Self.visible(req)
        var rows: [ListView.Row] = []
        for s in sponsors {
            rows.append(.init(id: s.id!.uuidString, name: s.name, kind: PayerKind(rawValue: s.kind)?.indonesianName ?? s.kind,
                              pledges: try await PledgeModel.query(on: req.db).filter(\.$sponsorID == s.id!).count()))
        }
        let pemdas = Array(Set(AccessPolicy.scopes(of: actor, for: .manageSettings).compactMap { $0.region.ancestor(at: .regency) })).sorted()
        let names = try await RegionQueries(db: req.db).names(of: pemdas.map(\.dotted))
        return ListView(page: PageContext(title: "Penyandang dana", request: req), rows: rows, canCreate: !pemdas.isEmpty,
                        pemdas: pemdas.map { .init(value: $0.dotted, label: names[$0.dotted] ?? $0.dotted) },
                        kinds: PayerKind.allCases.map { .init(value: $0.rawValue, label: $0.indonesianName) }, error: error)
    }

    private func listPage(_ req: Request) async throws -> View {
        try await req.view.render("premiums/sponsors", try await listView(req))
    }

    private func createPage(_ req: Request) async throws -> Response {
        struct Form: Content { var pemda: String?; var kind: String?; var name: String?; var contact: String? }
        let form = try req.content.decodeBounded(Form.self)
        do {
            let sponsor = try await Self.service(req).create(SponsorInput(pemda: form.pemda ?? "", kind: form.kind ?? "", name: form.name ?? "",
                                                                          contact: form.contact), actor: try req.requireActor(), by: req.auditActor)
            return req.redirect(to: Self.path.path + "/" + sponsor.id!.uuidString)
        } catch let error as any DomainError where error.kind != .forbidden {
            let response = try await req.view.render("premiums/sponsors", try await listView(req, error: error.message)).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }

    struct ShowView: Encodable {
        struct Pledge: Encodable { let program: String; let programID: String; let period: String; let size: String; let used: String; let target: String }
        struct Option: Encodable { let value: String; let label: String }
        let page: PageContext
        let id: String
        let name: String
        let kind: String
        let segment: String
        let pledges: [Pledge]
        let statement: SponsorStatementDTO
        let total: String
        let canPledge: Bool
        let programs: [Option]
        var error: String? = nil
    }

    private func showView(_ req: Request, error: String? = nil) async throws -> ShowView {
        let actor = try req.requireActor()
        let service = Self.service(req)
        let sponsor = try await service.readable(try req.uuidParameter("id", thing: "Penyandang dana"), actor: actor)
        let dto = try await service.dto(sponsor)
        let programs = try await ProgramModel.query(on: req.db).filter(\.$regencyCode == sponsor.pemdaCode).sort(\.$startMonth, .descending).all()
        let programNames = Dictionary(uniqueKeysWithValues: programs.map { ($0.id!, $0.name) })
        let regionNames = try await RegionQueries(db: req.db).names(of: dto.pledges.compactMap(\.region))
        let occupationNames = Dictionary(uniqueKeysWithValues: try await OccupationModel.query(on: req.db).all().map { ($0.id!, $0.name) })
        func month(_ iso: String) -> String { YearMonth(iso: iso)?.indonesian ?? iso }
        let canPledge = RegionCode(sponsor.pemdaCode).map { AccessPolicy.may(actor, .manageSettings, in: $0) } ?? false
        let statement = try await service.statement(sponsor)
        return ShowView(
            page: PageContext(title: sponsor.name, request: req), id: sponsor.id!.uuidString, name: sponsor.name, kind: dto.kindName,
            segment: PayungCore.BPJSSegment(rawValue: sponsor.segment)?.indonesianName ?? sponsor.segment,
            pledges: dto.pledges.map { p in
                .init(program: programNames[p.programID] ?? "", programID: p.programID.uuidString, period: "\(month(p.fromMonth)) – \(month(p.throughMonth))",
                      size: p.amount.map { Rupiah($0).formatted } ?? "\(Count.id(p.participants ?? 0)) peserta x \(p.months ?? 0) bulan",
                      used: "\(Count.id(p.usedPersonMonths)) orang-bulan, \(Rupiah(p.usedRupiah).formatted)",
                      target: [p.region.map { code in regionNames[code].flatMap { n in RegionCode(code).map { $0.placeName(n) } } ?? code },
                              p.occupation.map { occupationNames[$0] ?? $0 }]
                        .compactMap { $0 }.joined(separator: ", "))
            },
            statement: statement, total: Rupiah(statement.rupiah).formatted, canPledge: canPledge,
            programs: programs.map { .init(value: $0.id!.uuidString, label: $0.name) }, error: error)
    }

    private func showPage(_ req: Request) async throws -> View {
        try await req.view.render("premiums/sponsor", try await showView(req))
    }

    private func pledgePage(_ req: Request) async throws -> Response {
        struct Form: Content {
            var programID: UUID?; var fromMonth: String?; var throughMonth: String?; var amount: String?; var participants: Int?; var months: Int?
        }
        let form = try req.content.decodeBounded(Form.self)
        let id = try req.uuidParameter("id", thing: "Penyandang dana")
        do {
            var amount: Int64?
            if let text = form.amount?.nilIfBlank {
                guard let parsed = Rupiah(parsing: text) else { throw AppError.invalid("pledge_amount_invalid", "Tulis nilai seperti 50000000 atau Rp50.000.000.") }
                amount = parsed.amount
            }
            _ = try await Self.service(req).pledge(id, PledgeInput(programID: form.programID ?? UUID(), fromMonth: form.fromMonth ?? "",
                                                                   throughMonth: form.throughMonth ?? "", amount: amount,
                                                                   participants: amount == nil ? form.participants : nil,
                                                                   months: amount == nil ? form.months : nil),
                                                   actor: try req.requireActor(), by: req.auditActor)
            return req.redirect(to: Self.path.path + "/" + id.uuidString)
        } catch let error as any DomainError where error.kind != .notFound {
            let response = try await req.view.render("premiums/sponsor", try await showView(req, error: error.message)).encodeResponse(for: req)
            response.status = error.kind.status
            return response
        }
    }
}
