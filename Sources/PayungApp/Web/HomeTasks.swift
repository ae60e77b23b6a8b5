import Fluent
import Foundation
import PayungCore
import Vapor

/// What a signed-in person should do next, per role: the home page's
/// sections, each task a link ("3 usulan menunggu verifikasi Anda").
struct HomeTasks: Encodable {
    struct Task: Encodable {
        let label: String
        let href: String
        /// A count shown large; nil for a plain link.
        var count: Int? = nil
        /// Highlighted: work is waiting.
        var urgent = false
        var detail: String? = nil
    }

    struct Section: Encodable {
        let title: String
        let tasks: [Task]
    }

    struct Quota: Encodable {
        let id: String
        let name: String
        let phase: String
        let approved: Int
        let quota: Int
        let percent: Int
    }

    let sections: [Section]
    let programs: [Quota]

    static func build(for actor: Actor, req: Request) async throws -> HomeTasks {
        let queries = ProposalQueries(db: req.db)
        func count(_ action: Action, _ statuses: [ProposalStatus]) async throws -> Int {
            let scopes = AccessPolicy.scopes(of: actor, for: action)
            guard !scopes.isEmpty else { return 0 }
            let counts = try await queries.counts(scopes: scopes)
            return statuses.reduce(0) { $0 + (counts[$1] ?? 0) }
        }
        func queue(_ n: Int, _ words: String, _ status: ProposalStatus) -> Task {
            Task(label: words, href: WebPath.proposals.path + "?status=" + status.rawValue, count: n, urgent: n > 0)
        }
        var sections: [Section] = []
        let roles = actor.roles
        let claims = try await ClaimQueries(db: req.db, today: req.today).counts(scopes: AccessPolicy.scopes(of: actor, for: .readRecord))
        func claimQueue(_ statuses: [ClaimStatus], _ words: String) -> Task {
            let n = statuses.reduce(0) { $0 + (claims.byStatus[$1] ?? 0) }
            let query = statuses.count == 1 ? "?status=" + statuses[0].rawValue : ""
            return Task(label: words, href: WebPath.claims.path + query, count: n, urgent: n > 0)
        }
        let stuckClaims = Task(label: "kasus klaim tertahan lebih dari \(ClaimQueue.defaultStuckDays) hari", href: WebPath.claims.path + "?tertahan=1",
                               count: claims.stuck, urgent: claims.stuck > 0)

        if roles.contains(.rt) {
            let returned = try await count(.propose, [.returned])
            let drafts = try await count(.propose, [.draft])
            let waiting = try await count(.propose, [.submitted, .verifiedKelurahan, .verifiedKecamatan, .approved])
            let covered = try await count(.propose, [.registered, .active])
            sections.append(Section(title: "Ketua RT", tasks: [
                Task(label: "Usulkan pekerja", href: WebPath.newProposal.path, detail: "Isi NIK, nama dan pekerjaan dari KTP."),
                queue(returned, "usulan dikembalikan, perlu Anda perbaiki", .returned),
                queue(drafts, "draf belum diajukan", .draft),
                Task(label: "usulan sedang diperiksa", href: WebPath.proposals.path, count: waiting),
                queue(covered, "warga Anda terlindungi BPJS", .active),
                Task(label: "Laporkan kematian atau kecelakaan", href: WebPath.newClaim.path,
                     detail: "Santunan Rp42 juta untuk keluarga peserta yang meninggal; laporkan segera."),
                claimQueue([.reported], "kasus klaim menunggu dokumen"),
            ]))
        }
        if roles.contains(.kelurahan) {
            let n = try await count(.verifyKelurahan, [.submitted])
            sections.append(Section(title: "Verifikasi kelurahan", tasks: [
                queue(n, "usulan menunggu verifikasi Anda", .submitted),
                Task(label: "Laporkan kematian atau kecelakaan", href: WebPath.newClaim.path),
            ]))
        }
        if roles.contains(.kecamatan) {
            let n = try await count(.verifyKecamatan, [.verifiedKelurahan])
            sections.append(Section(title: "Verifikasi kecamatan", tasks: [queue(n, "usulan menunggu verifikasi Anda", .verifiedKelurahan)]))
        }
        if roles.contains(.operator) || roles.contains(.kepalaDinas) {
            let approve = try await count(.approve, [.verifiedKecamatan])
            var tasks = [queue(approve, "usulan menunggu persetujuan", .verifiedKecamatan)]
            if roles.contains(.operator) {
                let register = try await count(.register, [.approved])
                tasks.append(queue(register, "disetujui, menunggu pendaftaran BPJS", .approved))
                tasks.append(Task(label: "Impor usulan atau data dari Excel", href: WebPath.imports.path))
                tasks.append(claimQueue([.reported, .documentsComplete, .verified], "kasus klaim menunggu dinas (dokumen, verifikasi, pengajuan)"))
                tasks.append(stuckClaims)
            }
            tasks.append(Task(label: "Program, kuota dan daftar tunggu", href: WebPath.programs.path))
            tasks += try await Self.billsToIssue(actor, on: req.db)
            sections.append(Section(title: roles.contains(.operator) ? "Operator dinas" : "Kepala Dinas", tasks: tasks))
        }
        if roles.contains(.bpjs) {
            let n = try await count(.register, [.approved])
            sections.append(Section(title: "BPJS Ketenagakerjaan", tasks: [
                queue(n, "peserta disetujui menunggu pendaftaran (KPJ)", .approved),
                claimQueue([.submitted], "klaim menunggu keputusan BPJS"),
                claimQueue([.approved], "klaim disetujui menunggu pembayaran"),
                stuckClaims,
                Task(label: "Berkas pendaftaran dan impor hasil BPJS", href: WebPath.programs.path),
                Task(label: "Rekonsiliasi tagihan BPJS dan berkas penonaktifan", href: WebPath.programs.path,
                     detail: "Buka program, lalu Tagihan bulanan."),
            ]))
        }
        if roles.contains(.sponsor) {
            sections.append(Section(title: "Penyandang dana", tasks: [
                Task(label: "Yang dibiayai dana Anda", href: SponsorController.path.path),
            ]))
        }
        if roles.contains(.admin) {
            sections.append(Section(title: "Admin", tasks: [
                Task(label: "Pengguna dan peran", href: WebPath.users.path),
                Task(label: "Daftar pekerjaan", href: WebPath.occupations.path),
            ]))
        }
        if roles.contains(.auditor) {
            sections.append(Section(title: "Auditor", tasks: [Task(label: "Jejak audit", href: WebPath.audit.path)]))
        }

        var programs: [Quota] = []
        if AccessPolicy.mayAnywhere(actor, .approve) || AccessPolicy.mayAnywhere(actor, .manageSettings) {
            let today = req.today
            programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
                .filter { ProgramAPIController.visible($0, to: actor) && $0.phase(today: today) != .ended }
                .prefix(5).map { p in
                    Quota(id: p.id!.uuidString, name: p.name, phase: p.phase(today: today).indonesianName,
                          approved: p.approvedCount, quota: p.quota,
                          percent: p.quota > 0 ? Int((Double(p.approvedCount) * 100 / Double(p.quota)).rounded()) : 0)
                }
        }
        return HomeTasks(sections: sections, programs: programs)
    }
}

extension HomeTasks {
    /// Prepared bills the actor may issue (never their own: `MakerChecker`), oldest first.
    static func billsToIssue(_ actor: Actor, on db: any Database) async throws -> [Task] {
        guard AccessPolicy.mayAnywhere(actor, .issueBills) else { return [] }
        let runs = try await BillingRunModel.query(on: db).filter(\.$issuedAt == nil).sort(\.$month).limit(200).all()
        guard !runs.isEmpty else { return [] }
        let programs = Dictionary(uniqueKeysWithValues: try await ProgramModel.query(on: db).filter(\.$id ~~ Set(runs.map(\.programID))).all()
            .map { ($0.id!, $0) })
        return runs.compactMap { run -> Task? in
            guard let program = programs[run.programID], let regency = RegionCode(program.regencyCode),
                  AccessPolicy.may(actor, .issueBills, in: regency), run.preparedByUserID?.uuidString != actor.userID else { return nil }
            let month = YearMonth(iso: run.month)?.indonesian ?? run.month
            return Task(label: "Tagihan \(month) \(program.name) menunggu diterbitkan",
                        href: "/program/\(program.id!.uuidString)/tagihan/\(run.month)", urgent: true,
                        detail: "\(Rupiah(run.total).formatted), disiapkan \(run.preparedBy).")
        }.prefix(5).map { $0 }
    }
}
