import PayungCore
import Vapor

extension Request {
    /// The actor, when they may take `action` somewhere; 403 otherwise.
    func requireActor(allowedTo action: Action) throws -> Actor {
        let actor = try requireActor()
        guard AccessPolicy.mayAnywhere(actor, action) else { throw AccessError.forbidden }
        return actor
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
                                                       page: PageRequest(self))
        try await audit.record(AuditEntry(action: "audit.read", entity: "audit_events",
                                          note: "page \(page.page.number), \(page.items.count) rows"), by: auditActor)
        return (filter, page)
    }
}
