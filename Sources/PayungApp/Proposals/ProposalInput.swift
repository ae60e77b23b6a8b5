import Foundation
import PayungCore
import Vapor

/// An heir as typed on the form or sent by the API.
struct HeirInput: Content, Sendable {
    let name: String
    let relation: String
    var nik: String?
    var phone: String?
}

/// A child of the worker, for scholarships later (PP 82/2019).
struct ChildInput: Content, Sendable {
    let name: String
    /// `YYYY-MM-DD`.
    var birthDate: String?
    /// `tk_sd`, `smp`, `sma`, `pt`.
    var schoolLevel: String?
}

/// A worker proposed for a program: the RT head's form, the API, an import row.
struct ProposalInput: Content, Sendable {
    var programID: UUID
    var nik: String
    var name: String
    var kk: String?
    var birthPlace: String?
    var village: String
    var rt: String?
    var rw: String?
    var street: String?
    var phone: String?
    var occupation: String?
    var monthlyIncome: Int64?
    var disability: String?
    var welfareDecile: Int?
    var heirs: [HeirInput]?
    var children: [ChildInput]?
    /// Submit now (`true`) or keep as a draft.
    var submit: Bool?
    /// The proposer has read the warnings and confirms.
    var confirmWarnings: Bool?

    var entry: ProposalEntry {
        ProposalEntry(nik: nik, name: name, village: RegionCode(village), occupation: occupation,
                      heirCount: heirs?.filter { !$0.name.trimmingCharacters(in: .whitespaces).isEmpty }.count ?? 0)
    }

    var location: RecordLocation? {
        RegionCode(village).map { RecordLocation(village: $0, rt: rt, rw: rw) }
    }
}

/// A transition asked for by a verifier, the agency or BPJS.
struct TransitionInput: Content, Sendable {
    let action: String
    /// Rejection reason code or end reason code.
    var reason: String?
    /// Return note (required for `return`), any comment otherwise.
    var note: String?
    /// For `register`: BPJS membership number and coverage start.
    var kpj: String?
    var startDate: String?
    /// For `approve`: the approver saw that documents the program requires
    /// are missing and approves anyway (recorded in the event and audit).
    var confirmMissingDocuments: Bool?
    /// For `end`: the day participation ended (date of death, of moving
    /// away), `YYYY-MM-DD`; today when left out.
    var endDate: String?
}

struct BulkTransitionInput: Content, Sendable {
    let ids: [UUID]
    let action: String
    var reason: String?
    var note: String?
}
