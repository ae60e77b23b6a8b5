import PayungCore
import Vapor

/// What the base layout needs on every page.
struct PageContext: Encodable {
    struct NavItem: Encodable {
        let label: String
        let href: String
        let active: Bool
    }

    let title: String
    let nav: [NavItem]
    /// Display name of the signed-in user.
    let user: String?
    /// The session's CSRF token, for every form (only when signed in or on the login page).
    let csrf: String?
    /// A one-time notice to show ("Kata sandi diubah.").
    let notice: String?

    init(title: String, request: Request, needsCSRF: Bool = false) {
        self.title = title
        let current = request.url.path
        let actor = request.authenticated?.actor
        var items: [(String, WebPath)] = [("Beranda", .home)]
        if let actor {
            if AccessPolicy.mayAnywhere(actor, .readRecord) || AccessPolicy.mayAnywhere(actor, .propose) {
                items.append(("Usulan", .proposals))
            }
            if AccessPolicy.mayAnywhere(actor, .approve) || AccessPolicy.mayAnywhere(actor, .manageSettings) {
                items.append(("Program", .programs))
            }
            if AccessPolicy.mayAnywhere(actor, .readRecord) || actor.roles.contains(.sponsor) { items.append(("Klaim", .claims)) }
            if AccessPolicy.mayAnywhere(actor, .importExport) { items.append(("Impor", .imports)) }
            if AccessPolicy.mayAnywhere(actor, .approve) || AccessPolicy.mayAnywhere(actor, .manageSettings) {
                items.append(("Anggaran", BudgetPlannerController.path))
            }
            if AccessPolicy.mayAnywhere(actor, .approve) || AccessPolicy.mayAnywhere(actor, .manageSettings) || actor.roles.contains(.sponsor) {
                items.append(("Penyandang dana", SponsorController.path))
            }
            items.append(("Cek NIK", .nikCheck))
            if AccessPolicy.mayAnywhere(actor, .manageUsers) { items.append(("Pengguna", .users)) }
            if actor.roles.contains(.admin) { items.append(("Pekerjaan", .occupations)) }
            // Admins change the tariff book; a Pemda's settings managers answer its payer-kind questions there.
            if AccessPolicy.mayAnywhere(actor, .manageSettings) { items.append(("Tarif", TariffController.path)) }
            if AccessPolicy.mayAnywhere(actor, .readAudit) { items.append(("Jejak audit", .audit)) }
        }
        items.append(("Wilayah", .regions))
        items.append(actor == nil ? ("Masuk", .login) : ("Akun", .account))
        nav = items.map { label, path in
            NavItem(label: label, href: path.path,
                    active: path == .home ? current == "/" : current.hasPrefix(path.path))
        }
        user = request.authenticated?.displayName
        csrf = (actor != nil || needsCSRF) ? CSRF.token(for: request) : nil
        notice = (try? request.query.get(String.self, at: "ok")).flatMap { Notice.messages[$0] }
    }
}

/// One-time notices after a redirect, by code (`?ok=password_changed`): fixed
/// texts, so a crafted link cannot put words on the page.
enum Notice {
    static let messages: [String: String] = [
        "password_changed": "Kata sandi berhasil diubah.",
        "settings_saved": "Pengaturan program disimpan.",
        "activated": "Akun aktif. Silakan masuk dengan kata sandi baru Anda.",
        "token_revoked": "Token dicabut.",
        "user_created": "Pengguna dibuat.",
        "role_added": "Peran ditambahkan.",
        "role_removed": "Peran dihapus.",
        "status_changed": "Status pengguna diubah.",
        "password_reset": "Kata sandi pengguna diganti.",
        "logged_out": "Anda sudah keluar.",
        "proposal_saved": "Usulan disimpan.",
        "proposal_submitted": "Usulan diajukan ke kelurahan.",
        "action_done": "Tindakan dicatat.",
        "claim_reported": "Kejadian dilaporkan. Pemeriksaan kepesertaan tercatat di bawah.",
        "claim_step_done": "Langkah kasus dicatat.",
        "claim_heir_added": "Ahli waris dicatat.",
        "claim_document_added": "Dokumen diunggah.",
        "claim_payment_recorded": "Pembayaran BPJS dicatat.",
        "tariff_saved": "Aturan tarif disimpan.",
        "bill_issued": "Tagihan diterbitkan dan dicatat di buku besar.",
        "payment_recorded": "Pembayaran dicatat.",
    ]
}
