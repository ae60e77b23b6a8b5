import Fluent
import Foundation
import PayungCore
import Vapor

/// One income bracket as the API sends it (whole rupiah).
struct TariffBracketInput: Content, Sendable {
    var lower: Int64
    var upper: Int64?
    var basis: Int64
}

/// A tariff version as an admin enters it (`POST /api/v1/tariffs/versions`).
struct TariffVersionInput: Content, Sendable {
    var name: String
    var legalBasis: String
    /// `YYYY-MM`: the first contribution month it prices.
    var from: String
    /// `YYYY-MM` or absent: in force until superseded.
    var through: String?
    var jkkBasisPoints: Int
    var jkm: Int64
    var jhtBasisPoints: Int
    var brackets: [TariffBracketInput]
}

/// A dated discount as an admin enters it.
struct TariffDiscountInput: Content, Sendable {
    var name: String
    var legalBasis: String
    var from: String
    var through: String
    /// `transport`, `other`.
    var sectors: [String]
    var offBasisPoints: Int
}

/// A Pemda's answer for one payer kind.
struct PayerKindInput: Content, Sendable {
    var excludedFromDiscount: Bool
    /// The Pemda (`33.75`); absent: the caller's own.
    var pemda: String?
}

/// What the API or a form sent for a version, parsed as far as it goes;
/// `errors` holds what could not be read (a number that is not one).
struct TariffVersionFields: Sendable {
    struct Bracket: Sendable { var row: Int; var lower: Int64?; var upper: Int64?; var basis: Int64? }
    var name = "", legalBasis = "", from = "", through: String? = nil
    var jkk: Int? = nil, jkm: Int64? = nil, jht: Int? = nil
    var brackets: [Bracket] = []
    var errors: [String: String] = [:]

    init() {}

    init(_ input: TariffVersionInput) {
        name = input.name; legalBasis = input.legalBasis; from = input.from; through = input.through
        jkk = input.jkkBasisPoints; jkm = input.jkm; jht = input.jhtBasisPoints
        brackets = input.brackets.enumerated().map { .init(row: $0.offset + 1, lower: $0.element.lower, upper: $0.element.upper, basis: $0.element.basis) }
    }

    /// The core version, or every field that is wrong.
    func version(id: String) throws(TariffError) -> TariffVersion {
        var errors = self.errors
        let fromMonth = YearMonth(iso: from.trimmingCharacters(in: .whitespaces))
        if fromMonth == nil { errors["from"] = "Bulan mulai ditulis TTTT-BB, mis. 2027-01." }
        var throughMonth: YearMonth?
        if let text = through?.nilIfBlank {
            throughMonth = YearMonth(iso: text)
            if throughMonth == nil { errors["through"] = "Bulan akhir ditulis TTTT-BB, atau kosong bila berlaku sampai digantikan." }
        }
        if jkk == nil { errors["jkkBasisPoints"] = errors["jkkBasisPoints"] ?? "JKK wajib diisi dalam basis poin (100 = 1%)." }
        if jkm == nil { errors["jkm"] = errors["jkm"] ?? "JKM wajib diisi dalam rupiah." }
        if jht == nil { errors["jhtBasisPoints"] = errors["jhtBasisPoints"] ?? "JHT wajib diisi dalam basis poin (200 = 2%)." }
        var brackets: [IncomeBracket] = [], rows: [Int] = []
        for b in self.brackets {
            guard let lower = b.lower, let basis = b.basis else {
                errors["bracket\(b.row)"] = errors["bracket\(b.row)"] ?? "Rentang \(b.row): isi batas bawah dan upah dasar."
                continue
            }
            brackets.append(IncomeBracket(lower: Rupiah(lower), upper: b.upper.map(Rupiah.init), basis: Rupiah(basis)))
            rows.append(b.row)
        }
        let version = TariffVersion(id: id, name: name.trimmingCharacters(in: .whitespaces), legalBasis: legalBasis.trimmingCharacters(in: .whitespaces),
                                    from: fromMonth ?? TariffLimits.firstMonth, through: throughMonth,
                                    jkkBasisPoints: jkk ?? 0, jkm: Rupiah(jkm ?? 0), jhtBasisPoints: jht ?? 0, brackets: brackets)
        for (field, why) in version.problems where errors[field] == nil && !(field == "brackets" && !self.brackets.isEmpty && brackets.isEmpty) {
            // A bracket's problem is told at the row it was entered on.
            if field.hasPrefix("bracket"), let i = Int(field.dropFirst("bracket".count)), i >= 1, i <= rows.count {
                errors["bracket\(rows[i - 1])"] = why.replacingOccurrences(of: "Rentang \(i)", with: "Rentang \(rows[i - 1])")
            } else if !(fromMonth == nil && field == "through") {
                errors[field] = why
            }
        }
        guard errors.isEmpty else { throw .invalidFields(errors) }
        return version
    }
}

/// Who may change the tariff book, and the changes, each audited in the
/// transaction that makes it. Versions and discounts transcribe national
/// regulation and price every Pemda's months: only an admin (who holds
/// `manageSettings`) writes them. Payer-kind answers are a Pemda's own:
/// whoever manages that Pemda's settings writes them.
struct TariffAdmin {
    let db: any Database
    let now: Date

    static func mayWriteBook(_ actor: Actor) -> Bool {
        actor.roles.contains(.admin) && AccessPolicy.mayAnywhere(actor, .manageSettings)
    }

    /// The Pemda whose payer-kind answers `actor` reads or writes: the one
    /// asked for (which the actor must manage), else the actor's first.
    static func pemda(of actor: Actor, requested: String?) throws -> RegionCode {
        if let text = requested?.nilIfBlank {
            guard let code = RegionCode(text), code.level == .regency, AccessPolicy.may(actor, .manageSettings, in: code) else {
                throw AccessError.forbidden
            }
            return code
        }
        guard let own = AccessPolicy.scopes(of: actor, for: .manageSettings).compactMap({ $0.region.ancestor(at: .regency) }).first else {
            throw AccessError.forbidden
        }
        return own
    }

    private var queries: TariffQueries { TariffQueries(db: db) }

    private func check(_ body: () throws(TariffError) -> TariffBook) throws {
        do { _ = try body() } catch { throw Self.presented(error) }
    }

    static func presented(_ error: TariffError) -> any Error {
        switch error {
        case .invalidFields(let fields): TariffFieldsError(fields: fields)
        case .overlapping, .used, .supersededTooEarly: AppError(code: error.code, message: error.message, kind: .conflict)
        default: AppError(code: error.code, message: error.message, kind: .invalidInput)
        }
    }

    private func built(_ fields: TariffVersionFields, id: String) throws -> TariffVersion {
        do { return try fields.version(id: id) } catch { throw Self.presented(error) }
    }

    // MARK: Versions

    /// Adds a version; with `supersedes`, closes that version the month
    /// before the new one starts, in the same transaction.
    func addVersion(_ fields: TariffVersionFields, supersedes: String?, actor: Actor, by auditActor: AuditActor) async throws -> TariffVersionModel {
        guard Self.mayWriteBook(actor) else { throw AccessError.forbidden }
        _ = try built(fields, id: "baru")
        return try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            try await q.lockBook()
            var old: TariffVersionModel?
            if let supersedes {
                guard let row = try await TariffVersionModel.find(supersedes, on: tx) else { throw AppError.notFound("Versi tarif") }
                old = row
            }
            let draft = try built(fields, id: "baru")
            let id = try await q.freeID("tarif-\(draft.from.iso)", in: "tariff_versions")
            let version = try built(fields, id: id)
            let book = try await q.book()
            if let old {
                let usage = try await q.usage(version: old.id!)
                let closed = try TariffQueries.core(old)
                try check { () throws(TariffError) in try book.superseding(closed, by: version, lastPriced: usage.last) }
                let before = old.throughMonth
                old.throughMonth = version.from.advanced(by: -1).iso
                try await old.update(on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "tariff.version_supersede", entity: "tariff_version", entityID: old.id!,
                    changes: ["through_month": .init(old: before, new: old.throughMonth)], note: "digantikan \(id)"), by: auditActor)
            } else {
                try check { () throws(TariffError) in try book.replacing(version) }
            }
            let row = TariffVersionModel()
            try row.set(version)
            row.createdAt = now
            row.createdBy = auditActor.username
            try await row.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "tariff.version_add", entity: "tariff_version", entityID: id,
                changes: AuditTrail.diff(old: [:], new: Self.audited(version)), note: old.map { "menggantikan \($0.id!)" }), by: auditActor)
            return row
        }
    }

    /// Changes a version no person-month was priced with.
    func updateVersion(_ id: String, _ fields: TariffVersionFields, actor: Actor, by auditActor: AuditActor) async throws -> TariffVersionModel {
        guard Self.mayWriteBook(actor) else { throw AccessError.forbidden }
        return try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            try await q.lockBook()
            guard let row = try await TariffVersionModel.find(id, on: tx) else { throw AppError.notFound("Versi tarif") }
            let months = try await q.usage(version: id).months
            guard months == 0 else { throw Self.presented(.used("Versi \(row.name)", months: months)) }
            let before = try TariffQueries.core(row)
            let version = try built(fields, id: id)
            let book = try await q.book()
            try check { () throws(TariffError) in try book.replacing(version) }
            try row.set(version)
            try await row.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "tariff.version_update", entity: "tariff_version", entityID: id,
                changes: AuditTrail.diff(old: Self.audited(before), new: Self.audited(version))), by: auditActor)
            return row
        }
    }

    /// Deletes a version no person-month was priced with.
    func deleteVersion(_ id: String, actor: Actor, by auditActor: AuditActor) async throws {
        guard Self.mayWriteBook(actor) else { throw AccessError.forbidden }
        try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            try await q.lockBook()
            guard let row = try await TariffVersionModel.find(id, on: tx) else { throw AppError.notFound("Versi tarif") }
            let months = try await q.usage(version: id).months
            guard months == 0 else { throw Self.presented(.used("Versi \(row.name)", months: months)) }
            let before = try TariffQueries.core(row)
            try await row.delete(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "tariff.version_delete", entity: "tariff_version", entityID: id,
                changes: AuditTrail.diff(old: Self.audited(before), new: [:])), by: auditActor)
        }
    }

    static func audited(_ v: TariffVersion) -> [String: String?] {
        ["name": v.name, "legal_basis": v.legalBasis, "from_month": v.from.iso, "through_month": v.through?.iso,
         "jkk_bp": String(v.jkkBasisPoints), "jkm": String(v.jkm.amount), "jht_bp": String(v.jhtBasisPoints),
         "brackets": v.brackets.map { "\($0.lower.amount)-\($0.upper.map { String($0.amount) } ?? ""):\($0.basis.amount)" }.joined(separator: " ")]
    }

    // MARK: Discounts

    /// The core discount from what was sent, or every field that is wrong.
    static func discount(_ input: TariffDiscountInput, id: String) throws -> TariffDiscount {
        var errors: [String: String] = [:]
        let from = YearMonth(iso: input.from.trimmingCharacters(in: .whitespaces))
        let through = YearMonth(iso: input.through.trimmingCharacters(in: .whitespaces))
        if from == nil { errors["from"] = "Bulan mulai ditulis TTTT-BB, mis. 2026-01." }
        if through == nil { errors["through"] = "Bulan akhir ditulis TTTT-BB, mis. 2026-12." }
        let sectors = input.sectors.compactMap(WorkSector.init(rawValue:))
        if sectors.count != input.sectors.count { errors["sectors"] = "Sektor: transport atau other." }
        let discount = TariffDiscount(id: id, name: input.name.trimmingCharacters(in: .whitespaces),
                                      legalBasis: input.legalBasis.trimmingCharacters(in: .whitespaces),
                                      from: from ?? TariffLimits.firstMonth, through: through ?? from ?? TariffLimits.firstMonth,
                                      sectors: Set(sectors), offBasisPoints: input.offBasisPoints)
        for (field, why) in discount.problems where errors[field] == nil && !((from == nil || through == nil) && field == "through") {
            errors[field] = why
        }
        guard errors.isEmpty else { throw TariffFieldsError(fields: errors) }
        return discount
    }

    func addDiscount(_ input: TariffDiscountInput, actor: Actor, by auditActor: AuditActor) async throws -> TariffDiscountModel {
        guard Self.mayWriteBook(actor) else { throw AccessError.forbidden }
        let draft = try Self.discount(input, id: "baru")
        return try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            try await q.lockBook()
            let id = try await q.freeID("keringanan-\(draft.from.iso)-\(draft.sectors.map(\.rawValue).sorted().joined(separator: "-"))",
                                        in: "tariff_discounts")
            let discount = try Self.discount(input, id: id)
            let book = try await q.book()
            try check { () throws(TariffError) in try book.replacing(discount) }
            let row = TariffDiscountModel()
            try row.set(discount)
            row.createdAt = now
            row.createdBy = auditActor.username
            try await row.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "tariff.discount_add", entity: "tariff_discount", entityID: id,
                changes: AuditTrail.diff(old: [:], new: Self.audited(discount))), by: auditActor)
            return row
        }
    }

    /// Changes (input) or deletes (nil) a discount no person-month was priced with.
    func changeDiscount(_ id: String, _ input: TariffDiscountInput?, actor: Actor, by auditActor: AuditActor) async throws -> TariffDiscountModel? {
        guard Self.mayWriteBook(actor) else { throw AccessError.forbidden }
        return try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            try await q.lockBook()
            guard let row = try await TariffDiscountModel.find(id, on: tx) else { throw AppError.notFound("Keringanan") }
            let months = try await q.usage(discount: id)
            guard months == 0 else {
                throw AppError(code: "tariff_discount_used",
                               message: "Keringanan \(row.name) sudah dipakai menghitung \(months) bulan-orang; tambahkan keringanan baru sesudahnya.",
                               kind: .conflict)
            }
            let before = Self.audited(try TariffQueries.core(row))
            guard let input else {
                try await row.delete(on: tx)
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "tariff.discount_delete", entity: "tariff_discount", entityID: id,
                    changes: AuditTrail.diff(old: before, new: [:])), by: auditActor)
                return nil
            }
            let discount = try Self.discount(input, id: id)
            let book = try await q.book()
            try check { () throws(TariffError) in try book.replacing(discount) }
            try row.set(discount)
            try await row.update(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "tariff.discount_update", entity: "tariff_discount", entityID: id,
                changes: AuditTrail.diff(old: before, new: Self.audited(discount))), by: auditActor)
            return row
        }
    }

    static func audited(_ d: TariffDiscount) -> [String: String?] {
        ["name": d.name, "legal_basis": d.legalBasis, "from_month": d.from.iso, "through_month": d.through.iso,
         "sectors": d.sectors.map(\.rawValue).sorted().joined(separator: ","), "off_bp": String(d.offBasisPoints)]
    }

    // MARK: Payer kinds

    /// Sets whether each kind pays without the discount in `pemda`, in one
    /// transaction; each answer that changes is audited.
    func setPayerKinds(_ answers: [PayerKind: Bool], pemda: RegionCode, actor: Actor, by auditActor: AuditActor) async throws {
        guard pemda.level == .regency, AccessPolicy.may(actor, .manageSettings, in: pemda) else { throw AccessError.forbidden }
        try await db.transaction { tx in
            let q = TariffQueries(db: tx)
            let current = try await q.exclusions(pemda: pemda.dotted)
            for kind in PayerKind.allCases {
                guard let excluded = answers[kind] else { continue }
                let before = current[kind] ?? kind.excludedFromDiscountByDefault
                try await q.setExclusion(pemda: pemda.dotted, kind: kind, excluded: excluded, at: now, by: auditActor.username)
                guard before != excluded else { continue }
                try await AuditTrail(db: tx, now: now).record(AuditEntry(
                    action: "tariff.payer_kind", entity: "payer_kind_setting", entityID: "\(pemda.dotted)/\(kind.rawValue)",
                    regionCode: pemda.dotted, changes: ["excluded_from_discount": .init(old: String(before), new: String(excluded))]),
                    by: auditActor)
            }
        }
    }
}

/// A version or discount with wrong fields: 422 `tariff_invalid`, the
/// messages by field for the page.
struct TariffFieldsError: DomainError {
    let fields: [String: String]
    var code: String { "tariff_invalid" }
    var kind: DomainErrorKind { .invalidInput }
    var message: String { TariffError.invalidFields(fields).message }
}
