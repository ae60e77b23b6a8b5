import Foundation

/// How dates read on screen and in exports for Indonesian users:
/// "22 Juni 2023", "Juni 2023". Month names are never abbreviated in print.
public enum IndonesianMonth {
    public static let names = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]

    public static func name(_ month: Int) -> String { names[month - 1] }
}

extension CalendarDate {
    /// "22 Juni 2023".
    public var indonesian: String { "\(day) \(IndonesianMonth.name(month)) \(year)" }
}

extension YearMonth {
    /// "Juni 2023".
    public var indonesian: String { "\(IndonesianMonth.name(month)) \(year)" }
}

/// An instant as people in the pilot cities read it: "22 November 2026
/// 04.58 WIB" (day and time in WIB; PUEBI writes the time with a dot).
public enum IndonesianTimestamp {
    public static func format(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .jakarta
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        let time = String(format: "%02d.%02d", c.hour!, c.minute!)
        return "\(CalendarDate(instant).indonesian) \(time) WIB"
    }
}
