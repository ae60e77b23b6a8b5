import PayungCore
import Vapor

extension Request {
    /// The actor, when they may take `action` somewhere; 403 otherwise.
    func requireActor(allowedTo action: Action) throws -> Actor {
        let actor = try requireActor()
        guard AccessPolicy.mayAnywhere(actor, action) else { throw AccessError.forbidden }
        return actor
    }

    /// The Pemda whose registry receives a roster from `actor`: the one asked
    /// for, which the actor must hold `.importExport` over, or the actor's
    /// only one. Records of other Pemdas are out of reach either way.
    func registryPemda(_ actor: Actor, requested: String?) throws -> RegionCode {
        let allowed = AccessPolicy.pemdas(of: actor, for: .importExport)
        if let requested = requested?.trimmingCharacters(in: .whitespaces), !requested.isEmpty {
            guard let code = RegionCode(requested), code.level == .regency else {
                throw AppError.invalid("pemda_invalid", "Kode Pemda \"\(requested.prefix(20))\" tidak valid (kabupaten/kota, mis. 33.75).")
            }
            guard allowed.contains(code) else { throw AccessError.forbidden }
            return code
        }
        guard let only = allowed.first else { throw AccessError.forbidden }
        guard allowed.count == 1 else {
            throw AppError.invalid("pemda_required", "Anda bertugas di lebih dari satu Pemda: pilih Pemda penerima (\(allowed.map(\.dotted).joined(separator: ", "))).")
        }
        return only
    }

    /// An optional UUID filter in the query (`?program=`): absent or empty is
    /// nil, anything else that is not a UUID is a 400, never silently ignored.
    func uuidQuery(_ name: String) throws -> UUID? {
        guard let raw = query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else {
            throw AppError.badRequest("\(name)_invalid", "Parameter \"\(name)\" harus berupa id (UUID).")
        }
        return id
    }

    /// A UUID path parameter; a malformed one is "not found", like a missing record.
    func uuidParameter(_ name: String, thing: String) throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else { throw AppError.notFound(thing) }
        return id
    }

    /// One page of the audit trail within the reader's scope; the read is itself logged.
    func readAuditTrail() async throws -> (AuditFilter, Page<AuditEventDTO>) {
        let actor = try requireActor(allowedTo: .readAudit)
        let filter = AuditFilter(self)
        let page = try await AuditQueries(db: db).list(filter, scopes: AccessPolicy.scopes(of: actor, for: .readAudit),
                                                       page: try PageRequest(self))
        try await audit.record(AuditEntry(action: "audit.read", entity: "audit_events",
                                          note: "page \(page.page.number), \(page.items.count) rows"), by: auditActor)
        return (filter, page)
    }
}
