import Fluent
import Foundation
import PayungCore
import Vapor

/// What a one-click or bulk action did, person by person, shown at the top
/// of the queue the verifier stays in.
struct BulkOutcome: Encodable {
    struct Line: Encodable {
        let id: String
        let name: String
        let ok: Bool
        let message: String
    }

    let verb: String
    let succeeded: Int
    let failed: Int
    let lines: [Line]

    var summary: String {
        switch (succeeded, failed) {
        case (_, 0): "\(succeeded) berhasil \(verb)."
        case (0, _): "\(failed) tidak dapat \(verb)."
        default: "\(succeeded) berhasil \(verb), \(failed) tidak dapat."
        }
    }

    enum CodingKeys: String, CodingKey { case verb, succeeded, failed, lines, summary }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(verb, forKey: .verb)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(failed, forKey: .failed)
        try c.encode(lines, forKey: .lines)
        try c.encode(summary, forKey: .summary)
    }
}

extension ProposalWebController {
    /// The queue's form: ticked rows and a bulk action, or one row's button
    /// (`one` = "verify:<id>"), with the list's filters as hidden fields.
    struct BulkForm: Content {
        var action: String?
        var one: String?
        var ids: [UUID]?
        var note: String?
        var status: String?
        var program: String?
        var village: String?
        var q: String?
        var page: Int?
    }

    func bulk(_ req: Request) async throws -> View {
        let actor = try req.requireActor()
        let form = try req.content.decodeBounded(BulkForm.self)
        // The filters come back as they were shown; one that no longer
        // parses is dropped rather than failing the action.
        var filter = (try? ListFilter(status: form.status, program: form.program, village: form.village, q: form.q, page: PageRequest(size: PageRequest.webSize)))
            ?? (try? ListFilter(status: form.status, program: form.program, village: form.village, q: nil, page: PageRequest(size: PageRequest.webSize)))
            ?? ListFilter()
        if let number = form.page, let page = try? PageRequest(validating: number, size: PageRequest.webSize) { filter.page = page }
        var action = form.action ?? ""
        var ids = form.ids ?? []
        if let one = form.one {
            let parts = one.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = UUID(uuidString: parts[1]) else {
                throw AppError.invalid("bulk_ids_missing", "Usulan yang dipilih tidak dikenal.")
            }
            action = parts[0]
            ids = [id]
        }
        guard let known = ProposalAction(rawValue: action), [.verify, .approve].contains(known) else {
            return try await renderList(req, filter: filter, error: "Pilih tindakan: verifikasi atau setujui.")
        }
        guard !ids.isEmpty else {
            return try await renderList(req, filter: filter,
                                        error: "Belum ada usulan yang dipilih. Centang usulan di daftar, lalu pilih tindakannya.")
        }
        let result = try await req.proposals.bulk(BulkTransitionInput(ids: ids, action: action, note: form.note),
                                                  actor: actor, by: req.auditActor)
        let names = try await readableNames(ids, actor: actor, req)
        let verb = known == .verify ? "diverifikasi" : "disetujui"
        let outcome = BulkOutcome(
            verb: verb, succeeded: result.succeeded, failed: result.failed,
            lines: result.results.map { row in
                BulkOutcome.Line(id: row.id.uuidString, name: names[row.id] ?? "Usulan tidak ditemukan", ok: row.ok,
                                 message: row.ok ? verb.prefix(1).uppercased() + verb.dropFirst() : (row.message ?? "Gagal."))
            })
        return try await renderList(req, filter: filter, outcome: outcome)
    }

    /// Names of the proposals the actor may read; others stay unnamed, so a
    /// guessed id reveals nothing.
    private func readableNames(_ ids: [UUID], actor: Actor, _ req: Request) async throws -> [UUID: String] {
        let proposals = try await ProposalModel.query(on: req.db).filter(\.$id ~~ ids).all().filter { p in
            guard let location = p.location else { return false }
            return AccessPolicy.may(actor, .readRecord, at: location) || AccessPolicy.may(actor, .propose, at: location)
        }
        let workers = try await WorkerModel.query(on: req.db).filter(\.$id ~~ proposals.map(\.workerID)).all()
        let names = Dictionary(uniqueKeysWithValues: workers.map { ($0.id!, $0.name) })
        return Dictionary(uniqueKeysWithValues: proposals.map { ($0.id!, names[$0.workerID] ?? "?") })
    }
}
