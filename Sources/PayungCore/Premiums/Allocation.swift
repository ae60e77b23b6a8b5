/// The months a participant is covered in a program (*bulan kepesertaan*):
/// from the month BPJS registered them (never before the program's first
/// month) to the program's last month, or to the month their participation
/// ended (death, moving away, age, withdrawal), that month included. BPU
/// contributions are monthly and due for the month itself (Permenaker
/// 5/2021), so a month is covered or not as a whole.
public enum CoverageSpan {
    public static func months(programStart: YearMonth, programEnd: YearMonth, registered: YearMonth,
                              endedIn: YearMonth? = nil) -> ClosedRange<YearMonth>? {
        let first = max(programStart, registered)
        let last = min(programEnd, endedIn ?? programEnd)
        return first <= last ? first...last : nil
    }
}

/// How a program decides which pledge pays a person-month (a program
/// setting). Whatever the order, a pledge only pays months inside its
/// period, for its kelurahan or occupation when it names one, and never
/// beyond what it pledged.
public enum AllocationOrder: String, Sendable, Codable, CaseIterable {
    /// The city budget first, other sponsors for the rest.
    case apbdFirst = "apbd_first"
    /// Pledges for the person's kelurahan (or kecamatan) first.
    case byVillage = "by_village"
    /// Pledges for the person's occupation first.
    case byOccupation = "by_occupation"
    /// Only the pledge an operator chose for the person.
    case manual

    public var indonesianName: String {
        switch self {
        case .apbdFirst: "APBD lebih dulu, sisanya donatur lain"
        case .byVillage: "Menurut kelurahan/kecamatan yang dipilih donatur"
        case .byOccupation: "Menurut jenis pekerjaan yang dipilih donatur"
        case .manual: "Dipilih operator per peserta"
        }
    }
}

/// A sponsor's promise (*komitmen*): rupiah, or N participants x M months,
/// for a program and a period.
public struct Pledge: Sendable, Hashable {
    public enum Capacity: Sendable, Hashable {
        case amount(Rupiah)
        case personMonths(Int)
    }

    public let id: String
    public let kind: PayerKind
    public let excludedFromDiscount: Bool
    public let from: YearMonth
    public let through: YearMonth
    public let capacity: Capacity
    /// Only people living in this region (a kelurahan or kecamatan).
    public let region: RegionCode?
    /// Only people of this occupation.
    public let occupation: String?

    public init(id: String, kind: PayerKind, excludedFromDiscount: Bool, from: YearMonth, through: YearMonth,
                capacity: Capacity, region: RegionCode? = nil, occupation: String? = nil) {
        self.id = id
        self.kind = kind
        self.excludedFromDiscount = excludedFromDiscount
        self.from = from
        self.through = through
        self.capacity = capacity
        self.region = region
        self.occupation = occupation
    }

    /// "N participants x M months" as person-months, nil when it overflows
    /// (bounded on input: never here).
    public static func personMonths(participants: Int, months: Int) -> Int? {
        let (product, overflow) = participants.multipliedReportingOverflow(by: months)
        return overflow || product < 0 ? nil : product
    }
}

/// One person-month waiting for a payer.
public struct PersonMonthNeed: Sendable, Hashable {
    public let month: YearMonth
    public let village: RegionCode
    public let occupation: String?
    public let sector: WorkSector
    /// Under `.manual`: the pledge the operator chose for this person.
    public let chosenPledge: String?

    public init(month: YearMonth, village: RegionCode, occupation: String?, sector: WorkSector, chosenPledge: String? = nil) {
        self.month = month
        self.village = village
        self.occupation = occupation
        self.sector = sector
        self.chosenPledge = chosenPledge
    }
}

/// Decides who pays each person-month, pledge by pledge, keeping what each
/// has left. Deterministic: the same needs in the same order with the same
/// pledges give the same answer, so a re-run changes nothing.
public struct Allocator: Sendable {
    public let order: AllocationOrder
    public private(set) var pledges: [Pledge]
    /// What each pledge has already paid for (from earlier runs and this one).
    public private(set) var usedRupiah: [String: Int64]
    public private(set) var usedMonths: [String: Int]

    public init(order: AllocationOrder, pledges: [Pledge], usedRupiah: [String: Int64] = [:], usedMonths: [String: Int] = [:]) {
        self.order = order
        self.pledges = pledges
        self.usedRupiah = usedRupiah
        self.usedMonths = usedMonths
    }

    /// The pledge that pays `need` and the price at that payer's rate, or
    /// nil (unfunded) when none can. `price` prices the month for a payer
    /// excluded from the discount or not.
    public mutating func allocate(_ need: PersonMonthNeed,
                                  price: (_ excludedFromDiscount: Bool) throws(TariffError) -> PersonMonthPrice)
        throws(TariffError) -> (pledge: Pledge, price: PersonMonthPrice)? {
        for pledge in candidates(for: need) {
            let priced = try price(pledge.excludedFromDiscount)
            if take(pledge, priced.total) { return (pledge, priced) }
        }
        return nil
    }

    /// Whether `pledge` can still pay `amount` (or one more person-month),
    /// and if so, books it.
    private mutating func take(_ pledge: Pledge, _ amount: Rupiah) -> Bool {
        switch pledge.capacity {
        case .amount(let pledged):
            let used = usedRupiah[pledge.id, default: 0]
            let (after, overflow) = used.addingReportingOverflow(amount.amount)
            guard !overflow, after <= pledged.amount else { return false }
            usedRupiah[pledge.id] = after
        case .personMonths(let pledged):
            let used = usedMonths[pledge.id, default: 0]
            guard used < pledged else { return false }
            usedMonths[pledge.id] = used + 1
            usedRupiah[pledge.id] = usedRupiah[pledge.id, default: 0] &+ amount.amount
        }
        return true
    }

    func candidates(for need: PersonMonthNeed) -> [Pledge] {
        let open = pledges.enumerated().filter { _, p in
            need.month >= p.from && need.month <= p.through
                && (p.region.map { need.village.isWithin($0) } ?? true)
                && (p.occupation.map { $0 == need.occupation } ?? true)
        }
        func rank(_ p: Pledge) -> Int {
            switch order {
            case .apbdFirst: p.kind == .apbd ? 0 : 1
            case .byVillage: p.region != nil ? 0 : 1
            case .byOccupation: p.occupation != nil ? 0 : 1
            case .manual: 0
            }
        }
        if order == .manual {
            return open.filter { $0.element.id == need.chosenPledge }.map(\.element)
        }
        return open.sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }
}
