import Fluent
import Foundation
import PayungCore
import Vapor

/// The tariff page (/admin/tarif) with its forms: a version (new, or in
/// place of one), a discount, a Pemda's payer-kind answers; and the page
/// that changes a version no month was priced with. Forms post as the
/// other pages' do (CSRF checked by the protected routes).
extension TariffController {
    struct Option: Encodable { let value: String; let label: String }

    /// A version's form: what was entered, and what is wrong with it by field.
    struct VersionForm: Encodable {
        struct Row: Encodable { let n: Int; let lower: String; let upper: String; let basis: String; let error: String?; var focus = false }
        var action = TariffController.path.path + "/versi"
        var name = "", legalBasis = "", from = "", through = "", jkkBasisPoints = "100", jkm = "6800", jhtBasisPoints = "200"
        var supersedes = ""
        var rows: [Row] = (1...5).map { Row(n: $0, lower: "", upper: "", basis: "", error: nil) }
        var errors: [String: String] = [:]
        var firstInvalid: String? = nil
    }

    struct DiscountForm: Encodable {
        var name = "", legalBasis = "", from = "", through = "", offBasisPoints = "5000"
        var transport = false, other = false
        var errors: [String: String] = [:]
        var firstInvalid: String? = nil
    }

    struct PageView: Encodable {
        struct Version: Encodable {
            let id: String; let name: String; let basis: String; let period: String; let rates: String; let brackets: [String]
            let priced: String; let used: Bool
        }
        struct Discount: Encodable { let id: String; let name: String; let basis: String; let period: String; let sectors: String; let off: String; let used: Bool }
        struct Payer: Encodable { let kind: String; let name: String; let excluded: String; let checked: Bool; let confirmed: Bool; let segment: String }
        let page: PageContext
        let versions: [Version]
        let discounts: [Discount]
        let payers: [Payer]
        let canWrite: Bool
        let pemda: String?
        let pemdaName: String?
        let supersedable: [Option]
        var form = VersionForm()
        var discount = DiscountForm()
        var error: String? = nil
    }

    static func percent(_ bp: Int) -> String {
        bp % 100 == 0 ? "\(bp / 100)%" : String(format: "%.2f%%", Double(bp) / 100).replacingOccurrences(of: ".", with: ",")
    }

    static func pageView(_ req: Request) async throws -> PageView {
        let book = try await Self.book(req)
        let actor = try req.requireActor()
        func month(_ iso: String?) -> String { iso.flatMap(YearMonth.init(iso:))?.indonesian ?? "seterusnya" }
        let pemdaName = try await book.pemda.asyncMap { try await RegionQueries(db: req.db).names(of: [$0])[$0] ?? $0 }
        return PageView(
            page: PageContext(title: "Tarif iuran", request: req),
            versions: book.versions.map { v in
                .init(id: v.id, name: v.name, basis: v.legalBasis, period: "\(month(v.from)) – \(month(v.through))",
                      rates: "JKK \(percent(v.jkkBasisPoints)) dari upah, JKM \(Rupiah(v.jkm).formatted), JHT \(percent(v.jhtBasisPoints)) (bila dipilih)",
                      brackets: v.brackets.map { b in
                          "\(b.lower.formatted) – \(b.upper?.formatted ?? "ke atas"): upah dasar \(b.basis.formatted), JKK \(Rupiah((b.basis.amount * Int64(v.jkkBasisPoints) + 5_000) / 10_000).formatted)"
                      },
                      priced: Count.id(v.pricedMonths), used: v.pricedMonths > 0)
            },
            discounts: book.discounts.map { d in
                .init(id: d.id, name: d.name, basis: d.legalBasis, period: "\(month(d.from)) – \(month(d.through))",
                      sectors: d.sectors.compactMap { WorkSector(rawValue: $0)?.indonesianName }.joined(separator: ", "),
                      off: percent(d.offBasisPoints), used: d.pricedMonths > 0)
            },
            payers: book.payers.map { .init(kind: $0.kind, name: $0.name, excluded: $0.excludedFromDiscount ? "tidak mendapat keringanan" : "mendapat keringanan",
                                            checked: $0.excludedFromDiscount, confirmed: $0.confirmed, segment: $0.segment) },
            canWrite: TariffAdmin.mayWriteBook(actor), pemda: book.pemda, pemdaName: pemdaName,
            supersedable: book.versions.map { .init(value: $0.id, label: "\($0.name) (\(month($0.from)) – \(month($0.through)))") })
    }

    /// The page again with the error where it belongs, and the status it means.
    static func rerender(_ req: Request, _ template: String, status: HTTPResponseStatus, _ view: some Encodable) async throws -> Response {
        let response = try await req.view.render(template, view).encodeResponse(for: req)
        response.status = status
        return response
    }

    func registerPages(web: any RoutesBuilder) {
        let base = Self.path.components
        web.get(base) { req async throws -> View in try await req.view.render("premiums/tariffs", try await Self.pageView(req)) }
        web.post(base + ["versi"]) { req async throws -> Response in
            let form = try req.content.decodeBounded(TariffFormFields.self)
            let fields = form.version
            do {
                _ = try await Self.admin(req).addVersion(fields, supersedes: form["supersedes"], actor: try req.requireActor(), by: req.auditActor)
                return req.redirect(to: Self.path.path + "?ok=tariff_saved")
            } catch let error as any DomainError where error.kind != .forbidden {
                var view = try await Self.pageView(req)
                view.form = form.versionForm(action: view.form.action, errors: Self.fieldErrors(error))
                return try await Self.rerender(req, "premiums/tariffs", status: error.kind.status, view)
            }
        }
        web.get(base + ["versi", ":id"]) { req async throws -> View in
            let actor = try req.requireActor()
            guard TariffAdmin.mayWriteBook(actor) else { throw AccessError.forbidden }
            let (view, _) = try await Self.editView(req)
            return try await req.view.render("premiums/tariff-version", view)
        }
        web.post(base + ["versi", ":id"]) { req async throws -> Response in
            let id = try Self.versionID(req)
            let form = try req.content.decodeBounded(TariffFormFields.self)
            do {
                _ = try await Self.admin(req).updateVersion(id, form.version, actor: try req.requireActor(), by: req.auditActor)
                return req.redirect(to: Self.path.path + "?ok=tariff_saved")
            } catch let error as any DomainError where error.kind != .forbidden && error.kind != .notFound {
                var (view, _) = try await Self.editView(req)
                view.form = form.versionForm(action: view.form.action, errors: Self.fieldErrors(error))
                return try await Self.rerender(req, "premiums/tariff-version", status: error.kind.status, view)
            }
        }
        web.post(base + ["versi", ":id", "hapus"]) { req async throws -> Response in
            try await Self.pageAction(req) { try await Self.admin(req).deleteVersion(try Self.versionID(req), actor: $0, by: req.auditActor) }
        }
        web.post(base + ["keringanan"]) { req async throws -> Response in
            let form = try req.content.decodeBounded(TariffFormFields.self)
            do {
                _ = try await Self.admin(req).addDiscount(form.discount, actor: try req.requireActor(), by: req.auditActor)
                return req.redirect(to: Self.path.path + "?ok=tariff_saved")
            } catch let error as any DomainError where error.kind != .forbidden {
                var view = try await Self.pageView(req)
                view.discount = form.discountForm(errors: Self.fieldErrors(error))
                return try await Self.rerender(req, "premiums/tariffs", status: error.kind.status, view)
            }
        }
        web.post(base + ["keringanan", ":id", "hapus"]) { req async throws -> Response in
            try await Self.pageAction(req) {
                _ = try await Self.admin(req).changeDiscount(try Self.versionID(req, thing: "Keringanan"), nil, actor: $0, by: req.auditActor)
            }
        }
        web.post(base + ["penyandang"]) { req async throws -> Response in
            let form = try req.content.decodeBounded(TariffFormFields.self)
            return try await Self.pageAction(req) { actor in
                let pemda = try TariffAdmin.pemda(of: actor, requested: form["pemda"])
                let answers = Dictionary(uniqueKeysWithValues: PayerKind.allCases.map { ($0, form["excluded_\($0.rawValue)"] == "1") })
                try await Self.admin(req).setPayerKinds(answers, pemda: pemda, actor: actor, by: req.auditActor)
            }
        }
    }

    /// A button's action: done, back to the page; refused, the page with why.
    static func pageAction(_ req: Request, _ body: (Actor) async throws -> Void) async throws -> Response {
        let actor = try req.requireActor()
        do {
            try await body(actor)
            return req.redirect(to: Self.path.path + "?ok=tariff_saved")
        } catch let error as any DomainError where error.kind == .conflict || error.kind == .invalidInput {
            var view = try await Self.pageView(req)
            view.error = error.message
            return try await Self.rerender(req, "premiums/tariffs", status: error.kind.status, view)
        }
    }

    /// A version's own page, its form filled with what is stored; a version
    /// that priced months says so and has no form.
    static func editView(_ req: Request) async throws -> (EditView, TariffVersion) {
        let id = try versionID(req)
        guard let row = try await TariffVersionModel.find(id, on: req.db) else { throw AppError.notFound("Versi tarif") }
        let version = try TariffQueries.core(row)
        let usage = try await TariffQueries(db: req.db).usage(version: id)
        var form = VersionForm()
        form.action = path.path + "/versi/" + id
        form.name = version.name; form.legalBasis = version.legalBasis; form.from = version.from.iso; form.through = version.through?.iso ?? ""
        form.jkkBasisPoints = String(version.jkkBasisPoints); form.jkm = String(version.jkm.amount); form.jhtBasisPoints = String(version.jhtBasisPoints)
        let filled = version.brackets.enumerated().map { i, b in
            VersionForm.Row(n: i + 1, lower: String(b.lower.amount), upper: b.upper.map { String($0.amount) } ?? "", basis: String(b.basis.amount), error: nil)
        }
        form.rows = filled + (filled.count + 1...min(TariffLimits.brackets.upperBound, filled.count + 2)).map {
            VersionForm.Row(n: $0, lower: "", upper: "", basis: "", error: nil)
        }
        let used = usage.months > 0 ? TariffError.used("Versi \(version.name)", months: usage.months).message : nil
        return (EditView(page: PageContext(title: version.name, request: req), name: version.name, used: used, form: form), version)
    }

    struct EditView: Encodable {
        let page: PageContext
        let name: String
        let used: String?
        var form: VersionForm
        let supersedable: [Option] = []
    }

    static func fieldErrors(_ error: any DomainError) -> [String: String] {
        (error as? TariffFieldsError)?.fields ?? ["form": error.message]
    }
}
