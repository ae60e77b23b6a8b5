/// Sex as recorded on the KTP: `L` (*laki-laki*) or `P` (*perempuan*).
public enum Sex: String, Sendable, Codable, CaseIterable {
    case male = "L"
    case female = "P"

    public var indonesianName: String {
        switch self {
        case .male: "Laki-laki"
        case .female: "Perempuan"
        }
    }
}
