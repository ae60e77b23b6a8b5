import Foundation
import PayungCore
import Vapor

/// A web import, as recorded on its job (`JobModel`): what its page shows.
struct ImportJob: Sendable {
    enum Kind: String, CaseIterable, Sendable, Codable {
        case proposals, registry, bpjsResult = "bpjs_result", bpjsActive = "bpjs_active", history

        var indonesianName: String {
            switch self {
            case .proposals: "Usulan untuk program"
            case .registry: "Data pekerja (registri)"
            case .bpjsResult: "Hasil pendaftaran dari BPJS"
            case .bpjsActive: "Daftar peserta aktif BPJS"
            case .history: "Riwayat peserta tahun lalu"
            }
        }

        /// The job kind that runs it.
        var jobKind: String { "import.\(rawValue)" }
    }

    /// What the upload asked for; a re-run (apply, a mapping) is a new job
    /// with changed parameters.
    struct Parameters: Codable, Sendable {
        var kind: Kind
        var programID: UUID?
        var fileName: String
        /// The uploaded file, kept until the job is done with it.
        var path: String
        var dryRun: Bool
        var explicit: [String: ImportField] = [:]
        /// The Pemda whose registry a roster goes to (registry imports only), dotted.
        var pemda: String? = nil
        /// Kelurahan, RT/RW and occupation mappings for rows that have none.
        var defaults = ImportDefaults()

        /// What two imports at once must not share: an applied import's
        /// program (or Pemda registry). Dry runs write nothing and share freely.
        var subject: String? {
            guard !dryRun else { return nil }
            switch kind {
            case .registry: return pemda.map { "import:registry:\($0)" }
            case .bpjsActive: return "import:bpjs_active"
            default: return programID.map { "import:program:\($0.uuidString)" }
            }
        }
    }

    let id: UUID
    let ownerID: String
    let parameters: Parameters
    let state: JobModel.State
    let done: Int
    let total: Int
    let started: Date
    let result: ImportResult?
    let error: (code: String, message: String, status: Int)?

    var kind: Kind { parameters.kind }
    var fileName: String { parameters.fileName }
    var dryRun: Bool { parameters.dryRun }
    var programID: UUID? { parameters.programID }
    var isFinished: Bool { state == .done || state == .failed }

    init(_ job: JobModel, live: (done: Int, total: Int)?) throws {
        id = job.id!
        ownerID = job.ownerUserID?.uuidString ?? ""
        parameters = try JSONDecoder().decode(Parameters.self, from: Data(job.parameters.utf8))
        state = job.stateValue
        done = live?.done ?? job.done
        total = live?.total ?? job.total
        started = job.startedAt ?? job.createdAt
        result = try job.result.map { try JSONDecoder().decode(ImportResult.self, from: Data($0.utf8)) }
        error = job.errorCode.map { ($0, job.errorMessage ?? "", job.errorStatus ?? 500) }
    }
}

/// The import kinds as recorded jobs.
enum ImportJobs {
    static func register(on runner: JobRunner) async {
        for kind in ImportJob.Kind.allCases {
            await runner.register(kind.jobKind) { job in
                let result = try await run(try job.decode(ImportJob.Parameters.self), job)
                return try JSONEncoder().encode(result)
            }
        }
    }

    /// Records an import and starts it; its page follows it by id.
    static func submit(_ parameters: ImportJob.Parameters, _ req: Request) async throws -> UUID {
        let what = parameters.kind == .registry ? "Impor data pekerja untuk Pemda ini" : "Impor lain ke program ini"
        return try await req.application.jobs.submit(req.application, kind: parameters.kind.jobKind, subject: parameters.subject,
                                                     parameters: parameters, owner: JobOwner(req.auditActor), describe: what)
    }

    private static func run(_ p: ImportJob.Parameters, _ job: RunningJob) async throws -> ImportResult {
        let app = job.app
        let file = try TabularFile.read(path: p.path)
        let now = app.clock.now(), today = app.clock.today
        // The owner's grants as they are now (not at upload) decide: one revoked since runs nothing.
        guard let actor = job.actor else { throw AccessError.forbidden }
        func program() async throws -> ProgramModel {
            guard let id = p.programID, let program = try await ProgramModel.find(id, on: app.db),
                  let pemda = RegionCode(program.regencyCode),
                  AccessPolicy.may(actor, p.kind == .history ? .manageSettings : .importExport, in: pemda)
            else { throw ImportError.programNotFound("?") }
            return program
        }
        switch p.kind {
        case .proposals:
            var importer = ProposalImporter(db: app.db, now: now, today: today)
            importer.defaults = p.defaults
            return try await importer.run(file, program: try await program(), fileName: p.fileName, actor: actor, by: job.auditActor,
                                          dryRun: p.dryRun, explicit: p.explicit, progress: job.progress)
        case .registry:
            guard let pemda = p.pemda.flatMap(RegionCode.init), AccessPolicy.may(actor, .importExport, in: pemda) else {
                throw AccessError.forbidden
            }
            return try await RegistryImporter(db: app.db, now: now, today: today)
                .run(file, pemda: pemda, fileName: p.fileName, dryRun: p.dryRun, by: job.auditActor)
        case .bpjsResult:
            return try await BPJSResultImport(db: app.db, now: now, today: today)
                .run(file, program: try await program(), fileName: p.fileName, by: job.auditActor, dryRun: p.dryRun)
        case .history:
            return try await HistoryImporter(db: app.db, now: now, today: today)
                .run(file, program: try await program(), fileName: p.fileName, by: job.auditActor, dryRun: p.dryRun)
        case .bpjsActive:
            guard AccessPolicy.mayAnywhere(actor, .importExport) else { throw AccessError.forbidden }
            return try await BPJSActiveImport(db: app.db, now: now, today: today).run(file, fileName: p.fileName, replace: false, by: job.auditActor)
        }
    }
}
