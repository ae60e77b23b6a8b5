/// Payung's person-months against what BPJS invoiced, per NIK and
/// contribution month (issue 13: "list every difference per NIK and month:
/// expected by Payung, billed by BPJS, paid"). Three kinds of difference,
/// and a flag on anyone BPJS bills after their participation ended (they
/// belong in the deactivation batch).
public enum Reconciliation {
    public struct Key: Hashable, Sendable, Comparable {
        public let nik: String
        public let month: YearMonth

        public init(nik: String, month: YearMonth) {
            self.nik = nik
            self.month = month
        }

        public static func < (a: Key, b: Key) -> Bool { (a.month, a.nik) < (b.month, b.nik) }
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Payung expects the month; BPJS did not bill it.
        case missing
        /// BPJS billed a month Payung does not expect.
        case extra
        /// Both have it, for different amounts.
        case amount

        public var indonesianName: String {
            switch self {
            case .missing: "Tidak ditagih BPJS"
            case .extra: "Ditagih BPJS, tidak ada di Payung"
            case .amount: "Jumlah berbeda"
            }
        }
    }

    /// One line of BPJS's file: what it billed for a NIK and month, and
    /// what it says was paid when the file is a payment file.
    public struct Billed: Sendable, Hashable {
        public let key: Key
        public let billed: Rupiah
        public let paid: Rupiah?

        public init(key: Key, billed: Rupiah, paid: Rupiah? = nil) {
            self.key = key
            self.billed = billed
            self.paid = paid
        }
    }

    public struct Difference: Sendable, Hashable {
        public let key: Key
        public let kind: Kind
        public let expected: Rupiah?
        public let billed: Rupiah?
        /// What BPJS's file says was paid for it, when it says.
        public let paid: Rupiah?
        /// BPJS billed a month after the participation ended (or never began).
        public let afterEnd: Bool
    }

    /// - Parameters:
    ///   - expected: Payung's person-months for the months the file covers.
    ///   - billed: BPJS's lines; the same NIK and month twice are summed
    ///     (amounts saturate rather than trap on absurd files).
    ///   - endedBefore: whether the NIK's participation had ended by that month.
    public static func differences(expected: [Key: Rupiah], billed: [Billed],
                                   endedBefore: (Key) -> Bool) -> [Difference] {
        var bpjs: [Key: (billed: Int64, paid: Int64?)] = [:]
        for line in billed {
            let sum = bpjs[line.key] ?? (0, nil)
            let paid: Int64? = switch (sum.paid, line.paid?.amount) {
            case (nil, nil): nil
            case (let a, let b): Self.add(a ?? 0, b ?? 0)
            }
            bpjs[line.key] = (Self.add(sum.billed, line.billed.amount), paid)
        }
        let months = Set(bpjs.keys.map(\.month))
        var result: [Difference] = []
        for (key, amount) in expected where months.contains(key.month) {
            guard let theirs = bpjs[key] else {
                result.append(.init(key: key, kind: .missing, expected: amount, billed: nil, paid: nil, afterEnd: false))
                continue
            }
            if theirs.billed != amount.amount {
                result.append(.init(key: key, kind: .amount, expected: amount, billed: Rupiah(theirs.billed), paid: theirs.paid.map(Rupiah.init),
                                    afterEnd: false))
            }
        }
        for (key, theirs) in bpjs where expected[key] == nil {
            result.append(.init(key: key, kind: .extra, expected: nil, billed: Rupiah(theirs.billed), paid: theirs.paid.map(Rupiah.init),
                                afterEnd: endedBefore(key)))
        }
        return result.sorted { ($0.key, $0.kind.rawValue) < ($1.key, $1.kind.rawValue) }
    }

    private static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
