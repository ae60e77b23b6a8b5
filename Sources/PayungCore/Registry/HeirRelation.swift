/// How an heir (*ahli waris*) is related to the participant. The JKM benefit
/// goes to the heirs in the order of PP 82/2019 art. 1 (spouse, children,
/// parents, grandchildren, siblings...); the relation is kept as a stable
/// code and shown in words.
public enum HeirRelation: String, Sendable, Codable, CaseIterable {
    case wife = "istri"
    case husband = "suami"
    case child = "anak"
    case parent = "orang_tua"
    case sibling = "saudara"
    case other = "lainnya"

    public var indonesianName: String {
        switch self {
        case .wife: "Istri"
        case .husband: "Suami"
        case .child: "Anak"
        case .parent: "Orang tua"
        case .sibling: "Saudara kandung"
        case .other: "Lainnya"
        }
    }

    /// The words for a stored code; an unknown code is shown as written,
    /// with its underscores as spaces, never as a code.
    public static func words(for code: String) -> String {
        HeirRelation(rawValue: code)?.indonesianName ?? code.replacingOccurrences(of: "_", with: " ")
    }
}
