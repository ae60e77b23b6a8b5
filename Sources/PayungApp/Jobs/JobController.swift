import Foundation
import PayungCore
import Vapor

/// A recorded job as its owner follows it from a script: state, progress,
/// the error in words. The kind's own page shows its result.
struct JobController {
    static let show = APIOperation(method: .GET, path: "/api/v1/jobs/{id}", operationID: "getJob",
                                   summary: "A job you started (an import, a billing run): state, progress, error",
                                   tag: "Pekerjaan", response: "Job", errors: [404])

    struct JobDTO: Content {
        struct Failure: Content { let code: String; let message: String }
        let id: UUID
        let kind: String
        /// queued, running, done, failed.
        let state: String
        let stateName: String
        let done: Int
        let total: Int
        let createdAt: Date
        let startedAt: Date?
        let finishedAt: Date?
        let attempts: Int
        let error: Failure?
        /// Where a person follows it.
        let page: String?
    }

    static func stateName(_ state: JobModel.State) -> String {
        switch state {
        case .queued: "Menunggu giliran"
        case .running: "Sedang berjalan"
        case .done: "Selesai"
        case .failed: "Gagal"
        }
    }

    func register(api: APIRouter) {
        api.app.addAPISchemas([
            "Job": Schema.object([
                "id": Schema.string(format: "uuid"), "kind": Schema.string(example: "import.proposals"),
                "state": Schema.string(values: ["queued", "running", "done", "failed"]), "stateName": Schema.string(example: "Sedang berjalan"),
                "done": Schema.integer(), "total": Schema.integer(), "createdAt": Schema.string(format: "date-time"),
                "startedAt": Schema.string(format: "date-time"), "finishedAt": Schema.string(format: "date-time"),
                "attempts": Schema.integer(),
                "error": Schema.object(["code": Schema.string(), "message": Schema.string()], required: ["code", "message"]),
                "page": Schema.string(),
            ], required: ["id", "kind", "state", "stateName", "done", "total", "createdAt", "attempts"]),
        ])
        api.on(Self.show) { req -> JobDTO in
            try await Self.dto(try req.uuidParameter("id", thing: "Pekerjaan"), req)
        }
    }

    /// A job of the caller's, as JSON; 404 for anyone else's.
    static func dto(_ id: UUID, _ req: Request) async throws -> JobDTO {
        let actor = try req.requireActor()
        guard let job = try await JobQueue(db: req.db).find(id, ownedBy: actor.userID) else { throw AppError.notFound("Pekerjaan") }
        let live = req.application.jobs.liveProgress(id)
        return JobDTO(id: id, kind: job.kind, state: job.stateValue.rawValue, stateName: Self.stateName(job.stateValue),
                      done: live?.done ?? job.done, total: live?.total ?? job.total, createdAt: job.createdAt,
                      startedAt: job.startedAt, finishedAt: job.finishedAt, attempts: job.attempts,
                      error: job.errorCode.map { .init(code: $0, message: job.errorMessage ?? "") },
                      page: Self.page(of: job))
    }

    /// Where a person follows a job of this kind.
    static func page(of job: JobModel) -> String? {
        if job.kind.hasPrefix("import.") { return WebPath.importJob(job.id!).path }
        if job.kind == BillingController.jobKind,
           let p = try? JSONDecoder().decode(BillingController.JobParameters.self, from: Data(job.parameters.utf8)) {
            return "/program/\(p.programID.uuidString)/tagihan/\(p.month)?tugas=\(job.id!.uuidString)"
        }
        return nil
    }
}
