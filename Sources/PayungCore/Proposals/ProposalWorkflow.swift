/// The proposal state machine: one table of allowed transitions. Tiers
/// cannot be skipped or reordered, because no row leads past them.
public enum ProposalWorkflow {
    public struct Transition: Sendable, Hashable {
        public let from: ProposalStatus
        public let action: ProposalAction
        public let role: Role
        public let to: ProposalStatus
    }

    /// The whole workflow. A row reads: from `from`, `role` may `action`, giving `to`.
    public static let transitions: [Transition] = {
        var rows: [Transition] = []
        func add(_ from: [ProposalStatus], _ action: ProposalAction, _ roles: [Role], _ to: ProposalStatus) {
            for f in from { for r in roles { rows.append(Transition(from: f, action: action, role: r, to: to)) } }
        }
        add([.draft, .returned], .submit, [.rt], .submitted)
        add([.submitted], .verify, [.kelurahan], .verifiedKelurahan)
        add([.submitted], .return, [.kelurahan], .returned)
        add([.submitted], .reject, [.kelurahan], .rejected)
        add([.verifiedKelurahan], .verify, [.kecamatan], .verifiedKecamatan)
        add([.verifiedKelurahan], .return, [.kecamatan], .returned)
        add([.verifiedKelurahan], .reject, [.kecamatan], .rejected)
        add([.verifiedKecamatan], .approve, [.operator, .kepalaDinas], .approved)
        add([.verifiedKecamatan], .return, [.operator], .returned)
        add([.verifiedKecamatan], .reject, [.operator, .kepalaDinas], .rejected)
        add([.approved], .register, [.operator, .bpjs], .registered)
        // BPJS refused the registration: back to the proposer, the slot freed.
        add([.approved], .return, [.operator, .bpjs], .returned)
        add([.registered], .activate, [.operator, .bpjs], .active)
        add([.approved, .registered, .active], .end, [.operator, .bpjs], .ended)
        return rows
    }()

    /// The status after `action`, if `actor` holds a role allowed to take it
    /// on a record at `location`.
    public static func next(from status: ProposalStatus, action: ProposalAction, actor: Actor,
                            at location: RecordLocation) throws(ProposalError) -> Transition {
        let candidates = transitions.filter { $0.from == status && $0.action == action }
        guard !candidates.isEmpty else { throw .illegalTransition(from: status, action: action) }
        for transition in candidates where actor.grants.contains(where: { $0.role == transition.role && $0.covers(location) }) {
            return transition
        }
        throw .roleNotAllowed(action: action, status: status, roles: candidates.map(\.role))
    }

    /// Actions `actor` could take now, for the buttons on a page.
    public static func available(from status: ProposalStatus, actor: Actor, at location: RecordLocation) -> [ProposalAction] {
        var seen: [ProposalAction] = []
        for t in transitions where t.from == status && !seen.contains(t.action)
            && actor.grants.contains(where: { $0.role == t.role && $0.covers(location) }) {
            seen.append(t.action)
        }
        return seen
    }

    /// The status a verifier of `role` works on (their queue).
    public static func queueStatus(for role: Role) -> ProposalStatus? {
        switch role {
        case .kelurahan: .submitted
        case .kecamatan: .verifiedKelurahan
        case .operator, .kepalaDinas: .verifiedKecamatan
        case .rt: .returned
        default: nil
        }
    }
}

/// Workflow failures, with stable codes and Indonesian messages.
public enum ProposalError: DomainError, Equatable {
    case illegalTransition(from: ProposalStatus, action: ProposalAction)
    case roleNotAllowed(action: ProposalAction, status: ProposalStatus, roles: [Role])
    case reasonRequired
    case rejectionReasonRequired
    case quotaExhausted(quota: Int)
    case regionQuotaExhausted(region: String, quota: Int)
    case blockingIssues([String])
    case warningsNotConfirmed([String])
    case notEditable(ProposalStatus)

    public var code: String {
        switch self {
        case .illegalTransition: "transition_not_allowed"
        case .roleNotAllowed: "role_not_allowed"
        case .reasonRequired: "reason_required"
        case .rejectionReasonRequired: "rejection_reason_required"
        case .quotaExhausted: "quota_exhausted"
        case .regionQuotaExhausted: "region_quota_exhausted"
        case .blockingIssues: "entry_check_failed"
        case .warningsNotConfirmed: "warnings_not_confirmed"
        case .notEditable: "proposal_not_editable"
        }
    }

    public var message: String {
        switch self {
        case .illegalTransition(let from, let action):
            "Usulan berstatus \"\(from.indonesianName)\" tidak dapat di\(action.indonesianName)."
        case .roleNotAllowed(let action, let status, let roles):
            "Hanya \(roles.map(\.indonesianName).joined(separator: " atau ")) wilayah ini yang dapat \(action.indonesianName) usulan berstatus \"\(status.indonesianName)\"."
        case .reasonRequired: "Tuliskan alasan pengembalian agar pengusul tahu apa yang harus diperbaiki."
        case .rejectionReasonRequired: "Pilih alasan penolakan."
        case .quotaExhausted(let quota): "Kuota program (\(quota) orang) sudah habis. Usulan tetap di daftar tunggu."
        case .regionQuotaExhausted(let region, let quota): "Kuota wilayah \(region) (\(quota) orang) sudah habis. Usulan tetap di daftar tunggu."
        case .blockingIssues(let messages): "Usulan belum dapat diajukan: " + messages.joined(separator: " ")
        case .warningsNotConfirmed(let messages): "Periksa peringatan lalu centang konfirmasi: " + messages.joined(separator: " ")
        case .notEditable(let status): "Usulan berstatus \"\(status.indonesianName)\" tidak dapat diubah."
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .roleNotAllowed: .forbidden
        case .illegalTransition, .quotaExhausted, .regionQuotaExhausted, .notEditable: .conflict
        default: .invalidInput
        }
    }
}
