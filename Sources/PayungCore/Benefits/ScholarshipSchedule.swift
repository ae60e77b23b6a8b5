/// The yearly scholarship (*beasiswa*) a participant's children receive
/// after a death or a total permanent disability (PP 82/2019, `BenefitRules`):
/// at most 2 children; for a death from any cause (JKM) only after 3 years
/// of membership, counted from the person's first BPJS membership across
/// programs; with no minimum for a death from work or a total permanent
/// disability (JKK). Per school year: TK-SD Rp1.5M (8 years), SMP Rp2M (3),
/// SMA Rp3M (3), university or training Rp12M (5); it ends at 23, at
/// marriage or work. Each year still needs proof of enrolment: that is the
/// case's state, not this schedule's.
public enum ScholarshipSchedule {
    public enum Event: Sendable, Hashable {
        case deathFromAnyCause
        case deathFromWork
        case totalPermanentDisability
    }

    public struct Child: Sendable, Hashable {
        public let name: String
        public let birthDate: CalendarDate
        /// The child's level in the school year of the event; nil while not yet in school.
        public let level: SchoolLevel?
        /// 1-based year within that level (1 for a child not yet in school).
        public let yearInLevel: Int
        /// Married or working from this day (the schedule stops before the next school year).
        public let endedOn: CalendarDate?

        public init(name: String, birthDate: CalendarDate, level: SchoolLevel?, yearInLevel: Int = 1, endedOn: CalendarDate? = nil) {
            self.name = name
            self.birthDate = birthDate
            self.level = level
            self.yearInLevel = yearInLevel
            self.endedOn = endedOn
        }
    }

    public struct Year: Sendable, Hashable {
        /// The school year starting in July of this year ("2026/2027").
        public let schoolYear: Int
        public let level: SchoolLevel
        public let amount: Rupiah

        public var schoolYearName: String { "\(schoolYear)/\(schoolYear + 1)" }
    }

    public enum Refusal: String, Sendable, Hashable {
        case membershipTooShort = "membership_too_short"
        case beyondChildLimit = "child_limit"
        case yearInLevelInvalid = "year_in_level_invalid"

        public var indonesianName: String {
            switch self {
            case .membershipTooShort: "Kepesertaan belum 3 tahun saat meninggal (JKM): tidak ada beasiswa"
            case .beyondChildLimit: "Beasiswa paling banyak untuk 2 anak"
            case .yearInLevelInvalid: "Tahun ke berapa di jenjang itu tidak sesuai dengan lama jenjangnya"
            }
        }
    }

    public enum End: String, Sendable, Hashable {
        case completed, age, marriedOrWorking = "married_or_working"

        public var indonesianName: String {
            switch self {
            case .completed: "Selesai seluruh jenjang"
            case .age: "Anak berusia 23 tahun"
            case .marriedOrWorking: "Anak menikah atau bekerja"
            }
        }
    }

    public struct ChildSchedule: Sendable, Hashable {
        public let child: Child
        public let years: [Year]
        /// Why the child gets none.
        public let refusal: Refusal?
        /// Why the schedule stops where it does.
        public let end: End?
        public var total: Rupiah { Rupiah(years.reduce(Int64(0)) { $0 + $1.amount.amount }) }
    }

    /// A school year starts on 1 July: the one `day` falls in.
    public static func schoolYear(of day: CalendarDate) -> Int { day.month >= 7 ? day.year : day.year - 1 }

    static func age(_ birth: CalendarDate, on day: CalendarDate) -> Int { birth.wholeYears(until: day) }

    /// Children in the order given (the case lists them in the heirs' order); the first 2 eligible ones receive it.
    /// Nil when no rule was in force on the event day.
    public static func schedule(children: [Child], event: Event, eventDay: CalendarDate, membershipStart: CalendarDate?,
                                rules: [BenefitRules] = BenefitRules.all) -> [ChildSchedule]? {
        guard let rule = BenefitRules.inForce(on: eventDay, in: rules) else { return nil }
        if event == .deathFromAnyCause {
            let years = membershipStart.map { age($0, on: eventDay) } ?? 0
            if membershipStart == nil || years < rule.scholarshipMembershipYears {
                return children.map { ChildSchedule(child: $0, years: [], refusal: .membershipTooShort, end: nil) }
            }
        }
        var result: [ChildSchedule] = []
        var granted = 0
        for child in children.prefix(20) {
            let level = child.level ?? .tkSD
            guard let length = rule.scholarship[level]?.years, (1...length).contains(child.yearInLevel) else {
                result.append(ChildSchedule(child: child, years: [], refusal: .yearInLevelInvalid, end: nil))
                continue
            }
            let schedule = years(for: child, rule: rule, from: schoolYear(of: eventDay))
            // A child who is owed no year (already 23, married or working) does not take one of the places.
            guard !schedule.years.isEmpty else {
                result.append(schedule)
                continue
            }
            guard granted < rule.scholarshipChildren else {
                result.append(ChildSchedule(child: child, years: [], refusal: .beyondChildLimit, end: nil))
                continue
            }
            granted += 1
            result.append(schedule)
        }
        return result
    }

    static func years(for child: Child, rule: BenefitRules, from firstYear: Int) -> ChildSchedule {
        var level = child.level ?? .tkSD
        var inLevel = child.yearInLevel
        var year = firstYear
        if child.level == nil {
            // Not yet in school: from the school year on whose first day the child is 4 (TK A).
            while age(child.birthDate, on: CalendarDate(year: year, month: 7, day: 1)!) < 4 { year += 1 }
        }
        var years: [Year] = []
        while true {
            let start = CalendarDate(year: year, month: 7, day: 1)!
            if age(child.birthDate, on: start) >= rule.scholarshipEndAge { return .init(child: child, years: years, refusal: nil, end: .age) }
            if let ended = child.endedOn, ended < start { return .init(child: child, years: years, refusal: nil, end: .marriedOrWorking) }
            guard let scholarship = rule.scholarship[level] else { return .init(child: child, years: years, refusal: nil, end: .completed) }
            years.append(Year(schoolYear: year, level: level, amount: scholarship.perYear))
            year += 1
            inLevel += 1
            if inLevel > scholarship.years {
                guard let next = level.next else { return .init(child: child, years: years, refusal: nil, end: .completed) }
                level = next
                inLevel = 1
            }
        }
    }
}
