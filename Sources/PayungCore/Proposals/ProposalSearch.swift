import Foundation

/// What a search box over proposals may ask. A NIK is found by an exact
/// match or by the last digits a masked NIK shows (`3375********0001`),
/// never by its first digits: a prefix search answered one digit at a time
/// would give a masked role the whole NIK in 51 requests (UU 27/2022: least
/// access to personal data).
public enum ProposalSearch: Sendable, Equatable {
    case name(String)
    case fullNIK(String)
    /// One to four trailing digits.
    case lastDigits(String)

    /// The longest search text taken (a name on a KTP is far shorter).
    public static let maxLength = 100

    /// `nil` for an empty box.
    public static func parse(_ raw: String) throws(ProposalSearchError) -> ProposalSearch? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard text.count <= maxLength else { throw .tooLong }
        let compact = text.filter { $0 != " " && $0 != "." && $0 != "*" }
        if !compact.isEmpty, compact.allSatisfy({ $0.isASCII && $0.isNumber }) {
            switch compact.count {
            case 16: return .fullNIK(compact)
            case 1...4: return .lastDigits(compact)
            default: throw .partialNIK
            }
        }
        guard text.count >= 2 else { throw .nameTooShort }
        return .name(text)
    }
}

public enum ProposalSearchError: DomainError, Equatable {
    case tooLong
    case partialNIK
    case nameTooShort
    /// A full NIK in a URL (a GET query string): it would stay in logs and history.
    case nikInURL

    public var code: String {
        switch self {
        case .tooLong: "search_too_long"
        case .partialNIK: "search_partial_nik"
        case .nameTooShort: "search_too_short"
        case .nikInURL: "nik_in_url"
        }
    }

    public var message: String {
        switch self {
        case .tooLong: "Teks pencarian terlalu panjang (maksimal \(ProposalSearch.maxLength) karakter)."
        case .partialNIK: "Cari NIK dengan 16 digit lengkap atau 1 sampai 4 digit terakhir, bukan awal NIK."
        case .nameTooShort: "Ketik minimal 2 huruf nama."
        case .nikInURL: "NIK lengkap tidak boleh dikirim di alamat (URL). Gunakan kotak \"Cari NIK lengkap\" atau POST /api/v1/proposals/search."
        }
    }

    public var kind: DomainErrorKind { self == .nikInURL ? .badRequest : .invalidInput }
}
