/// Who pays a person-month: the kind of sponsor (*penyandang dana*) behind
/// the money. The kind decides the BPJS segment the money is booked under
/// and whether the PP 50/2025 discount applies.
public enum PayerKind: String, Sendable, Codable, CaseIterable {
    /// City or regency budget (*APBD*).
    case apbd
    /// Village funds (*APBDes / dana desa*).
    case apbdes
    /// National budget (*APBN*).
    case apbn
    /// A company's CSR programme.
    case csr
    /// The national zakat agency (*Baznas*).
    case baznas
    /// The civil servants' association (*Korpri*).
    case korpri
    /// An individual donor.
    case donor
    case other

    public var indonesianName: String {
        switch self {
        case .apbd: "APBD (anggaran daerah)"
        case .apbdes: "APBDes / dana desa"
        case .apbn: "APBN"
        case .csr: "CSR perusahaan"
        case .baznas: "Baznas"
        case .korpri: "Korpri"
        case .donor: "Donatur perorangan"
        case .other: "Lainnya"
        }
    }

    /// PP 50/2025 excludes participants whose contributions are paid from
    /// APBN or APBD from its discount [N/O]. Whether village funds (APBDes)
    /// count as APBD for this is not confirmed [?]: excluded by default (the
    /// budget is never planned short), and a Pemda may change the setting.
    public var excludedFromDiscountByDefault: Bool {
        switch self {
        case .apbd, .apbn, .apbdes: true
        default: false
        }
    }

    /// Whether the default above is the regulation's word (false: a guess
    /// the page marks "belum dikonfirmasi").
    public var exclusionConfirmed: Bool { self != .apbdes }

    /// The BPJS segment money of this kind is booked under by default.
    public var defaultSegment: BPJSSegment {
        switch self {
        case .apbd, .apbn: .sg
        case .csr: .sc
        case .apbdes: .sd
        default: .sl
        }
    }
}

/// The segment BPJS books a collecting body's (*wadah*) vulnerable workers
/// under, by who pays [N/?]: SG pekerja rentan paid by APBD, SC by CSR, SB by
/// banks, SD village workers paid by APBDes, SA village workers paid by APBD,
/// SL other sources.
public enum BPJSSegment: String, Sendable, Codable, CaseIterable {
    case sg = "SG", sc = "SC", sb = "SB", sd = "SD", sa = "SA", sl = "SL"

    public var indonesianName: String {
        switch self {
        case .sg: "SG: pekerja rentan, dibayar APBD"
        case .sc: "SC: dibayar CSR"
        case .sb: "SB: dibayar bank"
        case .sd: "SD: pekerja desa, dibayar APBDes"
        case .sa: "SA: pekerja desa, dibayar APBD"
        case .sl: "SL: sumber lain"
        }
    }
}

/// The sector of a worker's occupation, as PP 50/2025 distinguishes it:
/// transport workers got the discount for longer.
public enum WorkSector: String, Sendable, Codable, CaseIterable {
    case transport
    case other

    public var indonesianName: String {
        switch self {
        case .transport: "Transportasi"
        case .other: "Sektor lain"
        }
    }
}

extension OccupationCatalogue {
    /// Catalogue occupations in the transport sector for PP 50/2025: drivers
    /// of becak, angkot and ojek. Admins set the sector of the others.
    public static let transportSector: Set<String> = ["becak_driver", "angkot_driver", "ojek_pangkalan", "ojek_online"]
}
