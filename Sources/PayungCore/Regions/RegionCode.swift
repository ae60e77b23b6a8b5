import Foundation

/// The level of an administrative region in the Kemendagri hierarchy.
public enum RegionLevel: String, Sendable, CaseIterable, Codable, Comparable {
    case province, regency, district, village

    /// Digits this level adds to its parent's code: PP, KK, DD, VVVV.
    var segmentLength: Int { self == .village ? 4 : 2 }

    var depth: Int {
        switch self {
        case .province: 1
        case .regency: 2
        case .district: 3
        case .village: 4
        }
    }

    public static func < (lhs: RegionLevel, rhs: RegionLevel) -> Bool { lhs.depth < rhs.depth }

    /// The level below this one, `nil` for a village (RT/RW have no national code).
    public var child: RegionLevel? {
        switch self {
        case .province: .regency
        case .regency: .district
        case .district: .village
        case .village: nil
        }
    }

    /// Indonesian name of the level, as people say it.
    public var indonesianName: String {
        switch self {
        case .province: "Provinsi"
        case .regency: "Kabupaten/Kota"
        case .district: "Kecamatan"
        case .village: "Kelurahan/Desa"
        }
    }
}

/// A Kemendagri region code (*kode wilayah*): province `PP`, regency or city
/// `PP.KK`, district (kecamatan) `PP.KK.DD`, village (kelurahan 1xxx, desa
/// 2xxx) `PP.KK.DD.VVVV`. Source: Permendagri 72/2019 on region codes and
/// data, updated by Kepmendagri 300.2.2-2138/2025.
///
/// Accepts the dotted form and the undotted digits (`3375011001`).
public struct RegionCode: Hashable, Comparable, Sendable {
    /// The segments, e.g. ["33", "75", "01", "1001"].
    public let segments: [String]

    public init?(_ text: String) {
        if let segments = Self.segments(ofPlain: text) {
            guard !segments.isEmpty else { return nil }
            self.segments = segments
            return
        }
        let trimmed = text.trimmedQuickly
        guard trimmed.utf8.count != text.utf8.count, let segments = Self.segments(ofPlain: trimmed), !segments.isEmpty else { return nil }
        self.segments = segments
    }

    /// Segments of a code written with ASCII digits and dots only: `[]` when
    /// such text is not a valid code, `nil` when the text has anything else
    /// (spaces to trim, or not a code at all).
    private static func segments(ofPlain text: String) -> [String]? {
        var copy = text
        return copy.withUTF8 { bytes -> [String]? in
            guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) else { return nil }
            var segments: [String] = []
            segments.reserveCapacity(4)
            if bytes.contains(0x2E) {
                var start = 0
                for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x2E {
                    let level = segments.count
                    guard level < 4, i - start == RegionLevel.allCases[level].segmentLength else { return [] }
                    segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                    start = i + 1
                }
            } else {
                var start = 0
                for level in RegionLevel.allCases where start < bytes.count {
                    let end = start + level.segmentLength
                    guard end <= bytes.count else { return [] }
                    segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    start = end
                }
                guard start == bytes.count else { return [] }
            }
            return segments
        }
    }

    private init(trusted segments: [String]) { self.segments = segments }

    public var level: RegionLevel { RegionLevel.allCases[segments.count - 1] }

    /// "33.75.01.1001".
    public var dotted: String { segments.joined(separator: ".") }

    /// "3375011001".
    public var compact: String { segments.joined() }

    /// The region one level up; `nil` for a province.
    public var parent: RegionCode? {
        segments.count > 1 ? RegionCode(trusted: Array(segments.dropLast())) : nil
    }

    /// The ancestor (or self) at `level`; `nil` when `level` is below this code.
    public func ancestor(at level: RegionLevel) -> RegionCode? {
        level.depth <= segments.count ? RegionCode(trusted: Array(segments.prefix(level.depth))) : nil
    }

    /// True when `self` is `other` or lies inside it (a village inside its city).
    public func isWithin(_ other: RegionCode) -> Bool {
        segments.count >= other.segments.count && Array(segments.prefix(other.segments.count)) == other.segments
    }

    /// True when `child` is exactly one level below `self` and inside it.
    public func isParent(of child: RegionCode) -> Bool {
        child.segments.count == segments.count + 1 && child.isWithin(self)
    }

    /// Makes the code of a child region from its own segment ("01", "1001").
    public func child(_ segment: String) -> RegionCode? {
        RegionCode(dotted + "." + segment)
    }

    /// A village code whose segment starts with 1 is a *kelurahan* (urban,
    /// led by a civil servant); 2 or 3 a *desa* (rural, elected head).
    public var isKelurahan: Bool { level == .village && segments[3].hasPrefix("1") }

    public static func < (lhs: RegionCode, rhs: RegionCode) -> Bool { lhs.dotted < rhs.dotted }
}

extension RegionCode: CustomStringConvertible {
    public var description: String { dotted }
}

extension RegionCode: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = RegionCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "Not a region code: \(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dotted)
    }
}
