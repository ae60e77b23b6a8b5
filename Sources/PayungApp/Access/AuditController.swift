import PayungCore
import Vapor

/// The auditor's page: the trail within their scope, filtered and paged.
struct AuditController {
    struct Row: Encodable {
        let at: String
        let actor: String
        let source: String
        let actionName: String
        let action: String
        let entity: String
        let entityID: String
        let region: String
        let regionCode: String
        let changes: [String]
        let note: String
    }

    struct Context: Encodable {
        let page: PageContext
        let rows: [Row]
        let filter: [String: String]
        let pager: PagerContext
    }

    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.audit.components, use: list)
    }

    private func list(_ req: Request) async throws -> View {
        let (filter, page) = try await req.readAuditTrail()
        let formatter = DateFormatter()
        formatter.timeZone = .jakarta
        formatter.dateFormat = "HH:mm:ss"
        let names = try await RegionQueries(db: req.db).names(of: Array(Set(page.items.compactMap(\.regionCode))))
        let rows = page.items.map { e in
            Row(at: CalendarDate(e.at).indonesian + " " + formatter.string(from: e.at), actor: e.actor, source: e.source,
                actionName: AuditWords.action(e.action), action: e.action, entity: AuditWords.entity(e.entity),
                entityID: e.entityID ?? "",
                region: e.regionCode.map { code in names[code].flatMap { name in RegionCode(code).map { $0.placeName(name) } } ?? code } ?? "",
                regionCode: e.regionCode ?? "",
                changes: (e.changes ?? [:]).sorted { $0.key < $1.key }.map { AuditWords.change($0.key, old: $0.value.old, new: $0.value.new) },
                note: e.note ?? "")
        }
        let query = ["actor": filter.actor ?? "", "action": filter.action ?? "", "entity": filter.entity ?? "",
                     "entityId": filter.entityID ?? "", "from": filter.from?.iso ?? "", "to": filter.to?.iso ?? ""]
        return try await req.view.render("access/audit", Context(
            page: PageContext(title: "Jejak audit", request: req), rows: rows, filter: query,
            pager: PagerContext(page, path: WebPath.audit.path, query: query)))
    }
}
