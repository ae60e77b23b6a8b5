/// A person's BPJS Ketenagakerjaan membership: one KPJ (*Kartu Peserta
/// Jamsostek* number) per person, kept across programs, years and Pemdas,
/// and the date membership first began. Scholarships count years of
/// membership from that first date (PP 82/2019: at least 3 years for JKM),
/// so it is a fact about the person, apart from the coverage start of any
/// one program.
public struct BPJSMembership: Sendable, Equatable {
    public let nik: String
    public let kpj: String
    public let firstMembershipDate: CalendarDate

    public init(nik: String, kpj: String, firstMembershipDate: CalendarDate) {
        self.nik = nik
        self.kpj = kpj
        self.firstMembershipDate = firstMembershipDate
    }

    /// The membership after registering `nik` with `kpj` from `start`,
    /// given what is known: the NIK's own membership and the NIK that holds
    /// `kpj`, if any. A KPJ belongs to one person; a person keeps one KPJ.
    public static func register(nik: String, kpj: String, start: CalendarDate, current: BPJSMembership?,
                                kpjHolder: String?) throws(MembershipError) -> BPJSMembership {
        if let holder = kpjHolder, holder != nik { throw .kpjHeldByAnother }
        if let current {
            guard current.kpj == kpj else { throw .personHasOtherKPJ(current.kpj) }
            return BPJSMembership(nik: nik, kpj: kpj, firstMembershipDate: min(current.firstMembershipDate, start))
        }
        return BPJSMembership(nik: nik, kpj: kpj, firstMembershipDate: start)
    }
}

public enum MembershipError: DomainError, Equatable {
    /// The KPJ is recorded for a different NIK.
    case kpjHeldByAnother
    /// The person already has this other KPJ (not told: another Pemda may have registered it).
    case personHasOtherKPJ(String)

    public var code: String {
        switch self {
        case .kpjHeldByAnother: "kpj_held_by_another"
        case .personHasOtherKPJ: "nik_has_other_kpj"
        }
    }

    public var message: String {
        switch self {
        case .kpjHeldByAnother: "Nomor KPJ ini sudah tercatat untuk orang lain. Periksa kembali nomor KPJ dari BPJS."
        case .personHasOtherKPJ: "Orang ini sudah terdaftar di BPJS Ketenagakerjaan dengan nomor KPJ lain; satu orang memakai satu KPJ. Pakai nomor KPJ yang sudah dimilikinya."
        }
    }

    public var kind: DomainErrorKind { .conflict }
}
