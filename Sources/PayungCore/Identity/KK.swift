/// Why a family card number or membership number is rejected.
public enum IdentityNumberRejection: DomainError, Equatable {
    case empty(kind: String)
    case scientificNotation(kind: String)
    case invalidCharacters(kind: String)
    case wrongLength(kind: String, expected: Int, actual: Int)
    case unknownProvince(kind: String, code: String)

    public var code: String {
        switch self {
        case .empty(let kind): "\(kind)_empty"
        case .scientificNotation(let kind): "\(kind)_scientific_notation"
        case .invalidCharacters(let kind): "\(kind)_invalid_characters"
        case .wrongLength(let kind, _, _): "\(kind)_wrong_length"
        case .unknownProvince(let kind, _): "\(kind)_unknown_province"
        }
    }

    public var message: String {
        switch self {
        case .empty(let kind): "\(Self.label(kind)) belum diisi."
        case .scientificNotation(let kind):
            "\(Self.label(kind)) tertulis dalam notasi ilmiah Excel sehingga digit terakhirnya hilang. Format kolom sebagai Teks lalu ketik ulang."
        case .invalidCharacters(let kind): "\(Self.label(kind)) hanya boleh berisi angka."
        case .wrongLength(let kind, let expected, let actual):
            "\(Self.label(kind)) harus \(expected) digit, yang diisi \(actual) digit."
        case .unknownProvince(let kind, let code):
            "Kode provinsi \(code) pada \(Self.label(kind)) tidak ada."
        }
    }

    static func label(_ kind: String) -> String {
        switch kind {
        case "kk": "Nomor KK"
        case "kpj": "Nomor KPJ"
        default: kind.uppercased()
        }
    }

    static func digits(_ raw: String, kind: String, length: Int) throws(IdentityNumberRejection) -> String {
        switch IdentityNumberInput.clean(raw) {
        case .empty: throw .empty(kind: kind)
        case .scientificNotation: throw .scientificNotation(kind: kind)
        case .invalidCharacters: throw .invalidCharacters(kind: kind)
        case .digits(let d):
            guard d.count == length else { throw .wrongLength(kind: kind, expected: length, actual: d.count) }
            return d
        }
    }
}

/// A family card number (*Nomor Kartu Keluarga*, KK): 16 digits starting with
/// the code of the issuing district (PPKKDD). Source: Permendagri 7/2019; the
/// exact layout after the region prefix is not published [?], so only the
/// length and the province prefix are checked.
public struct KK: Hashable, Sendable {
    public let digits: String

    public init(parsing raw: String) throws(IdentityNumberRejection) {
        let digits = try IdentityNumberRejection.digits(raw, kind: "kk", length: 16)
        let province = String(digits.prefix(2))
        guard Province.exists(province) else { throw .unknownProvince(kind: "kk", code: province) }
        self.digits = digits
    }

    /// The district that issued the card.
    public var district: RegionCode { RegionCode(String(digits.prefix(6)))! }
}

/// A BPJS Ketenagakerjaan membership number (*Kartu Peserta Jamsostek*, KPJ):
/// 11 digits [?: BPJS publishes no specification; the length is what cards show].
public struct KPJ: Hashable, Sendable {
    public let digits: String

    public init(parsing raw: String) throws(IdentityNumberRejection) {
        self.digits = try IdentityNumberRejection.digits(raw, kind: "kpj", length: 11)
    }
}
