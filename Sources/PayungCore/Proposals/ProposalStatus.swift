/// Where a proposal (*usulan*) stands, from the RT head's draft to an active
/// participant. Source: the Kota Jambi flow (RT proposes, kelurahan then
/// kecamatan verify, the agency approves within quota; press 2025) and BPJS
/// registration.
public enum ProposalStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case draft
    case submitted
    /// Sent back to the proposer for correction.
    case returned
    case verifiedKelurahan = "verified_kelurahan"
    case verifiedKecamatan = "verified_kecamatan"
    case approved
    /// BPJS membership number and start date recorded.
    case registered
    case active
    case ended
    case rejected

    public var indonesianName: String {
        switch self {
        case .draft: "Draf"
        case .submitted: "Diajukan"
        case .returned: "Dikembalikan untuk perbaikan"
        case .verifiedKelurahan: "Terverifikasi kelurahan"
        case .verifiedKecamatan: "Terverifikasi kecamatan"
        case .approved: "Disetujui"
        case .registered: "Terdaftar di BPJS"
        case .active: "Peserta aktif"
        case .ended: "Berakhir"
        case .rejected: "Ditolak"
        }
    }

    /// Statuses that hold a quota slot.
    public var holdsQuota: Bool { [.approved, .registered, .active].contains(self) }

    /// Statuses in which the person is a participant of the program (taken
    /// for the premium): what blocks a proposal by another Pemda.
    public var isParticipating: Bool { holdsQuota }

    /// Statuses in which the person counts as taken by this program (for the
    /// duplicate check): everything but the closed ones.
    public var isOpen: Bool { ![.ended, .rejected].contains(self) }
}

/// What someone does to a proposal.
public enum ProposalAction: String, Sendable, Codable, CaseIterable, Hashable {
    case submit
    case verify
    /// Back to the proposer with a reason, for correction.
    case `return`
    case reject
    case approve
    case register
    case activate
    case end

    public var indonesianName: String {
        switch self {
        case .submit: "ajukan"
        case .verify: "verifikasi"
        case .return: "kembalikan"
        case .reject: "tolak"
        case .approve: "setujui"
        case .register: "catat pendaftaran BPJS"
        case .activate: "aktifkan"
        case .end: "akhiri"
        }
    }
}

/// Why a proposal is rejected (stable codes).
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    case notEligibleOccupation = "not_eligible_occupation"
    case outsideDomicile = "outside_domicile"
    case duplicate
    case notVulnerable = "not_vulnerable"
    case deceased
    case documentsInvalid = "documents_invalid"
    case other

    public var indonesianName: String {
        switch self {
        case .notEligibleOccupation: "Pekerjaan tidak termasuk program"
        case .outsideDomicile: "Tidak berdomisili di wilayah"
        case .duplicate: "Sudah terdaftar / ganda"
        case .notVulnerable: "Tidak termasuk pekerja rentan"
        case .deceased: "Meninggal dunia"
        case .documentsInvalid: "Dokumen tidak sah"
        case .other: "Alasan lain"
        }
    }
}

/// Why participation ends (stable codes).
public enum EndReason: String, Sendable, Codable, CaseIterable {
    case death
    case moved
    case ageLimit = "age_limit"
    case programEnd = "program_end"
    case withdrawn

    public var indonesianName: String {
        switch self {
        case .death: "Meninggal dunia"
        case .moved: "Pindah domisili"
        case .ageLimit: "Melewati batas usia"
        case .programEnd: "Program berakhir"
        case .withdrawn: "Mengundurkan diri / dicabut"
        }
    }
}
