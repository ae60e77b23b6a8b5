/// The documents a claim case needs before the agency can mark it complete
/// and send it to BPJS, per kind of claim. Sources: Permenaker 5/2021 (JKM
/// for BPU: death certificate, KTP and KK of the deceased and the heirs, heir
/// statement) and PP 44/2015 jo. PP 82/2019 with BPJS's JKK claim form
/// (membership card, KTP, doctor's statement or medical resume, receipts,
/// the police report for a traffic accident), as DOMAIN.md, "Benefits".
public enum ClaimDocumentKind: String, Sendable, Hashable, CaseIterable, Codable {
    case deathCertificate = "death_certificate"
    case ktpDeceased = "ktp_deceased"
    case kkDeceased = "kk_deceased"
    case ktpHeir = "ktp_heir"
    case kkHeir = "kk_heir"
    case heirStatement = "heir_statement"
    case policeReport = "police_report"
    case medicalResume = "medical_resume"
    case receipts
    case bankAccount = "bank_account"
    case membershipCard = "membership_card"
    /// Proof of a child's enrolment for a school year (scholarship).
    case enrolment

    public var indonesianName: String {
        switch self {
        case .deathCertificate: "Akta/surat keterangan kematian"
        case .ktpDeceased: "KTP peserta"
        case .kkDeceased: "Kartu Keluarga peserta"
        case .ktpHeir: "KTP ahli waris"
        case .kkHeir: "Kartu Keluarga ahli waris"
        case .heirStatement: "Surat keterangan ahli waris"
        case .policeReport: "Laporan polisi (kecelakaan lalu lintas)"
        case .medicalResume: "Resume medis / surat keterangan dokter"
        case .receipts: "Kuitansi perawatan dan pengangkutan"
        case .bankAccount: "Buku tabungan penerima"
        case .membershipCard: "Kartu peserta BPJS Ketenagakerjaan"
        case .enrolment: "Bukti masih sekolah/kuliah (beasiswa)"
        }
    }
}

public enum ClaimDocuments {
    /// The checklist for a case: what must be there before "documents complete".
    public static func required(for kind: ClaimKind, trafficAccident: Bool) -> [ClaimDocumentKind] {
        var list: [ClaimDocumentKind]
        switch kind {
        case .death:
            list = [.deathCertificate, .ktpDeceased, .kkDeceased, .ktpHeir, .kkHeir, .heirStatement, .bankAccount]
        case .workDeath:
            list = [.deathCertificate, .ktpDeceased, .kkDeceased, .ktpHeir, .kkHeir, .heirStatement, .medicalResume, .bankAccount]
        case .workAccident, .occupationalDisease:
            list = [.membershipCard, .ktpDeceased, .medicalResume, .receipts, .bankAccount]
        }
        if trafficAccident && kind != .death { list.append(.policeReport) }
        return list
    }

    /// What is still missing, in the checklist's order.
    public static func missing(for kind: ClaimKind, trafficAccident: Bool, present: Set<ClaimDocumentKind>) -> [ClaimDocumentKind] {
        required(for: kind, trafficAccident: trafficAccident).filter { !present.contains($0) }
    }

    /// For a work accident the "KTP peserta" is the injured person's own.
    public static func name(_ kind: ClaimDocumentKind, for claim: ClaimKind) -> String {
        if kind == .ktpDeceased && !claim.isDeath { return "KTP peserta" }
        return kind.indonesianName
    }
}

extension ClaimKind {
    /// A death (any cause or from work): it ends the participation and has heirs.
    public var isDeath: Bool { self == .death || self == .workDeath }
}
