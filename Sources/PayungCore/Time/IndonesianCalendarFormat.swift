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
