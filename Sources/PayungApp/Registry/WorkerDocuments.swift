import Fluent
import Foundation
import PayungCore
import Vapor

/// A photo of the worker's KTP or KK. Stored in the database (one backup,
/// one transaction) and served only to those who may see the full record.
final class WorkerDocumentModel: Model, @unchecked Sendable {
    static let schema = "worker_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "worker_id") var workerID: UUID
    /// `ktp` or `kk`.
    @Field(key: "kind") var kind: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

struct CreateWorkerDocuments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("worker_documents")
            .id()
            .field("worker_id", .uuid, .required, .references("workers", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("content_type", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_at", .datetime, .required)
            .field("uploaded_by", .string, .required)
            .unique(on: "worker_id", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("worker_documents").delete()
    }
}

/// The kinds of document a worker record may carry, and what an upload must be.
enum WorkerDocument {
    static let kinds = ["ktp": "Foto KTP", "kk": "Foto Kartu Keluarga"]
    /// 2 MB: a phone photo compressed by the browser or WhatsApp fits.
    static let maxBytes = 2 * 1024 * 1024

    /// The image type from the file's first bytes (never trust the name).
    static func imageType(of data: Data) -> String? {
        let b = [UInt8](data.prefix(12))
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if b.count >= 12, b[0..<4] == [0x52, 0x49, 0x46, 0x46], b[8..<12] == [0x57, 0x45, 0x42, 0x50] { return "image/webp" }
        return nil
    }
}

/// Upload and download of KTP/KK photos on a proposal's page.
struct WorkerDocumentController {
    func register(protected web: any RoutesBuilder) {
        web.on(.POST, WebPath.proposals.components + [":id", "dokumen"], body: .collect(maxSize: "3mb"), use: upload)
        web.get(WebPath.proposals.components + [":id", "dokumen", ":kind"], use: download)
    }

    struct UploadForm: Content {
        let kind: String
        let file: File
    }

    private func upload(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.uuidParameter("id", thing: "Usulan")
        let proposal = try await req.proposals.readable(id, actor: actor)
        guard AccessPolicy.may(actor, .propose, at: proposal.location!) || AccessPolicy.may(actor, .importExport, at: proposal.location!) else {
            throw AccessError.forbidden
        }
        do {
            return try await store(req, proposal: proposal, actor: actor)
        } catch let error as any DomainError where error.kind == .invalidInput {
            // A wrong file is answered on the proposal's own page, next to the upload form.
            return try await ProposalWebController().renderDetail(req, error: error.message, status: .unprocessableEntity)
        }
    }

    private func store(_ req: Request, proposal: ProposalModel, actor: Actor) async throws -> Response {
        let id = proposal.id!
        let form = try req.content.decodeBounded(UploadForm.self)
        guard WorkerDocument.kinds[form.kind] != nil else { throw AppError.invalid("document_kind_invalid", "Jenis dokumen: ktp atau kk.") }
        let data = Data(buffer: form.file.data)
        guard data.count <= WorkerDocument.maxBytes else {
            throw AppError.invalid("document_too_large", "Foto terlalu besar (maksimal 2 MB). Kecilkan ukurannya lalu unggah lagi.")
        }
        guard let type = WorkerDocument.imageType(of: data) else {
            throw AppError.invalid("document_not_image", "Berkas \"\(form.file.filename.prefix(60))\" bukan foto. Unggah foto KTP atau KK berformat JPEG, PNG atau WebP (foto dari kamera HP).")
        }
        let now = req.application.clock.now()
        try await req.db.transaction { tx in
            try await WorkerDocumentModel.query(on: tx).filter(\.$workerID == proposal.workerID).filter(\.$kind == form.kind).delete()
            let doc = WorkerDocumentModel()
            doc.id = UUID()
            doc.workerID = proposal.workerID
            doc.kind = form.kind
            doc.contentType = type
            doc.data = data
            doc.uploadedAt = now
            doc.uploadedBy = actor.username
            try await doc.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "document.upload", entity: "worker", entityID: proposal.workerID.uuidString, regionCode: proposal.villageCode,
                changes: [form.kind: .init(old: nil, new: "\(type), \(data.count) bytes")]), by: req.auditActor)
        }
        return req.redirect(to: WebPath.proposal(id).path + "?ok=action_done")
    }

    private func download(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.uuidParameter("id", thing: "Usulan")
        let proposal = try await req.proposals.readable(id, actor: actor)
        let kind = req.parameters.get("kind") ?? ""
        // A KTP or KK photo shows the full NIK: only for those who may see it.
        guard AccessPolicy.may(actor, .readFullNIK, at: proposal.location!),
              let doc = try await WorkerDocumentModel.query(on: req.db).filter(\.$workerID == proposal.workerID)
                .filter(\.$kind == kind).first()
        else { throw AppError.notFound("Dokumen") }
        try await req.audit.record(AuditEntry(action: "document.view", entity: "worker", entityID: proposal.workerID.uuidString,
                                              regionCode: proposal.villageCode, note: kind), by: req.auditActor)
        let response = Response(status: .ok, body: .init(data: doc.data))
        response.headers.contentType = HTTPMediaType(type: "image", subType: String(doc.contentType.dropFirst("image/".count)))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
