import Fluent
import Foundation
import PayungCore
import Vapor

/// `/klaim/{id}`: one case as its reader needs it, in words, with the forms
/// of the steps the reader may take.
extension ClaimController {
    struct CaseView: Encodable {
        struct Line: Encodable { let name: String; let value: String }
        struct Month: Encodable { let month: String; let then: String; let now: String; let payer: String; let lateThen: Bool }
        struct Doc: Encodable { let kind: String; let name: String; let required: Bool; let files: [DocFile] }
        struct DocFile: Encodable { let href: String; let name: String; let meta: String }
        struct Heir: Encodable { let name: String; let relation: String; let share: String; let detail: String; let bank: String }
        struct Year: Encodable { let year: String; let level: String; let amount: String; let state: String; let code: String }
        struct Child: Encodable { let name: String; let note: String?; let total: String; let years: [Year] }
        struct Step: Encodable { let at: String; let sentence: String; let note: String? }
        struct Action: Encodable { let code: String; let label: String }
        let page: PageContext
        let id: String
        let number: String
        let name: String
        let village: String
        let programHref: String
        let kind: String
        let status: String
        let statusCode: String
        let waiting: String?
        let facts: [Line]
        let account: String
        let covered: Bool
        let uncoveredReason: String?
        let byLatePayment: Bool
        let coverageNote: String
        let months: [Month]
        let suspected: Bool
        let deadline: String?
        let deadlineNear: Bool
        let benefit: [Line]
        let benefitTotal: String?
        let legalBasis: String?
        let docs: [Doc]
        let missing: [String]
        let heirs: [Heir]
        let children: [Child]
        let decision: [Line]
        let payments: [Line]
        let steps: [Step]
        let actions: [Action]
        let canAssemble: Bool
        let canEnrol: Bool
        let canPayExtra: Bool
        let isDeath: Bool
        let docKinds: [Option]
        let relations: [Option]
        let levels: [Option]
        let heirOptions: [Option]
        let childOptions: [Option]
        let problem: String?
        let today: String
        let schoolYear: Int
        let reopenHref: String?
        let previousHref: String?
        let nextHref: String?
        let participationEnded: Bool
    }

    static func casePage(_ req: Request, problem: String?, status: HTTPStatus) async throws -> Response {
        let actor = try req.requireActor()
        let claim = try await service(req).readable(try caseID(req), actor: actor)
        let d = try await detail(req, claim, audit: true)
        let s = d.summary
        let today = req.application.clock.today
        func day(_ iso: String?) -> String { iso.flatMap(CalendarDate.init(iso:))?.indonesian ?? "–" }
        func money(_ n: Int64?) -> String { n.map { Rupiah($0).formatted } ?? "–" }
        let location = claim.location!
        let agency = AccessPolicy.may(actor, .manageClaims, at: location)
        let reporter = AccessPolicy.may(actor, .reportClaim, at: location)
        let canAssemble = claim.statusValue != .closed && (agency || (reporter && [.reported, .documentsComplete].contains(claim.statusValue)))
        var facts: [CaseView.Line] = [
            .init(name: "Tanggal kejadian", value: day(s.eventDate)), .init(name: "Tempat", value: d.place),
            .init(name: "Dilaporkan", value: "\(day(s.reportedOn)) oleh \(d.reporterName)"),
            .init(name: "Di status ini sejak", value: "\(day(s.statusOn)) (\(s.daysAtStep) hari)"),
        ]
        if d.trafficAccident { facts.append(.init(name: "Kecelakaan lalu lintas", value: "Ya (perlu laporan polisi)")) }
        if let start = d.membershipStart { facts.append(.init(name: "Anggota BPJS sejak", value: day(start))) }
        if d.participationEnded { facts.append(.init(name: "Kepesertaan", value: "Diakhiri karena meninggal dunia (mulai bulan berikutnya)")) }
        var decision: [CaseView.Line] = []
        if let n = d.bpjsClaimNumber { decision.append(.init(name: "Nomor klaim BPJS", value: n)) }
        if let r = d.rejectionReason { decision.append(.init(name: "Alasan ditolak BPJS", value: r)) }
        if let a = d.approvedAmount { decision.append(.init(name: "Disetujui BPJS", value: money(a))) }
        if let p = d.paidAmount {
            let heir = d.heirs.first { $0.id == d.paidHeirID }?.name
            decision.append(.init(name: "Dibayar BPJS", value: "\(money(p)) pada \(day(d.paidOn))" + (heir.map { " kepada \($0)" } ?? "")))
            decision.append(.init(name: "Rekening", value: [d.paidBank, d.paidAccount, d.paidAccountHolder.map { "a.n. \($0)" }].compactMap { $0 }.joined(separator: " · ")))
        }
        let heirNames = Dictionary(uniqueKeysWithValues: d.heirs.map { ($0.id, $0.name) })
        let view = CaseView(
            page: PageContext(title: "Kasus \(s.number)", request: req), id: s.id.uuidString, number: s.number, name: s.name, village: s.villageName,
            programHref: WebPath.program(s.programID).path, kind: s.kindName, status: s.statusName, statusCode: s.status, waiting: s.waitingFor,
            facts: facts, account: d.account, covered: d.coverage.covered, uncoveredReason: d.coverage.reasonName, byLatePayment: d.coverage.byLatePayment,
            coverageNote: d.coverage.note,
            months: d.coverage.months.map { .init(month: $0.monthName, then: $0.thenName, now: $0.nowName, payer: $0.payer ?? "–", lateThen: $0.then == "overdue") },
            suspected: s.suspectedWorkAccident, deadline: day(s.decisionDeadline), deadlineNear: s.decisionDeadlineNear,
            benefit: d.benefit?.lines.map { .init(name: $0.partName, value: money($0.amount) + ($0.basis.contains(" x ") ? " (\($0.basis))" : "")) } ?? [],
            benefitTotal: d.benefit.map { money($0.total) }, legalBasis: d.benefit?.legalBasis,
            docs: d.documents.map { doc in
                .init(kind: doc.kind, name: doc.kindName, required: doc.required, files: doc.files.map { f in
                    .init(href: "\(WebPath.claim(s.id).path)/dokumen/\(f.id.uuidString)", name: f.name,
                          meta: "\(day(f.uploadedOn)), \(f.size / 1024) KB" + (f.schoolYear.map { ", tahun ajaran \($0)/\($0 + 1)" } ?? "")
                            + (f.heirID.flatMap { heirNames[$0] }.map { ", \($0)" } ?? ""))
                })
            },
            missing: d.documentsMissing,
            heirs: d.heirs.map { h in
                .init(name: h.name, relation: h.relationName, share: "urutan \(h.priority) · \(h.sharePercent)%",
                      detail: [h.birthDate.map { "lahir \(day($0))" }, h.schoolLevel.flatMap(SchoolLevel.init(rawValue:)).map { "\($0.indonesianName) tahun ke-\(h.yearInLevel ?? 1)" }]
                        .compactMap { $0 }.joined(separator: " · "),
                      bank: [h.bank, h.account, h.accountHolder.map { "a.n. \($0)" }].compactMap { $0 }.joined(separator: " · "))
            },
            children: d.scholarships.map { c in
                .init(name: c.name, note: c.refusalName ?? c.endName.map { "Berakhir: \($0)" }, total: money(c.total),
                      years: c.years.map { .init(year: $0.schoolYearName, level: $0.levelName, amount: money($0.amount), state: $0.stateName, code: $0.state) })
            },
            decision: decision,
            payments: d.payments.map { p in
                .init(name: p.kindName + (p.schoolYear.map { " \($0)/\($0 + 1)" } ?? "") + (p.heirID.flatMap { heirNames[$0] }.map { ", \($0)" } ?? "")
                        + (p.payee.map { ", \($0)" } ?? ""),
                      value: "\(money(p.amount)) pada \(day(p.paidOn))")
            },
            steps: d.steps.map { st in
                .init(at: CalendarDate(st.at).indonesian,
                      sentence: st.action == "report" ? "\(st.byName) melaporkan kejadian" : "\(st.byName): \(st.actionName.lowercased()) → \(st.toName)",
                      note: st.note)
            },
            // "Documents complete" waits for the checklist (the server refuses it anyway): the missing list says what to bring.
            actions: d.availableActions.compactMap { ClaimAction(rawValue: $0) }.filter { $0 != .completeDocuments || d.documentsMissing.isEmpty }
                .map { .init(code: $0.rawValue, label: $0.indonesianName) },
            canAssemble: canAssemble, canEnrol: agency || reporter,
            canPayExtra: actor.grants.contains { $0.role == .bpjs && $0.covers(location) } && [.approved, .paid, .closed].contains(claim.statusValue),
            isDeath: claim.kindValue.isDeath,
            docKinds: ClaimDocuments.required(for: claim.kindValue, trafficAccident: claim.trafficAccident)
                .map { Option(value: $0.rawValue, label: ClaimDocuments.name($0, for: claim.kindValue)) },
            relations: HeirRelation.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            levels: [Option(value: "", label: "Belum sekolah")] + SchoolLevel.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) },
            heirOptions: d.heirs.map { Option(value: $0.id.uuidString, label: "\($0.name) (\($0.relationName))") },
            childOptions: d.heirs.filter { $0.relation == HeirRelation.child.rawValue }.map { Option(value: $0.id.uuidString, label: $0.name) },
            problem: problem, today: today.iso, schoolYear: ScholarshipSchedule.schoolYear(of: today),
            reopenHref: claim.statusValue == .rejected || (claim.rejectionReason != nil && claim.statusValue == .closed)
                ? (d.nextCaseID == nil && reporter ? WebPath.newClaim.path + "?sebelumnya=\(s.id.uuidString)" : nil) : nil,
            previousHref: d.previousCaseID.map { WebPath.claim($0).path }, nextHref: d.nextCaseID.map { WebPath.claim($0).path },
            participationEnded: d.participationEnded)
        let response = try await req.view.render("claims/show", view).encodeResponse(for: req)
        response.status = status
        return response
    }
}
