import PayungCore
import Vapor

/// The auditor's page: the trail within their scope, filtered and paged.
struct AuditController {
    /// Audit actions in words for the page; the code stays beside it.
    static let actionNames: [String: String] = [
        "session.login": "Masuk", "session.login_failed": "Gagal masuk", "session.logout": "Keluar",
        "user.create": "Pengguna dibuat", "user.grant_add": "Peran ditambah", "user.grant_remove": "Peran dihapus",
        "user.activate": "Pengguna diaktifkan", "user.deactivate": "Pengguna dinonaktifkan",
        "user.password_set": "Kata sandi diganti", "token.create": "Token dibuat", "token.revoke": "Token dicabut",
        "audit.read": "Jejak audit dibaca", "regions.import": "Daftar wilayah dimuat",
    ]

    struct Row: Encodable {
        let at: String
        let actor: String
        let source: String
        let actionName: String
        let action: String
        let entity: String
        let entityID: String
        let region: String
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
        let rows = page.items.map { e in
            Row(at: CalendarDate(e.at).indonesian + " " + formatter.string(from: e.at), actor: e.actor, source: e.source,
                actionName: Self.actionNames[e.action] ?? e.action, action: e.action, entity: e.entity, entityID: e.entityID ?? "", region: e.regionCode ?? "",
                changes: (e.changes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.old ?? "–") → \($0.value.new ?? "–")" },
                note: e.note ?? "")
        }
        let query = ["actor": filter.actor ?? "", "action": filter.action ?? "", "entity": filter.entity ?? "",
                     "entityId": filter.entityID ?? "", "from": filter.from?.iso ?? "", "to": filter.to?.iso ?? ""]
        return try await req.view.render("access/audit", Context(
            page: PageContext(title: "Jejak audit", request: req), rows: rows, filter: query,
            pager: PagerContext(page, path: WebPath.audit.path, query: query)))
    }
}
