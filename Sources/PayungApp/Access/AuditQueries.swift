import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// One audit row as clients see it.
struct AuditEventDTO: Content {
    let id: Int64
    let at: Date
    let actor: String
    let source: String
    let action: String
    let entity: String
    let entityID: String?
    let regionCode: String?
    let changes: [String: FieldChange]?
    let note: String?

    static let schema: JSON = Schema.object([
        "id": Schema.integer(), "at": Schema.string(format: "date-time"), "actor": Schema.string(),
        "source": Schema.string("web/api/cli and the client address"), "action": Schema.string(example: "user.create"),
        "entity": Schema.string(example: "user"), "entityID": Schema.string(), "regionCode": Schema.string(),
        "changes": ["type": "object", "description": "field -> {old, new}",
                    "additionalProperties": Schema.object(["old": Schema.string(), "new": Schema.string()])],
        "note": Schema.string(),
    ], required: ["id", "at", "actor", "source", "action", "entity"])
}

/// Filters of the audit trail list.
struct AuditFilter: Sendable {
    var actor: String? = nil
    var action: String? = nil
    var entity: String? = nil
    var entityID: String? = nil
    var from: CalendarDate? = nil
    var to: CalendarDate? = nil

    static let empty = AuditFilter()

    private init() {}

    init(_ req: Request) {
        func text(_ key: String) -> String? {
            (try? req.query.get(String.self, at: key)).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        actor = text("actor")
        action = text("action")
        entity = text("entity")
        entityID = text("entityId")
        from = text("from").flatMap(CalendarDate.init(iso:))
        to = text("to").flatMap(CalendarDate.init(iso:))
    }

    static let queryParameters: [APIOperation.QueryParameter] = [
        .init(name: "actor", description: "Username", schema: Schema.string()),
        .init(name: "action", description: "Action, e.g. user.create (prefix match)", schema: Schema.string()),
        .init(name: "entity", description: "Entity, e.g. user", schema: Schema.string()),
        .init(name: "entityId", description: "Entity id", schema: Schema.string()),
        .init(name: "from", description: "First day, YYYY-MM-DD (WIB)", schema: Schema.string(format: "date")),
        .init(name: "to", description: "Last day, YYYY-MM-DD (WIB)", schema: Schema.string(format: "date")),
    ]
}

/// Reads the audit trail, newest first, within the reader's scopes (in SQL).
struct AuditQueries {
    let db: any Database

    func list(_ filter: AuditFilter, scopes: [AccessScope], page: PageRequest) async throws -> Page<AuditEventDTO> {
        guard !scopes.isEmpty else { return Page(items: [], page: page, total: 0) }
        func base(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
            var q = select.from("audit_events")
                .where(SQLRaw("(" + AccessQueries.scopeCondition(scopes) + ")"))
            if let actor = filter.actor { q = q.where("actor_username", .equal, actor.lowercased()) }
            if let action = filter.action { q = q.where("action", .like, action + "%") }
            if let entity = filter.entity { q = q.where("entity", .equal, entity) }
            if let id = filter.entityID { q = q.where("entity_id", .equal, id) }
            if let from = filter.from { q = q.where("at", .greaterThanOrEqual, SQLBind(Self.startOfDay(from))) }
            if let to = filter.to { q = q.where("at", .lessThan, SQLBind(Self.startOfDay(to).addingTimeInterval(86_400))) }
            return q
        }
        struct Count: Decodable { let n: Int }
        let total = try await base(db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .first(decoding: Count.self)?.n ?? 0
        struct Row: Decodable {
            let id: Int64; let at: Date; let actor_username: String; let source: String; let action: String
            let entity: String; let entity_id: String?; let region_code: String?; let changes: String?; let note: String?
        }
        let rows = try await base(db.sql.select().columns("id", "at", "actor_username", "source", "action", "entity",
                                                           "entity_id", "region_code", "changes", "note"))
            .orderBy("id", .descending).limit(page.size).offset(page.offset).all(decoding: Row.self)
        let items = rows.map { r in
            AuditEventDTO(id: r.id, at: r.at, actor: r.actor_username, source: r.source, action: r.action, entity: r.entity,
                          entityID: r.entity_id, regionCode: r.region_code,
                          changes: r.changes.flatMap { try? JSONDecoder().decode([String: FieldChange].self, from: Data($0.utf8)) },
                          note: r.note)
        }
        return Page(items: items, page: page, total: total)
    }

    /// Midnight WIB of a day, as an instant.
    static func startOfDay(_ day: CalendarDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .jakarta
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
    }
}
