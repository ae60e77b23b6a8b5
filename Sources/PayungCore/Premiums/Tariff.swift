/// An insured-income bracket (*upah/penghasilan yang dilaporkan*): a
/// declared income from `lower` up to `upper` (inclusive) is insured at the
/// bracket's nominal `basis`, on which JKK is a percentage. PP 44/2015
/// annex II holds the full table, which is not public [?]; Payung ships the
/// known brackets (Rp1.000.000: the lowest; Rp1.100.000 to Rp1.299.999 at
/// Rp1.200.000 [O]) and an admin adds the others.
public struct IncomeBracket: Sendable, Hashable, Codable {
    public let lower: Rupiah
    /// Inclusive; nil: no upper bound.
    public let upper: Rupiah?
    public let basis: Rupiah

    public init(lower: Rupiah, upper: Rupiah?, basis: Rupiah) {
        self.lower = lower
        self.upper = upper
        self.basis = basis
    }

    public func contains(_ income: Rupiah) -> Bool {
        income >= lower && (upper.map { income <= $0 } ?? true)
    }

    public static let known: [IncomeBracket] = [
        IncomeBracket(lower: Rupiah(1_000_000), upper: Rupiah(1_099_999), basis: Rupiah(1_000_000)),
        IncomeBracket(lower: Rupiah(1_100_000), upper: Rupiah(1_299_999), basis: Rupiah(1_200_000)),
    ]
}

/// One version of the BPU contribution rates, in force for a range of
/// contribution months (*bulan iuran*). PP 44/2015 as amended by PP 82/2019:
/// JKK 1% of the insured income, JKM Rp6.800 a month, JHT 2% (optional).
/// A version that priced a month is never edited: it is superseded by a new
/// version from a later month.
public struct TariffVersion: Sendable, Hashable, Codable {
    public let id: String
    public let name: String
    public let legalBasis: String
    public let from: YearMonth
    /// Last month in force; nil: until superseded.
    public let through: YearMonth?
    /// JKK rate in basis points of the income basis (100 = 1%).
    public let jkkBasisPoints: Int
    public let jkm: Rupiah
    /// JHT rate in basis points (200 = 2%), charged only when a program opts in.
    public let jhtBasisPoints: Int
    public let brackets: [IncomeBracket]

    public init(id: String, name: String, legalBasis: String, from: YearMonth, through: YearMonth?,
                jkkBasisPoints: Int, jkm: Rupiah, jhtBasisPoints: Int, brackets: [IncomeBracket]) {
        self.id = id
        self.name = name
        self.legalBasis = legalBasis
        self.from = from
        self.through = through
        self.jkkBasisPoints = jkkBasisPoints
        self.jkm = jkm
        self.jhtBasisPoints = jhtBasisPoints
        self.brackets = brackets
    }

    public func covers(_ month: YearMonth) -> Bool {
        month >= from && (through.map { month <= $0 } ?? true)
    }

    /// The seed: PP 44/2015 jo. PP 82/2019, from July 2015 until superseded.
    public static let seed = TariffVersion(
        id: "bpu-2015", name: "Iuran BPU (JKK 1%, JKM Rp6.800)", legalBasis: "PP 44/2015 jo. PP 82/2019",
        from: YearMonth(year: 2015, month: 7)!, through: nil,
        jkkBasisPoints: 100, jkm: Rupiah(6_800), jhtBasisPoints: 200, brackets: IncomeBracket.known)
}

/// A dated discount (*keringanan iuran*) on JKK and JKM for some sectors and
/// contribution months. PP 50/2025: 50% for BPU, transport sector January
/// 2026 to March 2027, other sectors April to December 2026; participants
/// paid from APBN/APBD are excluded (see `PayerKind`).
public struct TariffDiscount: Sendable, Hashable, Codable {
    public let id: String
    public let name: String
    public let legalBasis: String
    public let from: YearMonth
    public let through: YearMonth
    public let sectors: Set<WorkSector>
    /// Share taken off JKK and JKM, in basis points (5000 = 50%).
    public let offBasisPoints: Int

    public init(id: String, name: String, legalBasis: String, from: YearMonth, through: YearMonth,
                sectors: Set<WorkSector>, offBasisPoints: Int) {
        self.id = id
        self.name = name
        self.legalBasis = legalBasis
        self.from = from
        self.through = through
        self.sectors = sectors
        self.offBasisPoints = offBasisPoints
    }

    public func applies(to month: YearMonth, sector: WorkSector) -> Bool {
        month >= from && month <= through && sectors.contains(sector)
    }

    public static let seed: [TariffDiscount] = [
        TariffDiscount(id: "pp50-2025-transport", name: "Keringanan 50% sektor transportasi", legalBasis: "PP 50/2025",
                       from: YearMonth(year: 2026, month: 1)!, through: YearMonth(year: 2027, month: 3)!,
                       sectors: [.transport], offBasisPoints: 5_000),
        TariffDiscount(id: "pp50-2025-other", name: "Keringanan 50% sektor lain", legalBasis: "PP 50/2025",
                       from: YearMonth(year: 2026, month: 4)!, through: YearMonth(year: 2026, month: 12)!,
                       sectors: [.other], offBasisPoints: 5_000),
    ]
}

/// What one person-month costs, and which rules priced it.
public struct PersonMonthPrice: Sendable, Hashable, Codable {
    public let month: YearMonth
    public let incomeBasis: Rupiah
    public let jkk: Rupiah
    public let jkm: Rupiah
    public let jht: Rupiah
    public let versionID: String
    public let discountID: String?

    public var total: Rupiah { Rupiah(jkk.amount + jkm.amount + jht.amount) }
}

public enum TariffError: Error, Equatable, Sendable {
    case noVersion(YearMonth)
    case incomeOutsideBrackets(Rupiah)
    case overlapping(String, String)
    case invalid(String)
    /// What an admin entered, wrong field by field (field name: why).
    case invalidFields([String: String])
    /// A version or discount that priced person-months is never edited or
    /// deleted: it is superseded (`months` priced so far).
    case used(String, months: Int)
    /// A replacement may not start on or before a month the old version priced.
    case supersededTooEarly(String, lastPriced: YearMonth)

    public var code: String {
        switch self {
        case .noVersion: "tariff_missing"
        case .incomeOutsideBrackets: "income_bracket_unknown"
        case .overlapping: "tariff_overlap"
        case .invalid, .invalidFields: "tariff_invalid"
        case .used, .supersededTooEarly: "tariff_version_used"
        }
    }

    public var message: String {
        switch self {
        case .noVersion(let month): "Belum ada tarif iuran untuk bulan \(month.indonesian)."
        case .incomeOutsideBrackets(let income):
            "Penghasilan \(income.formatted) tidak masuk rentang upah yang dikenal. Tambahkan rentangnya di halaman tarif."
        case .overlapping(let a, let b): "Masa berlaku \(a) bertumpang tindih dengan \(b)."
        case .invalid(let why): why
        case .invalidFields(let fields): fields.keys.sorted().compactMap { fields[$0] }.joined(separator: " ")
        case .used(let name, let months):
            "\(name) sudah dipakai menghitung \(months) bulan-orang; buat versi pengganti."
        case .supersededTooEarly(let name, let last):
            "\(name) sudah dipakai menghitung bulan sampai \(last.indonesian); versi pengganti paling awal mulai \(last.advanced(by: 1).indonesian)."
        }
    }
}

/// The tariff rules in force: versions and discounts, as data. Looked up by
/// contribution month, never by payment date (PP 49/2020 once cut JKM for
/// some months: the month decides).
public struct TariffBook: Sendable {
    public let versions: [TariffVersion]
    public let discounts: [TariffDiscount]

    public init(versions: [TariffVersion], discounts: [TariffDiscount]) throws(TariffError) {
        for v in versions {
            guard v.through.map({ $0 >= v.from }) ?? true else { throw .invalid("Versi \(v.name) berakhir sebelum mulai.") }
            guard (0...10_000).contains(v.jkkBasisPoints), (0...10_000).contains(v.jhtBasisPoints),
                  v.jkm.amount >= 0, v.jkm.amount <= 100_000_000,
                  v.brackets.allSatisfy({ $0.basis.amount >= 0 && $0.basis.amount <= 1_000_000_000_000 && $0.lower.amount >= 0 })
            else { throw .invalid("Tarif \(v.name) di luar batas.") }
        }
        for (i, a) in versions.enumerated() {
            for b in versions[(i + 1)...] where Self.overlap(a.from, a.through, b.from, b.through) {
                throw .overlapping(a.name, b.name)
            }
        }
        for (i, a) in discounts.enumerated() {
            guard a.through >= a.from, (0...10_000).contains(a.offBasisPoints) else { throw .invalid("Keringanan \(a.name) tidak sah.") }
            for b in discounts[(i + 1)...] where !a.sectors.isDisjoint(with: b.sectors) && Self.overlap(a.from, a.through, b.from, b.through) {
                throw .overlapping(a.name, b.name)
            }
        }
        self.versions = versions
        self.discounts = discounts
    }

    public static let seed = try! TariffBook(versions: [TariffVersion.seed], discounts: TariffDiscount.seed)

    static func overlap(_ aFrom: YearMonth, _ aThrough: YearMonth?, _ bFrom: YearMonth, _ bThrough: YearMonth?) -> Bool {
        (aThrough.map { bFrom <= $0 } ?? true) && (bThrough.map { aFrom <= $0 } ?? true)
    }

    /// The price of one person-month: the version in force for `month`, the
    /// bracket of the program's insured income, the sector's discount
    /// unless the payer is excluded from it. Halves are rounded up to the
    /// whole rupiah (50% of Rp6.800 = Rp3.400 exactly; an odd amount is
    /// never charged below half).
    public func price(month: YearMonth, insuredIncome: Rupiah, sector: WorkSector, excludedFromDiscount: Bool,
                      includeJHT: Bool = false) throws(TariffError) -> PersonMonthPrice {
        guard let version = versions.first(where: { $0.covers(month) }) else { throw .noVersion(month) }
        guard let bracket = version.brackets.first(where: { $0.contains(insuredIncome) }) else {
            throw .incomeOutsideBrackets(insuredIncome)
        }
        let basis = bracket.basis
        var jkk = Self.share(basis, version.jkkBasisPoints)
        var jkm = version.jkm
        let discount = excludedFromDiscount ? nil : discounts.first { $0.applies(to: month, sector: sector) }
        if let discount {
            jkk = Self.share(jkk, 10_000 - discount.offBasisPoints)
            jkm = Self.share(jkm, 10_000 - discount.offBasisPoints)
        }
        let jht = includeJHT ? Self.share(basis, version.jhtBasisPoints) : .zero
        return PersonMonthPrice(month: month, incomeBasis: basis, jkk: jkk, jkm: jkm, jht: jht,
                                versionID: version.id, discountID: discount?.id)
    }

    /// Why `income` cannot be priced in `month` (no version, no bracket), or nil.
    public func problem(pricing income: Rupiah, in month: YearMonth) -> TariffError? {
        guard let version = versions.first(where: { $0.covers(month) }) else { return .noVersion(month) }
        return version.brackets.contains { $0.contains(income) } ? nil : .incomeOutsideBrackets(income)
    }

    /// `amount` × `basisPoints` / 10,000, rounded half up. Amounts are
    /// bounded (≤ Rp10^13) so the product cannot overflow.
    static func share(_ amount: Rupiah, _ basisPoints: Int) -> Rupiah {
        Rupiah((amount.amount * Int64(basisPoints) + 5_000) / 10_000)
    }
}

// MARK: What an admin may enter

/// The bounds of a version or discount an admin enters: months a person can
/// still be insured in, rates as the regulation writes them, amounts small
/// enough that `TariffBook.share` cannot overflow (10^12 x 10^4 < 2^63).
public enum TariffLimits {
    public static let firstMonth = YearMonth(year: 2000, month: 1)!
    public static let lastMonth = YearMonth(year: 2100, month: 12)!
    public static let nameLength = 1...120
    public static let legalBasisLength = 1...300
    public static let basisPoints = 0...10_000
    public static let jkm: ClosedRange<Int64> = 0...100_000_000
    public static let rupiah: ClosedRange<Int64> = 0...1_000_000_000_000
    public static let brackets = 1...50

    static func month(_ m: YearMonth) -> Bool { m >= firstMonth && m <= lastMonth }
}

extension TariffVersion {
    /// What is wrong with this version as an admin entered it, by field
    /// (`name`, `legalBasis`, `from`, `through`, `jkkBasisPoints`, `jkm`,
    /// `jhtBasisPoints`, `brackets`, `bracketN` for the N-th bracket, from 1).
    /// Empty when it may be stored; overlaps are the book's to judge.
    public var problems: [String: String] {
        var p: [String: String] = [:]
        if !TariffLimits.nameLength.contains(name.count) { p["name"] = "Nama versi wajib diisi, paling panjang 120 karakter." }
        if !TariffLimits.legalBasisLength.contains(legalBasis.count) { p["legalBasis"] = "Dasar hukum wajib diisi, paling panjang 300 karakter." }
        if !TariffLimits.month(from) { p["from"] = "Bulan mulai antara Januari 2000 dan Desember 2100." }
        if let through, !TariffLimits.month(through) || through < from { p["through"] = "Bulan akhir tidak sebelum bulan mulai, paling lambat Desember 2100." }
        if !TariffLimits.basisPoints.contains(jkkBasisPoints) { p["jkkBasisPoints"] = "JKK antara 0 dan 10000 basis poin (100 = 1%)." }
        if !TariffLimits.jkm.contains(jkm.amount) { p["jkm"] = "JKM antara Rp0 dan Rp100.000.000." }
        if !TariffLimits.basisPoints.contains(jhtBasisPoints) { p["jhtBasisPoints"] = "JHT antara 0 dan 10000 basis poin (200 = 2%)." }
        if !TariffLimits.brackets.contains(brackets.count) { p["brackets"] = "Isi 1 sampai 50 rentang upah." }
        for (i, b) in brackets.enumerated() {
            guard TariffLimits.rupiah.contains(b.lower.amount), TariffLimits.rupiah.contains(b.basis.amount),
                  b.upper.map({ TariffLimits.rupiah.contains($0.amount) && $0 >= b.lower }) ?? true
            else {
                p["bracket\(i + 1)"] = "Rentang \(i + 1): batas bawah, batas atas (tidak kurang dari batas bawah) dan upah dasar antara Rp0 dan Rp1.000.000.000.000."
                continue
            }
            if brackets[..<i].contains(where: { a in a.upper.map { b.lower <= $0 } ?? true && (b.upper.map { a.lower <= $0 } ?? true) }) {
                p["bracket\(i + 1)"] = "Rentang \(i + 1) bertumpang tindih dengan rentang sebelumnya."
            }
        }
        return p
    }
}

extension TariffDiscount {
    /// What is wrong with this discount as an admin entered it, by field
    /// (`name`, `legalBasis`, `from`, `through`, `sectors`, `offBasisPoints`).
    public var problems: [String: String] {
        var p: [String: String] = [:]
        if !TariffLimits.nameLength.contains(name.count) { p["name"] = "Nama keringanan wajib diisi, paling panjang 120 karakter." }
        if !TariffLimits.legalBasisLength.contains(legalBasis.count) { p["legalBasis"] = "Dasar hukum wajib diisi, paling panjang 300 karakter." }
        if !TariffLimits.month(from) { p["from"] = "Bulan mulai antara Januari 2000 dan Desember 2100." }
        if !TariffLimits.month(through) || through < from { p["through"] = "Bulan akhir tidak sebelum bulan mulai, paling lambat Desember 2100." }
        if sectors.isEmpty { p["sectors"] = "Pilih sedikitnya satu sektor." }
        if !(1...10_000).contains(offBasisPoints) { p["offBasisPoints"] = "Potongan antara 1 dan 10000 basis poin (5000 = 50%)." }
        return p
    }
}

extension TariffBook {
    /// The book with `version` added, or put in place of the version with the
    /// same id; throws `overlapping` when its months meet another version's.
    public func replacing(_ version: TariffVersion) throws(TariffError) -> TariffBook {
        let others = versions.filter { $0.id != version.id }
        return try TariffBook(versions: (others + [version]).sorted { $0.from < $1.from }, discounts: discounts)
    }

    /// The book with `discount` added or put in place of the one with its id.
    public func replacing(_ discount: TariffDiscount) throws(TariffError) -> TariffBook {
        let others = discounts.filter { $0.id != discount.id }
        return try TariffBook(versions: versions, discounts: (others + [discount]).sorted { $0.from < $1.from })
    }

    /// Supersedes `old` by `new`: `old` ends the month before `new` starts.
    /// `lastPriced` is the last month `old` priced: `new` must start after it
    /// (priced months are never repriced), and after `old` starts. An old
    /// version that already ended before `new` is not reopened.
    public func superseding(_ old: TariffVersion, by new: TariffVersion, lastPriced: YearMonth?) throws(TariffError) -> TariffBook {
        if let lastPriced, new.from <= lastPriced { throw .supersededTooEarly(old.name, lastPriced: lastPriced) }
        guard new.from > old.from else {
            throw .invalidFields(["from": "Versi pengganti mulai sesudah \(old.from.indonesian), bulan mulai \(old.name)."])
        }
        let end = new.from.advanced(by: -1)
        if let through = old.through, through < end {
            throw .invalidFields(["from": "\(old.name) sudah berakhir \(through.indonesian); tambahkan versi baru tanpa menggantikan."])
        }
        let closed = TariffVersion(id: old.id, name: old.name, legalBasis: old.legalBasis, from: old.from, through: end,
                                   jkkBasisPoints: old.jkkBasisPoints, jkm: old.jkm, jhtBasisPoints: old.jhtBasisPoints, brackets: old.brackets)
        return try replacing(closed).replacing(new)
    }
}
