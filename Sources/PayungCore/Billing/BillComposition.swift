/// What goes on a program's bill for contribution month M (DESIGN.md,
/// "Money": a run is idempotent, an issued document immutable, a later
/// change an adjustment on the next bill).
///
/// - **charge**: each person-month of M, not yet on any bill;
/// - **late** (an adjustment, debit): each person-month of an earlier month
///   that no bill carried (a registration back-dated into a billed month);
/// - **credit** (an adjustment, credit): each person-month an issued bill
///   charged that no longer stands (the participation ended before it), once.
///
/// The app writes these with set-based SQL for speed; this is the rule,
/// and a test holds the SQL to it on random months.
public enum BillComposition {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case charge, late, credit

        public var indonesianName: String {
            switch self {
            case .charge: "Iuran bulan ini"
            case .late: "Penyesuaian: bulan sebelumnya yang belum ditagih"
            case .credit: "Penyesuaian: dikreditkan (kepesertaan berakhir)"
            }
        }

        /// A debit adds to what is owed; a credit takes off.
        public var sign: Int64 { self == .credit ? -1 : 1 }
    }

    /// One person-month as billing sees it.
    public struct PersonMonth: Sendable, Hashable {
        public let id: String
        public let month: YearMonth
        public let amount: Rupiah

        public init(id: String, month: YearMonth, amount: Rupiah) {
            self.id = id
            self.month = month
            self.amount = amount
        }
    }

    public struct Line: Sendable, Hashable {
        public let kind: Kind
        public let personMonth: PersonMonth
        /// Signed: negative for a credit.
        public var amount: Rupiah { Rupiah(kind.sign * personMonth.amount.amount) }
    }

    /// - Parameters:
    ///   - standing: the program's person-months as they stand now, up to any month.
    ///   - debited: ids already charged or billed late on an earlier bill.
    ///   - chargedOnIssued: person-months an issued bill debited, as billed then.
    ///   - credited: ids already credited.
    public static func lines(for month: YearMonth, standing: [PersonMonth], debited: Set<String>,
                             chargedOnIssued: [PersonMonth], credited: Set<String>) -> [Line] {
        var lines: [Line] = []
        for pm in standing where pm.month <= month && !debited.contains(pm.id) {
            lines.append(Line(kind: pm.month == month ? .charge : .late, personMonth: pm))
        }
        let standingIDs = Set(standing.map(\.id))
        for pm in chargedOnIssued where !standingIDs.contains(pm.id) && !credited.contains(pm.id) {
            lines.append(Line(kind: .credit, personMonth: pm))
        }
        return lines.sorted { ($0.kind.rawValue, $0.personMonth.month, $0.personMonth.id) < ($1.kind.rawValue, $1.personMonth.month, $1.personMonth.id) }
    }
}
