/// Where a program stands in its period, for a given day. Data collection
/// starts before the year (an upcoming program takes proposals and
/// verification); an ended one takes no new participants.
public enum ProgramPhase: String, Sendable, CaseIterable, Codable {
    case upcoming
    case running
    case ended

    public static func of(start: YearMonth, end: YearMonth, today: CalendarDate) -> ProgramPhase {
        let month = today.yearMonth
        if month < start { return .upcoming }
        if month > end { return .ended }
        return .running
    }

    public var indonesianName: String {
        switch self {
        case .upcoming: "Akan berjalan"
        case .running: "Berjalan"
        case .ended: "Selesai"
        }
    }
}

extension ProgramRules {
    public func phase(today: CalendarDate) -> ProgramPhase {
        ProgramPhase.of(start: start, end: end, today: today)
    }

    /// The month a new participant's coverage would start: the program's
    /// start, or next month when the program is already running; nil when
    /// that falls after the program's end (no new participant can be
    /// covered: the program takes no new proposals).
    public func newCoverageStart(today: CalendarDate) -> YearMonth? {
        let month = max(start, today.yearMonth.advanced(by: 1))
        return month <= end ? month : nil
    }

    /// Whether a coverage start date falls inside the program period.
    public func covers(_ date: CalendarDate) -> Bool {
        date >= start.firstDay && date <= end.lastDay
    }

    /// "Januari 2023 sampai Desember 2023".
    public var periodText: String { "\(start.indonesian) sampai \(end.indonesian)" }
}
