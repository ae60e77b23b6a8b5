/// What happened to a participant (issue 14): the kind decides which
/// benefit, which documents, and whether BPJS must first decide it was work.
public enum ClaimKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Death from any cause (JKM).
    case death
    /// A work accident (JKK): care, incapacity pay, disability.
    case workAccident = "work_accident"
    /// Death from a work accident (JKK).
    case workDeath = "work_death"
    /// An occupational disease (JKK).
    case occupationalDisease = "occupational_disease"

    public var indonesianName: String {
        switch self {
        case .death: "Meninggal dunia"
        case .workAccident: "Kecelakaan kerja"
        case .workDeath: "Meninggal karena kecelakaan kerja"
        case .occupationalDisease: "Penyakit akibat kerja"
        }
    }

    /// JKK cases start as suspected (*dugaan kecelakaan kerja*): BPJS
    /// decides within 30 days of the first report whether it was work (PP 49/2023).
    public var startsSuspected: Bool { self != .death }
}

public enum ClaimStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case reported
    case documentsComplete = "documents_complete"
    case verified
    case submitted
    case approved
    case rejected
    case paid
    case closed

    public var indonesianName: String {
        switch self {
        case .reported: "Dilaporkan"
        case .documentsComplete: "Dokumen lengkap"
        case .verified: "Diverifikasi dinas"
        case .submitted: "Diajukan ke BPJS"
        case .approved: "Disetujui BPJS"
        case .rejected: "Ditolak BPJS"
        case .paid: "Dibayar BPJS"
        case .closed: "Selesai"
        }
    }
}

public enum ClaimAction: String, Sendable, Hashable, CaseIterable, Codable {
    case completeDocuments = "complete_documents", verify, submit, approve, reject, pay, close

    public var indonesianName: String {
        switch self {
        case .completeDocuments: "Tandai dokumen lengkap"
        case .verify: "Verifikasi"
        case .submit: "Ajukan ke BPJS"
        case .approve: "Setujui (BPJS)"
        case .reject: "Tolak (BPJS)"
        case .pay: "Catat pembayaran BPJS"
        case .close: "Tutup kasus"
        }
    }
}

/// The claim case as a state machine: one table of allowed transitions, as
/// the proposal workflow. The agency assembles and verifies, BPJS decides
/// and pays (the city never pays a benefit): approval, refusal and payment
/// are BPJS's, with BPJS's claim number. A refused case is never reopened:
/// a new case links to it.
public enum ClaimWorkflow {
    public struct Transition: Sendable, Hashable {
        public let from: ClaimStatus
        public let action: ClaimAction
        public let role: Role
        public let to: ClaimStatus
    }

    public static let transitions: [Transition] = {
        var rows: [Transition] = []
        func add(_ from: [ClaimStatus], _ action: ClaimAction, _ roles: [Role], _ to: ClaimStatus) {
            for f in from { for r in roles { rows.append(Transition(from: f, action: action, role: r, to: to)) } }
        }
        add([.reported], .completeDocuments, [.operator, .bpjs], .documentsComplete)
        add([.documentsComplete], .verify, [.operator], .verified)
        add([.verified], .submit, [.operator], .submitted)
        add([.submitted], .approve, [.bpjs], .approved)
        add([.submitted], .reject, [.bpjs], .rejected)
        add([.approved], .pay, [.bpjs], .paid)
        add([.paid, .rejected], .close, [.operator, .bpjs], .closed)
        return rows
    }()

    /// The status after `action`, if `actor` holds an allowed role covering `location`.
    public static func next(from status: ClaimStatus, action: ClaimAction, actor: Actor,
                            at location: RecordLocation) throws(ClaimError) -> Transition {
        let candidates = transitions.filter { $0.from == status && $0.action == action }
        guard !candidates.isEmpty else { throw .illegalTransition(from: status, action: action) }
        for t in candidates where actor.grants.contains(where: { $0.role == t.role && $0.covers(location) }) { return t }
        throw .roleNotAllowed(action: action, roles: candidates.map(\.role))
    }

    /// Actions `actor` could take now, for the buttons on a page.
    public static func available(from status: ClaimStatus, actor: Actor, at location: RecordLocation) -> [ClaimAction] {
        var seen: [ClaimAction] = []
        for t in transitions where t.from == status && !seen.contains(t.action)
            && actor.grants.contains(where: { $0.role == t.role && $0.covers(location) }) {
            seen.append(t.action)
        }
        return seen
    }

    /// Who may report an event (each within their region).
    public static let reporters: [Role] = [.rt, .kelurahan, .operator, .bpjs]

    /// BPJS's deadline to decide whether a suspected work accident was work: 30 days from the first report (PP 49/2023).
    public static let decisionDays = 30

    public static func decisionDeadline(reportedOn day: CalendarDate) -> CalendarDate {
        CalendarDate(daysSince1900: day.daysSince1900 + decisionDays) ?? day
    }
}

public enum ClaimError: DomainError, Equatable {
    case illegalTransition(from: ClaimStatus, action: ClaimAction)
    case roleNotAllowed(action: ClaimAction, roles: [Role])

    public var code: String {
        switch self {
        case .illegalTransition: "claim_transition_illegal"
        case .roleNotAllowed: "claim_role_not_allowed"
        }
    }

    public var message: String {
        switch self {
        case .illegalTransition(let from, let action):
            "Kasus berstatus \(from.indonesianName) tidak dapat \"\(action.indonesianName.lowercased())\"."
                + (action == .pay ? " Pembayaran hanya untuk kasus yang sudah disetujui BPJS." : "")
        case .roleNotAllowed(let action, let roles):
            "\"\(action.indonesianName)\" hanya dapat dilakukan oleh \(roles.map(\.indonesianName).joined(separator: " atau "))."
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .illegalTransition: .conflict
        case .roleNotAllowed: .forbidden
        }
    }
}
