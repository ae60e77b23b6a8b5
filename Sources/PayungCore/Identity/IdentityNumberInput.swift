import Foundation

/// Cleans an identity number (NIK, KK, KPJ) as it arrives from people and from
/// Excel: surrounding and inner spaces, dots, dashes, a leading apostrophe
/// (Excel's "store as text" marker), a trailing `.0` (a number cell printed as
/// a decimal). Scientific notation (`3.37501E+15`) is recognised, never
/// "fixed": Excel kept only 15 significant digits, the rest are lost.
enum IdentityNumberInput {
    enum Outcome: Equatable {
        case digits(String)
        case empty
        case scientificNotation
        case invalidCharacters
    }

    private static let padding = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{00A0}\u{FEFF}"))

    static func clean(_ raw: String) -> Outcome {
        // Fast path: already plain digits (the usual case in bulk imports).
        if !raw.isEmpty, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return .digits(raw) }
        var text = raw.trimmingCharacters(in: padding)
        while let first = text.first, "'`\u{2018}\u{2019}".contains(first) {
            text.removeFirst()
        }
        if text.isEmpty { return .empty }
        if isScientificNotation(text) { return .scientificNotation }
        if let dot = text.lastIndex(of: "."), text[text.index(after: dot)...].allSatisfy({ $0 == "0" }),
           text[..<dot].allSatisfy({ $0.isASCII && $0.isNumber }), text.index(after: dot) != text.endIndex {
            text = String(text[..<dot])
        }
        let separators: Set<Character> = [" ", "\u{00A0}", "\t", ".", "-", "\u{2013}", "/"]
        let kept = text.filter { !separators.contains($0) }
        guard !kept.isEmpty else { return .empty }
        guard kept.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .invalidCharacters }
        return .digits(kept)
    }

    /// `3.37501E+15`, `3,37501E+15` (Indonesian-locale Excel), `3.37501e15`.
    static func isScientificNotation(_ text: String) -> Bool {
        let upper = text.uppercased()
        guard let e = upper.firstIndex(of: "E") else { return false }
        let mantissa = upper[..<e]
        var exponent = upper[upper.index(after: e)...]
        if exponent.first == "+" { exponent = exponent.dropFirst() }
        guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let mantissaDigits = mantissa.filter { $0 != "." && $0 != "," }
        return !mantissaDigits.isEmpty && mantissaDigits.allSatisfy({ $0.isASCII && $0.isNumber })
            && mantissa.filter({ $0 == "." || $0 == "," }).count <= 1
    }
}
