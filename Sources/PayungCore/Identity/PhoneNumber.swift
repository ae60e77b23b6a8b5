import Foundation

/// An Indonesian phone number as people write it ("0812-3456-7890",
/// "+62 812 3456 7890", "62812...", "812...") in one stored form:
/// "081234567890". Mobile numbers start 08 and have 10 to 13 digits in all
/// (ITU-T E.164 national plan for Indonesia, country code 62; Permenkominfo
/// 14/2018 numbering plan); landlines start 0 and an area code (021, 0285)
/// with 9 to 11 digits. Anything else is refused, never guessed.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// National form, leading 0: "081234567890".
    public let digits: String

    public init?(_ text: String) {
        guard text.count <= 30 else { return nil }
        var raw = text.trimmingCharacters(in: .whitespaces)
        var international = false
        if raw.hasPrefix("+") { international = true; raw.removeFirst() }
        guard raw.allSatisfy({ $0.isASCII && ($0.isNumber || " -.()/".contains($0)) }) else { return nil }
        var number = raw.filter(\.isNumber)
        if number.hasPrefix("62") { number = "0" + number.dropFirst(2) }
        else if international { return nil }
        else if number.hasPrefix("8") { number = "0" + number }
        guard number.hasPrefix("0"), !number.hasPrefix("00") else { return nil }
        if number.hasPrefix("08") {
            guard (10...13).contains(number.count) else { return nil }
        } else {
            guard (9...11).contains(number.count) else { return nil }
        }
        digits = number
    }

    public var isMobile: Bool { digits.hasPrefix("08") }
    public var description: String { digits }

    public static let invalidMessage = "Nomor telepon tidak dikenali. Tulis seperti 0812-3456-7890 atau +62 812 3456 7890."
}
