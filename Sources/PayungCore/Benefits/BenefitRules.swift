/// The amounts of JKK and JKM benefits for BPU participants, as a dated
/// rule: a later regulation is a new row, never an edit, and a case is
/// computed with the rule in force on the event day.
///
/// Legal source: PP 82/2019 (amending PP 44/2015 on JKK and JKM), as
/// applied to BPU participants by Permenaker 5/2021 (DOMAIN.md, "Benefits").
public struct BenefitRules: Sendable, Hashable {
    public let id: String
    public let legalBasis: String
    /// First event day the rule applies to.
    public let from: CalendarDate
    /// Last event day, nil while in force.
    public let through: CalendarDate?

    // JKM, death from any cause.
    public let jkmLumpSum: Rupiah
    public let periodicMonthly: Rupiah
    public let periodicMonths: Int
    public let funeral: Rupiah

    // JKK.
    /// Death from a work accident or occupational disease: this many times the income basis.
    public let workDeathMultiplier: Int64
    /// Temporary incapacity (*STMB*): full income basis for this many months, then `incapacityLaterPercent`.
    public let incapacityFullMonths: Int
    public let incapacityLaterPercent: Int64
    /// Disability: percentage x this many times the income basis.
    public let disabilityMultiplier: Int64

    // Scholarships.
    public let scholarship: [SchoolLevel: Scholarship]
    public let scholarshipChildren: Int
    /// Years of membership before a JKM death gives scholarships (none for a work death or total disability).
    public let scholarshipMembershipYears: Int
    /// A child stops receiving it at this age.
    public let scholarshipEndAge: Int

    public struct Scholarship: Sendable, Hashable {
        public let perYear: Rupiah
        public let years: Int
    }

    /// PP 82/2019: JKM Rp42,000,000 (Rp20M + 24 x Rp500,000 + Rp10M); JKK death
    /// 48 x income basis + Rp12M + Rp10M; STMB 100% for 12 months then 50%;
    /// disability % x 80 x income basis; scholarships TK-SD Rp1.5M x 8, SMP
    /// Rp2M x 3, SMA Rp3M x 3, university Rp12M x 5, for 2 children, after 3
    /// years of membership for JKM, until 23.
    public static let pp82of2019 = BenefitRules(
        id: "pp-82-2019", legalBasis: "PP 82/2019 jo. Permenaker 5/2021", from: CalendarDate(year: 2019, month: 12, day: 2)!, through: nil,
        jkmLumpSum: Rupiah(20_000_000), periodicMonthly: Rupiah(500_000), periodicMonths: 24, funeral: Rupiah(10_000_000),
        workDeathMultiplier: 48, incapacityFullMonths: 12, incapacityLaterPercent: 50, disabilityMultiplier: 80,
        scholarship: [.tkSD: .init(perYear: Rupiah(1_500_000), years: 8), .smp: .init(perYear: Rupiah(2_000_000), years: 3),
                      .sma: .init(perYear: Rupiah(3_000_000), years: 3), .university: .init(perYear: Rupiah(12_000_000), years: 5)],
        scholarshipChildren: 2, scholarshipMembershipYears: 3, scholarshipEndAge: 23)

    public static let all: [BenefitRules] = [.pp82of2019]

    /// The rule in force on `day`; nil before any (an event before December 2019).
    public static func inForce(on day: CalendarDate, in rules: [BenefitRules] = all) -> BenefitRules? {
        rules.last { $0.from <= day && ($0.through.map { day <= $0 } ?? true) }
    }

    /// 24 x Rp500,000: paid at once.
    public var periodic: Rupiah { Rupiah(periodicMonthly.amount * Int64(periodicMonths)) }
}

/// School levels of the scholarship, in the order a child goes through them.
public enum SchoolLevel: String, Sendable, Hashable, CaseIterable, Codable {
    case tkSD = "tk_sd", smp, sma, university

    public var indonesianName: String {
        switch self {
        case .tkSD: "TK/SD"
        case .smp: "SMP"
        case .sma: "SMA/SMK"
        case .university: "Perguruan tinggi atau pelatihan"
        }
    }

    public var next: SchoolLevel? {
        let all = Self.allCases
        let i = all.firstIndex(of: self)!
        return i + 1 < all.count ? all[i + 1] : nil
    }
}
