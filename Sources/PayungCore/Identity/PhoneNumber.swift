import Foundation

/// An Indonesian phone number as people write it ("0812-3456-7890",
/// "+62 812 3456 7890", "+62 (0)812...", "62812...", "812...") in one stored
/// form: "081234567890". The rule is the national numbering plan: country
/// code 62 (ITU-T E.164, list of assigned country codes) and the trunk
/// prefix 0 of the Rencana Dasar Teknis Telekomunikasi Nasional
/// (Permenkominfo No. 14 Tahun 2018):
/// - mobile (seluler): 08 and an operator digit 1 to 9 (0811, 0857,
///   0896...), 10 to 13 digits in all; most workers give one of these;
/// - landline (PSTN, still given by some households and warung): 0, an area
///   code beginning 2 to 7 or 9 (021, 0274, 0285, 0967), then the
///   subscriber, 9 to 11 digits in all.
/// Service numbers reach nobody in particular and are refused: 0800
/// (freephone), 0804 (shared cost), 001/007/008 (international access).
/// Anything else is refused, never guessed.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// National form, leading 0: "081234567890".
    public let digits: String

    /// Stable code of a refused phone, in API answers and import reports.
    public static let invalidCode = "phone_invalid"
    public static let invalidMessage = "Nomor telepon tidak dikenali. Tulis seperti 0812-3456-7890 atau +62 812 3456 7890."

    public init?(_ text: String) {
        // Bounded before any work: the longest accepted writing fits in 30 bytes.
        guard text.utf8.count <= 30 else { return nil }
        var raw = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var international = false
        if raw.first == "+" { international = true; raw.removeFirst() }
        guard !raw.isEmpty, raw.allSatisfy({ $0.isASCII && ($0.isNumber || " -.()/".contains($0)) }) else { return nil }
        var number = raw.filter(\.isNumber)
        if number.hasPrefix("62") {
            // "+62 (0)812..." writes the trunk 0 after the country code: one 0 is dropped.
            var national = number.dropFirst(2)
            if national.first == "0" { national = national.dropFirst() }
            number = "0" + national
        } else if international {
            return nil
        } else if number.hasPrefix("8") {
            number = "0" + number
        }
        guard number.count >= 2, number.first == "0" else { return nil }
        let kind = number[number.index(after: number.startIndex)]
        switch kind {
        case "8":
            let operatorDigit = number.dropFirst(2).first
            guard let operatorDigit, operatorDigit != "0", (10...13).contains(number.count) else { return nil }
        case "2"..."7", "9":
            guard (9...11).contains(number.count) else { return nil }
        default:
            return nil
        }
        digits = number
    }

    public var isMobile: Bool { digits.hasPrefix("08") }
    public var description: String { digits }
}
