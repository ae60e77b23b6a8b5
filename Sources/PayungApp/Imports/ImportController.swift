import Fluent
import Foundation
import PayungCore
import Vapor

/// The import pages: upload, preview (dry run), progress, report, apply;
/// and the column-mapping step when headers are not recognised.
struct ImportController {
    func register(protected web: any RoutesBuilder) {
        web.get(WebPath.imports.components, use: form)
        web.on(.POST, WebPath.imports.components, body: .collect(maxSize: APIOperation.spreadsheetMaxSize), use: upload)
        web.get(WebPath.imports.components + ["templat", ":file"]) { req async throws -> Response in
            _ = try req.requireActor(allowedTo: .importExport)
            let file = req.parameters.get("file") ?? ""
            let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = ImportJob.Kind(rawValue: parts[0]), let format = ExportRequest.Format(rawValue: parts[1]) else {
                throw AppError.notFound("Templat")
            }
            return try await ImportTemplate.response(kind, format: format, req)
        }
        web.get(WebPath.imports.components + [":id"], use: show)
        web.post(WebPath.imports.components + [":id", "terapkan"], use: apply)
        web.post(WebPath.imports.components + [":id", "pemetaan"], use: remap)
        web.post(WebPath.imports.components + [":id", "pekerjaan"], use: mapOccupations)
        web.get(WebPath.imports.components + [":id", "laporan.xlsx"], use: report)
    }

    struct FormContext: Encodable {
        let page: PageContext
        let programs: [ProposalWebController.Option]
        let kinds: [ProposalWebController.Option]
        /// The latest applied imports the user may see.
        let runs: [Run]
        /// Village names of the user's Pemdas, offered for the file-level kelurahan.
        var villages: [String] = []
        /// The user's own latest import jobs (dry runs too), to find one again.
        var jobs: [Job] = []
        var error: String? = nil

        struct Job: Encodable {
            let id: String
            let at: String
            let kind: String
            let fileName: String
            let state: String
            let dryRun: Bool
        }

        struct Run: Encodable {
            let at: String
            let kind: String
            let program: String
            let fileName: String
            let actor: String
            let inserted: Int
            let updated: Int
            let unchanged: Int
            let rejected: Int
        }
    }

    private func form(_ req: Request) async throws -> View {
        let actor = try req.requireActor(allowedTo: .importExport)
        let programs = try await ProgramModel.query(on: req.db).sort(\.$startMonth, .descending).all()
            .filter { ProgramAPIController.visible($0, to: actor) }
        var villages: [String] = []
        for pemda in AccessPolicy.pemdas(of: actor, for: .importExport) {
            for district in try await RegionQueries(db: req.db).children(of: pemda) {
                villages += try await RegionQueries(db: req.db).children(of: RegionCode(district.id!)!).map(\.name)
            }
        }
        return try await req.view.render("imports/form", FormContext(
            page: PageContext(title: "Impor", request: req),
            programs: programs.map { .init(value: $0.id!.uuidString, label: $0.labelWithPhase(today: req.today)) },
            kinds: ImportJob.Kind.allCases.map { .init(value: $0.rawValue, label: $0.indonesianName) },
            runs: try await Self.recentRuns(actor: actor, programs: programs, on: req.db), villages: villages.sorted(),
            jobs: try await Self.myJobs(actor, on: req.db)))
    }

    /// The user's last 10 import jobs, newest first.
    static func myJobs(_ actor: Actor, on db: any Database) async throws -> [FormContext.Job] {
        guard let me = UUID(uuidString: actor.userID) else { return [] }
        return try await JobQueue(db: db).recent(ownedBy: me, kinds: ImportJob.Kind.allCases.map(\.jobKind), limit: 10).compactMap { model in
            guard let job = try? ImportJob(model, live: nil) else { return nil }
            return FormContext.Job(id: job.id.uuidString, at: IndonesianTimestamp.format(model.createdAt), kind: job.kind.indonesianName,
                                   fileName: job.fileName, state: JobController.stateName(job.state), dryRun: job.dryRun)
        }
    }

    /// The last 20 applied imports: into programs the user may see, and the
    /// user's own imports that belong to no program (registry, BPJS list).
    static func recentRuns(actor: Actor, programs: [ProgramModel], on db: any Database) async throws -> [FormContext.Run] {
        let names = Dictionary(uniqueKeysWithValues: programs.map { ($0.id!, $0.name) })
        let runs = try await ImportRunModel.query(on: db)
            .group(.or) { or in
                or.filter(\.$programID ~~ Array(names.keys))
                if let me = UUID(uuidString: actor.userID) {
                    or.group(.and) { $0.filter(\.$programID == nil).filter(\.$actorUserID == me) }
                }
            }
            .sort(\.$at, .descending).limit(20).all()
        return runs.map { run in
            FormContext.Run(at: IndonesianTimestamp.format(run.at), kind: ImportJob.Kind(rawValue: run.kind)?.indonesianName ?? run.kind,
                            program: run.programID.flatMap { names[$0] } ?? "", fileName: run.fileName, actor: run.actorUsername,
                            inserted: run.inserted, updated: run.updated, unchanged: run.unchanged, rejected: run.rejected)
        }
    }

    struct UploadForm: Content {
        let kind: String
        var programID: UUID?
        var pemda: String?
        /// What the file says once for all rows (an RT sheet's title).
        var village: String?
        var rt: String?
        var rw: String?
        let file: File
        var dryRun: String?
    }

    private func upload(_ req: Request) async throws -> Response {
        let actor = try req.requireActor(allowedTo: .importExport)
        let form = try req.content.decodeBounded(UploadForm.self)
        guard let kind = ImportJob.Kind(rawValue: form.kind) else { throw AppError.invalid("import_kind_invalid", "Pilih jenis impor.") }
        if kind == .history {
            guard let id = form.programID, let program = try await ProgramModel.find(id, on: req.db),
                  AccessPolicy.may(actor, .manageSettings, in: RegionCode(program.regencyCode)!) else { throw AccessError.forbidden }
        }
        if kind == .proposals || kind == .bpjsResult {
            guard let id = form.programID, let program = try await ProgramModel.find(id, on: req.db),
                  AccessPolicy.may(actor, .importExport, in: RegionCode(program.regencyCode)!) else { throw AppError.notFound("Program") }
        }
        let pemda = kind == .registry ? try req.registryPemda(actor, requested: form.pemda) : nil
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("payung-import-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: form.file.data)) else {
            throw AppError(code: "upload_failed", message: "Berkas tidak dapat disimpan sementara.", kind: .invalidInput)
        }
        let parameters = ImportJob.Parameters(
            kind: kind, programID: form.programID, fileName: String(form.file.filename.suffix(200)), path: path,
            dryRun: kind == .bpjsActive ? false : form.dryRun == "1", pemda: pemda?.dotted,
            defaults: ImportDefaults(village: form.village?.nilIfBlank, rt: form.rt?.nilIfBlank, rw: form.rw?.nilIfBlank))
        let id: UUID
        do {
            id = try await ImportJobs.submit(parameters, req)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        try await Task.sleep(for: .milliseconds(300))
        return req.redirect(to: WebPath.importJob(id).path)
    }

    struct JobContext: Encodable {
        struct Rejection: Encodable { let line: Int; let column: String; let message: String }
        let page: PageContext
        let id: String
        let kind: String
        let fileName: String
        let queued: Bool
        let running: Bool
        let failed: Bool
        let done: Int
        let total: Int
        let percent: Int
        let rate: Int
        let eta: Int
        let summary: ImportSummary?
        let rejections: [Rejection]
        let moreRejections: Int
        /// The first 200 people the import changes, field by field.
        let changes: [ImportRecordChange]
        let moreChanges: Int
        /// The occupation mapping step: values that match nothing, the program's occupations.
        var unknownOccupations: [String] = []
        var occupationOptions: [ProposalWebController.Option] = []
        var canSaveAlias = false
        let error: String?
        let needsMapping: Bool
        let headers: [String]
        let fields: [ProposalWebController.Option]
        let canApply: Bool
    }

    /// The import named in the path, for its owner only (anyone else: 404).
    func job(_ req: Request) async throws -> ImportJob {
        let actor = try req.requireActor(allowedTo: .importExport)
        let id = try req.uuidParameter("id", thing: "Impor")
        guard let job = try await JobQueue(db: req.db).find(id, ownedBy: actor.userID), job.kind.hasPrefix("import.") else {
            throw AppError.notFound("Impor")
        }
        do {
            return try ImportJob(job, live: req.application.jobs.liveProgress(id))
        } catch {
            req.logger.report(error: error)
            throw AppError.notFound("Impor")
        }
    }

    private func show(_ req: Request) async throws -> Response {
        let job = try await job(req)
        let elapsed = max(Date().timeIntervalSince(job.started), 0.001)
        let running = !job.isFinished
        let rate = Int(Double(job.done) / elapsed)
        let needsMapping = job.error?.code == "header_not_found"
        let headers = needsMapping ? (try? TabularFile.read(path: job.parameters.path).rows.first?.cells) ?? [] : []
        let context = JobContext(
            page: PageContext(title: "Impor \(job.fileName)", request: req), id: job.id.uuidString, kind: job.kind.indonesianName,
            fileName: job.fileName, queued: job.state == .queued, running: running, failed: job.state == .failed, done: job.done, total: job.total,
            percent: job.total > 0 ? job.done * 100 / job.total : 0, rate: rate, eta: rate > 0 ? (job.total - job.done) / rate : 0,
            summary: job.result?.summary,
            rejections: (job.result?.rejections ?? []).prefix(50).map { .init(line: $0.line, column: $0.column, message: $0.message) },
            moreRejections: max(0, (job.result?.rejections.count ?? 0) - 50),
            changes: Array((job.result?.changes ?? []).prefix(200)), moreChanges: max(0, (job.result?.changes.count ?? 0) - 200), error: job.error?.message, needsMapping: needsMapping,
            headers: headers, fields: ImportField.allCases.map { .init(value: $0.rawValue, label: $0.indonesianHeader) },
            canApply: job.state == .done && job.dryRun)
        var withMapping = context
        if let unknown = job.result?.unknownOccupations, !unknown.isEmpty {
            withMapping.unknownOccupations = unknown
            withMapping.occupationOptions = try await Self.occupationOptions(programID: job.programID, on: req.db)
            withMapping.canSaveAlias = AccessPolicy.mayAnywhere(try req.requireActor(), .manageSettings)
        }
        let response = try await req.view.render("imports/job", withMapping).encodeResponse(for: req)
        if running { response.headers.replaceOrAdd(name: "Refresh", value: "2") }
        // A job refused for its file answers with that refusal's status (422), as the API does.
        if job.state == .failed, let status = job.error?.status, (400..<500).contains(status) { response.status = HTTPStatus(statusCode: status) }
        return response
    }

    /// A new job from this one's file with changed parameters (apply, a mapping).
    func rerun(_ req: Request, _ change: (inout ImportJob.Parameters) -> Void) async throws -> Response {
        _ = try req.requireActor(allowedTo: .importExport)
        let job = try await job(req)
        guard job.isFinished else { return req.redirect(to: WebPath.importJob(job.id).path) }
        var next = job.parameters
        change(&next)
        let id = try await ImportJobs.submit(next, req)
        try await Task.sleep(for: .milliseconds(300))
        return req.redirect(to: WebPath.importJob(id).path)
    }

    private func apply(_ req: Request) async throws -> Response {
        try await rerun(req) { $0.dryRun = false }
    }

    /// The mapping step: `map_<column index>=<field>` for each column.
    private func remap(_ req: Request) async throws -> Response {
        let headers = (try? TabularFile.read(path: try await job(req).parameters.path).rows.first?.cells) ?? []
        let form = try req.content.decodeBounded([String: String].self)
        var explicit: [String: ImportField] = [:]
        for (index, header) in headers.enumerated() {
            if let field = form["map_\(index)"].flatMap(ImportField.init(rawValue:)) { explicit[header] = field }
        }
        return try await rerun(req) { $0.explicit = explicit; $0.dryRun = true }
    }

    private func report(_ req: Request) async throws -> Response {
        let job = try await job(req)
        guard let result = job.result, !result.rejections.isEmpty else { throw AppError.notFound("Laporan") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-report-\(UUID().uuidString).xlsx")
        try RejectionReport.write(result, to: url)
        let response = try await req.fileio.asyncStreamFile(at: url.path) { _ in try? FileManager.default.removeItem(at: url) }
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.contentDisposition = .init(.attachment, filename: "ditolak-\(job.fileName).xlsx")
        return response
    }
}
