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

    public struct Difference: Sendable, Hashable {
        public let key: Key
        public let kind: Kind
        public let expected: Rupiah?
        public let billed: Rupiah?
        /// BPJS billed a month after the participation ended (or never began).
        public let afterEnd: Bool
    }

    /// - Parameters:
    ///   - expected: Payung's person-months for the months the file covers.
    ///   - billed: BPJS's lines; the same NIK and month twice are summed.
    ///   - endedBefore: whether the NIK's participation had ended (or never
    ///     existed in the program) by that month.
    public static func differences(expected: [Key: Rupiah], billed: [(Key, Rupiah)],
                                   endedBefore: (Key) -> Bool) -> [Difference] {
        var bpjs: [Key: Int64] = [:]
        for (key, amount) in billed { bpjs[key, default: 0] += amount.amount }
        let months = Set(bpjs.keys.map(\.month))
        var result: [Difference] = []
        for (key, amount) in expected where months.contains(key.month) {
            guard let theirs = bpjs[key] else {
                result.append(.init(key: key, kind: .missing, expected: amount, billed: nil, afterEnd: false))
                continue
            }
            if theirs != amount.amount {
                result.append(.init(key: key, kind: .amount, expected: amount, billed: Rupiah(theirs), afterEnd: false))
            }
        }
        for (key, amount) in bpjs where expected[key] == nil {
            result.append(.init(key: key, kind: .extra, expected: nil, billed: Rupiah(amount), afterEnd: endedBefore(key)))
        }
        return result.sorted { ($0.key, $0.kind.rawValue) < ($1.key, $1.kind.rawValue) }
    }
}
