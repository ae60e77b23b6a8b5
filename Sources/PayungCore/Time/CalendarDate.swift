import Foundation

/// A day in the Gregorian calendar, without time or zone: birth dates, event
/// dates, coverage start dates. Only real calendar dates can be made.
public struct CalendarDate: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `nil` when the day does not exist (31 April, 29 February 2023...).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        guard (0...9999).contains(year) else { return String(format: "%04d-%02d-%02d", year, month, day) }
        // Written by hand: `String(format:)` was a tenth of a million-row import.
        return String(unsafeUninitializedCapacity: 10) { out in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var v = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            return 10
        }
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else or a date that does not exist.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The next calendar day; the last representable day (31 December 9999)
    /// is its own next day rather than a trap.
    public var dayAfter: CalendarDate {
        if day < CalendarDate.daysIn(month: month, year: year) { return CalendarDate(year: year, month: month, day: day + 1) ?? self }
        if month < 12 { return CalendarDate(year: year, month: month + 1, day: 1) ?? self }
        return CalendarDate(year: year + 1, month: 1, day: 1) ?? self
    }

    public var yearMonth: YearMonth { YearMonth(uncheckedYear: year, month: month) }

    /// Whole years from `self` to `date` (age on `date` for a birth date).
    public func wholeYears(until date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// The calendar day of an instant in a time zone (default WIB, Asia/Jakarta).
    public init(_ instant: Date, timeZone: TimeZone = .jakarta) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }
}

extension TimeZone {
    /// Western Indonesia Time (WIB, UTC+7), where both pilot cities are.
    public static let jakarta = TimeZone(identifier: "Asia/Jakarta") ?? TimeZone(secondsFromGMT: 7 * 3600)!
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "Expected a date YYYY-MM-DD, got \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

extension CalendarDate {
    /// `days` days later (earlier when negative); nil past the calendar's edges.
    public func adding(days: Int) -> CalendarDate? {
        guard abs(days) <= 3_000_000 else { return nil }
        return CalendarDate(daysSince1900: daysSince1900 + days)
    }

    /// Whole days from this day to `other` (negative when `other` is earlier).
    public func days(until other: CalendarDate) -> Int { other.daysSince1900 - daysSince1900 }
}
