import Fluent
import Foundation
import SQLKit
import Vapor

/// A changed field: its value before and after, as text (`nil` = absent).
struct FieldChange: Codable, Equatable, Sendable {
    let old: String?
    let new: String?
}

/// Who acted, for the audit trail: a user (web or API token) or the system
/// (a CLI command run on the server).
struct AuditActor: Sendable {
    let userID: UUID?
    let username: String
    /// `web`, `api`, `cli`, with the client address when there is one.
    let source: String
    /// Where the actor works (their widest grant): the region an event is
    /// filed under when the record itself has none.
    var homeRegion: String? = nil

    static func cli(_ command: String) -> AuditActor {
        AuditActor(userID: nil, username: "system", source: "cli:\(command)")
    }
}

/// One row of the audit trail, as written.
struct AuditEntry: Sendable {
    let action: String
    let entity: String
    var entityID: String? = nil
    var regionCode: String? = nil
    var changes: [String: FieldChange] = [:]
    var note: String? = nil
}

/// Writes the insert-only audit trail. Call it inside the same transaction as
/// the change it records, so both land or neither does.
struct AuditTrail {
    let db: any Database
    let now: Date

    func record(_ entry: AuditEntry, by actor: AuditActor) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let changes = entry.changes.isEmpty ? nil : String(decoding: try encoder.encode(entry.changes), as: UTF8.self)
        try await db.sql.insert(into: "audit_events")
            .columns("at", "actor_user_id", "actor_username", "source", "action", "entity", "entity_id",
                     "region_code", "changes", "note")
            .values(SQLBind(now), SQLBind(actor.userID), SQLBind(actor.username), SQLBind(actor.source),
                    SQLBind(entry.action), SQLBind(entry.entity), SQLBind(entry.entityID),
                    SQLBind(entry.regionCode ?? actor.homeRegion), SQLBind(changes), SQLBind(entry.note))
            .run()
    }

    /// The fields that differ between two snapshots of a record.
    static func diff(old: [String: String?], new: [String: String?]) -> [String: FieldChange] {
        var changes: [String: FieldChange] = [:]
        for key in Set(old.keys).union(new.keys) {
            let before = old[key] ?? nil, after = new[key] ?? nil
            if before != after { changes[key] = FieldChange(old: before, new: after) }
        }
        return changes
    }
}

extension Request {
    /// The audit trail on this request's database, with the injected clock.
    var audit: AuditTrail { AuditTrail(db: db, now: application.clock.now()) }

    /// The acting user as the audit trail names them.
    var auditActor: AuditActor {
        let address = clientAddress
        guard let auth = authenticated else { return AuditActor(userID: nil, username: "anonymous", source: "web \(address)") }
        return AuditActor(userID: auth.userID, username: auth.actor.username,
                          source: "\(auth.method == .token ? "api" : "web") \(address)",
                          homeRegion: auth.actor.grants.map(\.region).min { $0.segments.count < $1.segments.count }?.dotted)
    }
}
