/// Which documents a program requires before the agency approves a
/// proposal (a program setting). The KTP photo proves the NIK and the
/// domicile; the KK proves the family, and with it the heirs (PP 82/2019:
/// the JKM goes to the heirs the KK shows).
public enum RequiredDocuments: String, Sendable, Codable, CaseIterable {
    case none
    case ktp
    case ktpAndKK = "ktp_kk"

    public var kinds: [String] {
        switch self {
        case .none: []
        case .ktp: ["ktp"]
        case .ktpAndKK: ["ktp", "kk"]
        }
    }

    public var indonesianName: String {
        switch self {
        case .none: "Tidak wajib"
        case .ktp: "Foto KTP"
        case .ktpAndKK: "Foto KTP dan KK"
        }
    }

    /// The required kinds not among `present`, in order.
    public func missing(present: Set<String>) -> [String] {
        kinds.filter { !present.contains($0) }
    }
}
