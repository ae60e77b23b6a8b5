import Foundation
import PayungCore
import Vapor

/// The clock, injected so that tests pin "today" (a birth date in the future,
/// an age at coverage start) instead of depending on the wall clock.
public struct AppClock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let live = AppClock(now: { Date() })

    public static func fixed(_ date: Date) -> AppClock { AppClock(now: { date }) }

    /// Today in Indonesia (WIB).
    public var today: CalendarDate { CalendarDate(now()) }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }

    public var clock: AppClock {
        get { storage[ClockKey.self] ?? .live }
        set { storage[ClockKey.self] = newValue }
    }
}

extension Request {
    var today: CalendarDate { application.clock.today }
}
