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

extension Sex {
    /// Sex as people write it in a sheet: `L`/`P`, `Laki-laki`, `Perempuan`,
    /// `Pria`, `Wanita`, `LK`/`PR`, in any case, with spaces or dashes; nil
    /// for anything else.
    public init?(written: String) {
        let key = written.lowercased().filter { $0.isLetter }
        switch key {
        case "l", "lk", "lakilaki", "laki", "pria", "male", "m": self = .male
        case "p", "pr", "perempuan", "wanita", "female", "f", "w": self = .female
        default: return nil
        }
    }
}
