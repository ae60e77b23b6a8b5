/// The insurances a program pays for. JKK and JKM are what Pemda programs
/// buy for vulnerable workers; JHT (old-age savings) is optional.
/// Source: PP 44/2015 as amended by PP 82/2019; Permenaker 5/2021 for BPU.
public enum Benefit: String, Sendable, Codable, CaseIterable, Hashable {
    case jkk = "JKK"
    case jkm = "JKM"
    case jht = "JHT"

    public var indonesianName: String {
        switch self {
        case .jkk: "Jaminan Kecelakaan Kerja"
        case .jkm: "Jaminan Kematian"
        case .jht: "Jaminan Hari Tua"
        }
    }
}

/// Who may be enrolled: ages at coverage start. Default 15 to 65 [?: BPJS
/// accepts BPU members from 15; the upper bound is each Pemda's choice, so it
/// is a program setting, never a constant].
public struct AgeBounds: Sendable, Hashable, Codable {
    public let minimum: Int
    public let maximum: Int

    public init(minimum: Int = 15, maximum: Int = 65) {
        self.minimum = minimum
        self.maximum = maximum
    }

    public static let standard = AgeBounds()

    public func contains(age: Int) -> Bool { (minimum...maximum).contains(age) }
}

/// The rules of one program period that entry checks need.
public struct ProgramRules: Sendable, Hashable {
    /// The Pemda (regency or city) running the program.
    public let regency: RegionCode
    public let start: YearMonth
    public let end: YearMonth
    public let ageBounds: AgeBounds
    public let eligibleOccupations: Set<String>

    public init(regency: RegionCode, start: YearMonth, end: YearMonth, ageBounds: AgeBounds, eligibleOccupations: Set<String>) {
        self.regency = regency
        self.start = start
        self.end = end
        self.ageBounds = ageBounds
        self.eligibleOccupations = eligibleOccupations
    }
}
