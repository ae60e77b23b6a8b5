import Foundation

/// One-time activation codes for people an admin onboards from a sheet: a
/// city has a thousand RT heads; each gets a code on a printed list and sets
/// their own password at first login. Codes are random, shown once, stored
/// only as a SHA-256 hash, single use and short-lived.
public enum ActivationCode {
    /// Letters and digits people do not confuse on paper (no 0/O, 1/I/L, 5/S).
    public static let alphabet = Array("ABCDEFGHJKMNPQRTUVWXYZ2346789")
    /// 10 characters of a 29-letter alphabet: about 48 bits.
    public static let length = 10
    public static let validDays = 30

    /// A new code, grouped for reading aloud: "K7QM-4XPA-9R".
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let chars = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return group(String(chars))
    }

    /// The code as typed: case, spaces and dashes ignored; nil when it
    /// cannot be a code.
    public static func normalise(_ typed: String) -> String? {
        guard typed.count <= 40 else { return nil }
        let compact = typed.uppercased().filter { !" -".contains($0) }
        guard compact.count == length, compact.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return compact
    }

    static func group(_ compact: String) -> String {
        let a = compact.prefix(4), b = compact.dropFirst(4).prefix(4), c = compact.dropFirst(8)
        return "\(a)-\(b)-\(c)"
    }
}

/// What a row of the onboarding sheet asks for, read in the words people
/// write: "Ketua RT", "RT", "Kelurahan", "Verifikator kelurahan", "Kecamatan".
public enum OnboardingRole: String, Sendable, CaseIterable {
    case rt, kelurahan, kecamatan

    public init?(written: String) {
        let w = written.lowercased().filter { $0.isLetter }
        switch w {
        case "rt", "ketuart", "pengurusrt": self = .rt
        case "kelurahan", "desa", "kelurahandesa", "verifikatorkelurahan", "verifikatordesa", "lurah", "kel": self = .kelurahan
        case "kecamatan", "verifikatorkecamatan", "camat", "kec": self = .kecamatan
        default: return nil
        }
    }

    public var role: Role {
        switch self {
        case .rt: .rt
        case .kelurahan: .kelurahan
        case .kecamatan: .kecamatan
        }
    }

    /// A readable, stable username: "rt003rw005.medono", "kel.medono",
    /// "kec.pekalongan-barat". Region names become lowercase ASCII words.
    public func username(place: String, rt: String?, rw: String?) -> String {
        let slug = OnboardingRole.slug(place)
        switch self {
        case .rt: return "rt\(rt ?? "")rw\(rw ?? "").\(slug)"
        case .kelurahan: return "kel.\(slug)"
        case .kecamatan: return "kec.\(slug)"
        }
    }

    public static func slug(_ name: String) -> String {
        var out = ""
        for c in name.lowercased().folding(options: .diacriticInsensitive, locale: nil) {
            if c.isASCII, c.isLetter || c.isNumber { out.append(c) }
            else if !out.isEmpty, out.last != "-" { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(40))
    }

    /// "3", "03", "003" → "003"; nil unless 1 to 3 digits.
    public static func neighbourhood(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard (1...3).contains(t.count), t.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(t), n > 0 else { return nil }
        return String(repeating: "0", count: 3 - String(n).count) + String(n)
    }
}
