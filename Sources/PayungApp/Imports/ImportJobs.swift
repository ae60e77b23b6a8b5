import Foundation
import PayungCore
import Vapor

/// An import running (or run) from the web, with its progress for the page
/// that polls it. Kept in memory by the instance that runs it.
struct ImportJob: Sendable {
    enum Kind: String, CaseIterable, Sendable {
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
    }

    enum State: Sendable { case running, done, failed }

    let id: UUID
    let ownerID: String
    let kind: Kind
    let programID: UUID?
    let fileName: String
    let path: String
    var dryRun: Bool
    var explicit: [String: ImportField] = [:]
    /// The Pemda whose registry a roster goes to (registry imports only).
    var pemda: RegionCode? = nil
    /// Kelurahan, RT/RW and occupation mappings for rows that have none.
    var defaults = ImportDefaults()
    var state: State = .running
    var done = 0
    var total = 0
    var started = Date()
    var result: ImportResult?
    var error: PresentedError?
    var errorCode: String?
}

/// The web imports of this instance.
actor ImportJobs {
    private var jobs: [UUID: ImportJob] = [:]

    func add(_ job: ImportJob) { jobs[job.id] = job }
    func get(_ id: UUID) -> ImportJob? { jobs[id] }
    func progress(_ id: UUID, done: Int, total: Int) { jobs[id]?.done = done; jobs[id]?.total = total }
    func finish(_ id: UUID, result: ImportResult) { jobs[id]?.state = .done; jobs[id]?.result = result }
    func fail(_ id: UUID, error: any Error) {
        jobs[id]?.state = .failed
        jobs[id]?.error = PresentedError(error)
        jobs[id]?.errorCode = (error as? any DomainError)?.code
    }

    /// Runs (or re-runs) a job in the background.
    nonisolated func start(_ job: ImportJob, app: Application, actor: Actor, auditActor: AuditActor) {
        Task {
            await self.add(job)
            do {
                let file = try TabularFile.read(path: job.path)
                let now = app.clock.now(), today = app.clock.today
                let progress: ImportProgress = { done, total in Task { await self.progress(job.id, done: done, total: total) } }
                let result: ImportResult
                switch job.kind {
                case .proposals:
                    guard let programID = job.programID, let program = try await ProgramModel.find(programID, on: app.db) else {
                        throw ImportError.programNotFound("?")
                    }
                    var importer = ProposalImporter(db: app.db, now: now, today: today)
                    importer.defaults = job.defaults
                    result = try await importer
                        .run(file, program: program, fileName: job.fileName, actor: actor, by: auditActor, dryRun: job.dryRun, explicit: job.explicit, progress: progress)
                case .registry:
                    guard let pemda = job.pemda else { throw AccessError.forbidden }
                    result = try await RegistryImporter(db: app.db, now: now, today: today).run(file, pemda: pemda, fileName: job.fileName, dryRun: job.dryRun, by: auditActor)
                case .bpjsResult:
                    guard let programID = job.programID, let program = try await ProgramModel.find(programID, on: app.db) else {
                        throw ImportError.programNotFound("?")
                    }
                    result = try await BPJSResultImport(db: app.db, now: now, today: today).run(file, program: program, fileName: job.fileName, by: auditActor, dryRun: job.dryRun)
                case .history:
                    guard let programID = job.programID, let program = try await ProgramModel.find(programID, on: app.db) else {
                        throw ImportError.programNotFound("?")
                    }
                    result = try await HistoryImporter(db: app.db, now: now, today: today)
                        .run(file, program: program, fileName: job.fileName, by: auditActor, dryRun: job.dryRun)
                case .bpjsActive:
                    result = try await BPJSActiveImport(db: app.db, now: now, today: today).run(file, fileName: job.fileName, replace: false, by: auditActor)
                }
                await self.finish(job.id, result: result)
            } catch {
                app.logger.report(error: error)
                await self.fail(job.id, error: error)
            }
        }
    }
}

extension Application {
    private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }

    /// Set once in `configure`, before any request.
    var importJobs: ImportJobs {
        get { storage[ImportJobsKey.self]! }
        set { storage[ImportJobsKey.self] = newValue }
    }
}
