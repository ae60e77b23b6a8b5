import Fluent
import Foundation
import PayungCore
import Vapor

/// The occupation mapping step of a web import: each value of the file that
/// matches no occupation ("Kuli Bangunan") is mapped once for the whole
/// file, and may be saved as a name of that occupation for next time.
extension ImportController {
    /// The program's occupations (all active ones when there is no program), by name.
    static func occupationOptions(programID: UUID?, on db: any Database) async throws -> [ProposalWebController.Option] {
        var query = OccupationModel.query(on: db).filter(\.$isActive == true)
        if let programID {
            let codes = try await ProgramOccupationModel.query(on: db).filter(\.$programID == programID).all().map(\.occupationCode)
            query = query.filter(\.$id ~~ codes)
        }
        return try await query.sort(\.$name).all().map { .init(value: $0.id!, label: $0.name) }
    }

    /// `occ_<i>=<code>` for the i-th unknown value, `alias_<i>=1` to save it
    /// as a name of that occupation (settings managers only). Checks again.
    func mapOccupations(_ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .importExport)
        let job = try await job(req)
        let unknown = job.result?.unknownOccupations ?? []
        let form = try req.content.decodeBounded([String: String].self)
        let allowed = Set(try await Self.occupationOptions(programID: job.programID, on: req.db).map(\.value))
        var mapped = job.parameters.defaults.occupations
        let now = req.application.clock.now()
        for (index, text) in unknown.enumerated() {
            guard let code = form["occ_\(index)"], allowed.contains(code) else { continue }
            mapped[text] = code
            if form["alias_\(index)"] == "1", AccessPolicy.mayAnywhere(actor, .manageSettings) {
                try await req.db.transaction { tx in
                    try await OccupationAliasQueries(db: tx).save(text, for: code, now: now)
                    try await AuditTrail(db: tx, now: now).record(AuditEntry(
                        action: "occupation.alias_add", entity: "occupation", entityID: code,
                        changes: ["alias": .init(old: nil, new: text)]), by: req.auditActor)
                }
            }
        }
        return try await rerun(req) { $0.defaults.occupations = mapped; $0.dryRun = true }
    }
}
