import Foundation

/// An amount of Indonesian rupiah in whole rupiah. Premiums, budgets and
/// benefits are whole rupiah; money is never a floating-point number.
public struct Rupiah: Hashable, Comparable, Sendable {
    public let amount: Int64

    public init(_ amount: Int64) { self.amount = amount }

    public static let zero = Rupiah(0)

    public static func < (lhs: Rupiah, rhs: Rupiah) -> Bool { lhs.amount < rhs.amount }
    public static func + (lhs: Rupiah, rhs: Rupiah) -> Rupiah { Rupiah(lhs.amount + rhs.amount) }
    public static func - (lhs: Rupiah, rhs: Rupiah) -> Rupiah { Rupiah(lhs.amount - rhs.amount) }
    public static func * (lhs: Rupiah, rhs: Int64) -> Rupiah { Rupiah(lhs.amount * rhs) }
    public static func * (lhs: Rupiah, rhs: Int) -> Rupiah { Rupiah(lhs.amount * Int64(rhs)) }
    public static func += (lhs: inout Rupiah, rhs: Rupiah) { lhs = lhs + rhs }

    /// "Rp16.800", "Rp604.800.000", "-Rp800.000": dots group thousands, no decimals.
    public var formatted: String {
        let negative = amount < 0
        let digits = String(amount.magnitude)
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(".") }
            grouped.append(character)
        }
        return (negative ? "-Rp" : "Rp") + grouped
    }

    /// Parses amounts as people type them: "Rp16.800", "Rp 16.800", "16800",
    /// "16.800,00", "-Rp800.000". Decimal cents are accepted only when zero.
    public init?(parsing text: String) {
        // Plain digits, as most spreadsheet cells hold them.
        if text.utf8.count <= 18, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text) {
            amount = value
            return
        }
        var s = Substring(text.trimmedQuickly)
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() }
        if s.lowercased().hasPrefix("rp") { s = s.dropFirst(2) }
        s = Substring(s.trimmingCharacters(in: .whitespaces))
        if s.hasPrefix("-"), !negative { negative = true; s = s.dropFirst() }
        if let comma = s.firstIndex(of: ",") {
            let cents = s[s.index(after: comma)...]
            guard !cents.isEmpty, cents.allSatisfy({ $0 == "0" }) else { return nil }
            s = s[..<comma]
        }
        let groups = s.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = groups.first, !first.isEmpty, first.count <= (groups.count > 1 ? 3 : 18),
              groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let digits = groups.joined()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
        self.amount = negative ? -value : value
    }
}

extension Rupiah: CustomStringConvertible {
    public var description: String { formatted }
}

extension Rupiah: Codable {
    /// JSON carries the integer amount; formatting is for people.
    public init(from decoder: any Decoder) throws {
        amount = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(amount)
    }
}
