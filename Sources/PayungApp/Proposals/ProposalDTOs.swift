import Foundation
import PayungCore
import Vapor

struct ProposalDTO: Content {
    let id: UUID
    let programID: UUID
    let status: String
    let statusName: String
    let village: String
    let rt: String?
    let rw: String?
    /// Masked (`3375********0001`) unless the caller may see full NIKs.
    let nik: String
    let name: String
    let sex: String
    let birthDate: String
    let occupation: String?
    let kpj: String?
    let bpjsStartDate: String?
    let rejectionReason: String?
    let endReason: String?
    let endedOn: String?
    let lastNote: String?
    let warnings: [EntryIssue]?
    let availableActions: [String]

    init(_ p: ProposalModel, worker: WorkerModel, fullNIK: Bool, actions: [ProposalAction], warnings: [EntryIssue]? = nil) {
        id = p.id!
        programID = p.programID
        status = p.status
        statusName = p.statusValue.indonesianName
        village = p.villageCode
        rt = p.rt
        rw = p.rw
        nik = fullNIK ? worker.nik : NIK.mask(worker.nik)
        name = worker.name
        sex = worker.sex
        birthDate = worker.birthDate
        occupation = worker.occupationCode
        kpj = p.kpj
        bpjsStartDate = p.bpjsStartDate
        rejectionReason = p.rejectionReason
        endReason = p.endReason
        endedOn = p.endedOn
        lastNote = p.lastNote
        self.warnings = warnings
        availableActions = actions.map(\.rawValue)
    }
}

struct CheckResultDTO: Content {
    let ok: Bool
    let issues: [EntryIssue]
}

struct InboxDTO: Content {
    struct Item: Content {
        let status: String
        let action: String
        let count: Int
        let message: String
    }
    let items: [Item]
}

/// `POST /api/v1/proposals/search`: a full NIK in the body, never in the URL.
struct ProposalSearchInput: Content {
    let nik: String
    var program: UUID?
    var page: Int?
    var size: Int?
}

enum ProposalSchemas {
    static let issue: JSON = Schema.object([
        "severity": Schema.string(values: ["error", "warning"]), "code": Schema.string(example: "age_out_of_bounds"),
        "field": Schema.string(example: "nik"), "message": Schema.string(),
    ], required: ["severity", "code", "field", "message"])

    static let all: [String: JSON] = [
        "EntryIssue": issue,
        "ProposalSearchInput": Schema.object([
            "nik": Schema.string("A full NIK, 16 digits", example: "3375014506850001"), "program": Schema.string(format: "uuid"),
            "page": Schema.integer(), "size": Schema.integer(),
        ], required: ["nik"]),
        "HeirInput": Schema.object(["name": Schema.string(), "relation": Schema.string(example: "istri"),
                                    "nik": Schema.string(), "phone": Schema.string()], required: ["name", "relation"]),
        "ProposalInput": Schema.object([
            "programID": Schema.string(format: "uuid"), "nik": Schema.string(), "name": Schema.string(), "kk": Schema.string(),
            "birthPlace": Schema.string(), "village": Schema.string(example: "33.75.01.1002"), "rt": Schema.string(), "rw": Schema.string(),
            "street": Schema.string(), "phone": Schema.string(), "occupation": Schema.string(example: "batik_labourer"),
            "monthlyIncome": Schema.integer(), "disability": Schema.string(), "welfareDecile": Schema.integer(),
            "heirs": Schema.array(Schema.ref("HeirInput")),
            "children": Schema.array(Schema.object(["name": Schema.string(), "birthDate": Schema.string(format: "date"),
                                                    "schoolLevel": Schema.string(values: ["tk_sd", "smp", "sma", "pt"])], required: ["name"])),
            "submit": Schema.boolean, "confirmWarnings": Schema.boolean,
        ], required: ["programID", "nik", "name", "village"]),
        "Proposal": Schema.object([
            "id": Schema.string(format: "uuid"), "programID": Schema.string(format: "uuid"),
            "status": Schema.string(values: ProposalStatus.allCases.map(\.rawValue)), "statusName": Schema.string(),
            "village": Schema.string(), "rt": Schema.string(), "rw": Schema.string(),
            "nik": Schema.string("Masked unless the caller may see full NIKs"), "name": Schema.string(), "sex": Schema.string(),
            "birthDate": Schema.string(format: "date"), "occupation": Schema.string(), "kpj": Schema.string(),
            "bpjsStartDate": Schema.string(format: "date"), "rejectionReason": Schema.string(), "endReason": Schema.string(),
            "endedOn": Schema.string(format: "date"), "lastNote": Schema.string(), "warnings": Schema.array(Schema.ref("EntryIssue")),
            "availableActions": Schema.array(Schema.string(values: ProposalAction.allCases.map(\.rawValue))),
        ], required: ["id", "programID", "status", "statusName", "village", "nik", "name", "availableActions"]),
        "ProposalPage": PageDTO<ProposalDTO>.schema(of: "Proposal"),
        "CheckResult": Schema.object(["ok": Schema.boolean, "issues": Schema.array(Schema.ref("EntryIssue"))], required: ["ok", "issues"]),
        "TransitionInput": Schema.object([
            "action": Schema.string(values: ProposalAction.allCases.map(\.rawValue)),
            "reason": Schema.string("Rejection or end reason code"), "note": Schema.string("Required to return"),
            "kpj": Schema.string("For register: 11-digit KPJ"), "startDate": Schema.string(format: "date"),
            "endDate": Schema.string("For end: the day participation ended (date of death, of moving away); today when left out", format: "date"),
            "confirmMissingDocuments": Schema.boolean,
        ], required: ["action"]),
        "BulkTransitionInput": Schema.object([
            "ids": Schema.array(Schema.string(format: "uuid")), "action": Schema.string(), "reason": Schema.string(), "note": Schema.string(),
        ], required: ["ids", "action"]),
        "BulkResult": Schema.object([
            "succeeded": Schema.integer(), "failed": Schema.integer(),
            "results": Schema.array(Schema.object(["id": Schema.string(format: "uuid"), "ok": Schema.boolean, "status": Schema.string(),
                                                   "code": Schema.string(), "message": Schema.string()], required: ["id", "ok"])),
        ], required: ["succeeded", "failed", "results"]),
        "Inbox": Schema.object(["items": Schema.array(Schema.object([
            "status": Schema.string(), "action": Schema.string(), "count": Schema.integer(), "message": Schema.string(),
        ], required: ["status", "action", "count", "message"]))], required: ["items"]),
    ]
}

extension EntryIssue: Content {}
