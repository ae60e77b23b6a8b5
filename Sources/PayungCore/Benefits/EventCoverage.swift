/// Whether an event (a death, an accident) falls in covered time, decided
/// at once when it is reported and stored with the case (issue 14): the
/// participant was registered with BPJS and not lapsed on the event day,
/// as Payung knew it that day. A month whose premium is not yet overdue
/// counts as covered (`PaymentWindow`). Whether arrears paid after the
/// event make it covered is a program setting, off by default: the rule is
/// unconfirmed and BPJS decides (DOMAIN.md, "Benefits": "a claim is payable
/// only if the month of the event is covered").
public enum EventCoverage {
    /// A billed month's payment: as known on the event day, and as known now.
    public struct Month: Sendable, Hashable {
        public let month: YearMonth
        public let due: CalendarDate
        public let paidOnThen: CalendarDate?
        public let paidOnNow: CalendarDate?
        public let payer: String

        public init(month: YearMonth, due: CalendarDate, paidOnThen: CalendarDate?, paidOnNow: CalendarDate?, payer: String) {
            self.month = month
            self.due = due
            self.paidOnThen = paidOnThen
            self.paidOnNow = paidOnNow
            self.payer = payer
        }
    }

    public enum MonthState: String, Sendable, Hashable {
        case paid, notYetDue = "not_yet_due", overdue, notBilled = "not_billed"

        public var indonesianName: String {
            switch self {
            case .paid: "Lunas"
            case .notYetDue: "Belum jatuh tempo"
            case .overdue: "Menunggak"
            case .notBilled: "Belum ditagihkan"
            }
        }
    }

    /// One row of the explanation: a month around the event.
    public struct Row: Sendable, Hashable {
        public let month: YearMonth
        public let then: MonthState
        public let now: MonthState
        public let payer: String?
    }

    public enum Reason: Sendable, Hashable {
        case notRegistered
        case beforeStart(CalendarDate)
        case afterEnd(CalendarDate)
        case lapsed(since: CalendarDate, months: Int)

        public var code: String {
            switch self {
            case .notRegistered: "not_registered"
            case .beforeStart: "before_start"
            case .afterEnd: "after_end"
            case .lapsed: "lapsed"
            }
        }

        public var indonesianName: String {
            switch self {
            case .notRegistered: "Belum terdaftar di BPJS pada hari kejadian"
            case .beforeStart(let d): "Kejadian sebelum kepesertaan BPJS mulai (\(d.indonesian))"
            case .afterEnd(let d): "Kejadian sesudah kepesertaan berakhir (\(d.indonesian))"
            case .lapsed(let since, let n): "Tidak aktif sejak \(since.indonesian): \(n) bulan iuran belum dibayar pada hari kejadian"
            }
        }
    }

    public struct Decision: Sendable, Hashable {
        public let covered: Bool
        public let reason: Reason?
        /// Covered only because arrears were paid after the event (the program allows it).
        public let byLatePayment: Bool
        /// The event month and the three before it, oldest first.
        public let months: [Row]
    }

    /// - Parameters:
    ///   - start: BPJS membership start for this participation; nil if never registered.
    ///   - ended: the day the participation ended, if it did before now.
    ///   - billed: the participant's billed months still standing (not credited).
    ///   - latePaymentCounts: the program setting; default false.
    ///   - today: the day "now" is, for the explanation's second column.
    public static func check(eventDay: CalendarDate, start: CalendarDate?, ended: CalendarDate?, billed: [Month], today: CalendarDate,
                             window: PaymentWindow = .bpu, latePaymentCounts: Bool = false) -> Decision {
        let byMonth = Dictionary(billed.map { ($0.month, $0) }, uniquingKeysWith: { a, _ in a })
        let first = eventDay.yearMonth.advanced(by: -3)
        let rows = (0...3).map { offset -> Row in
            let month = first.advanced(by: offset)
            guard let b = byMonth[month] else { return Row(month: month, then: .notBilled, now: .notBilled, payer: nil) }
            func state(_ paid: CalendarDate?, on day: CalendarDate) -> MonthState {
                if let paid, paid <= day { return .paid }
                return day > b.due ? .overdue : .notYetDue
            }
            return Row(month: month, then: state(b.paidOnThen, on: eventDay), now: state(b.paidOnNow, on: today), payer: b.payer)
        }
        func decide(_ reason: Reason) -> Decision { Decision(covered: false, reason: reason, byLatePayment: false, months: rows) }
        guard let start else { return decide(.notRegistered) }
        guard eventDay >= start else { return decide(.beforeStart(start)) }
        if let ended, eventDay > ended { return decide(.afterEnd(ended)) }
        let then = Dictionary(billed.map { ($0.month, PaymentWindow.BilledMonth(due: $0.due, paidOn: $0.paidOnThen)) }, uniquingKeysWith: { a, _ in a })
        guard case .lapsed(let since, let n) = window.standing(billed: then, asOf: eventDay) else {
            return Decision(covered: true, reason: nil, byLatePayment: false, months: rows)
        }
        if latePaymentCounts {
            // Months paid since count as paid on the event day.
            let later = Dictionary(billed.map { ($0.month, PaymentWindow.BilledMonth(due: $0.due, paidOn: $0.paidOnNow.map { min($0, eventDay) })) },
                                   uniquingKeysWith: { a, _ in a })
            if window.standing(billed: later, asOf: eventDay).isCovered {
                return Decision(covered: true, reason: nil, byLatePayment: true, months: rows)
            }
        }
        return decide(.lapsed(since: since, months: n))
    }
}
