import Testing
@testable import PayungCore

@Suite("Benefits (PP 82/2019): amounts, scholarships, the claim case")
struct BenefitTests {
    func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    @Test("a death from any cause gives Rp42,000,000 in its three parts")
    func jkm() throws {
        let b = try BenefitCalculator.deathFromAnyCause(on: day("2024-03-10"))
        #expect(b.lines.map(\.part) == [.lumpSum, .periodic, .funeral])
        #expect(b.lines.map(\.amount.amount) == [20_000_000, 12_000_000, 10_000_000])
        #expect(b.total == Rupiah(42_000_000) && b.legalBasis.contains("PP 82/2019"))
    }

    @Test("JKK amounts follow the income basis: death 48 x, incapacity 100% for 12 months then 50%, disability % x 80")
    func jkk() throws {
        let basis = Rupiah(1_500_000)
        let death = try BenefitCalculator.deathFromWork(on: day("2026-05-02"), incomeBasis: basis)
        #expect(death.lines.map(\.amount.amount) == [72_000_000, 12_000_000, 10_000_000] && death.total == Rupiah(94_000_000))
        let off = try BenefitCalculator.temporaryIncapacity(on: day("2026-05-02"), incomeBasis: basis, months: 15)
        #expect(off.lines.map(\.amount.amount) == [18_000_000, 2_250_000])
        #expect(try BenefitCalculator.temporaryIncapacity(on: day("2026-05-02"), incomeBasis: basis, months: 3).total == Rupiah(4_500_000))
        let disability = try BenefitCalculator.disability(on: day("2026-05-02"), incomeBasis: Rupiah(1_000_000), percent: 30)
        #expect(disability.total == Rupiah(24_000_000))
        let care = try BenefitCalculator.medicalCare(on: day("2026-05-02"), paid: [Rupiah(35_000_000), Rupiah(120_500_000)])
        #expect(care.total == Rupiah(155_500_000), "no ceiling")
    }

    @Test("bad inputs are refused with codes, never trapped on; an event before the rule has none")
    func bounds() {
        #expect(throws: BenefitCalculator.Failure.incomeBasisInvalid) {
            try BenefitCalculator.deathFromWork(on: day("2026-05-02"), incomeBasis: Rupiah(.max))
        }
        #expect(throws: BenefitCalculator.Failure.percentInvalid) {
            try BenefitCalculator.disability(on: day("2026-05-02"), incomeBasis: Rupiah(1_000_000), percent: 101)
        }
        #expect(throws: BenefitCalculator.Failure.monthsInvalid) {
            try BenefitCalculator.temporaryIncapacity(on: day("2026-05-02"), incomeBasis: Rupiah(1_000_000), months: -1)
        }
        #expect(throws: BenefitCalculator.Failure.noRule(day("2019-01-05"))) { try BenefitCalculator.deathFromAnyCause(on: day("2019-01-05")) }
    }

    @Test("scholarships: a toddler gets all 19 school years (Rp87M), an SMA pupil stops at 23, a third child none, a married child stops")
    func scholarships() throws {
        let young = ScholarshipSchedule.Child(name: "Adik", birthDate: day("2022-03-01"), level: nil)
        let pupil = ScholarshipSchedule.Child(name: "Kakak", birthDate: day("2009-05-01"), level: .sma, yearInLevel: 2)
        let third = ScholarshipSchedule.Child(name: "Bungsu", birthDate: day("2024-01-01"), level: nil)
        let schedules = try #require(ScholarshipSchedule.schedule(children: [young, pupil, third], event: .deathFromAnyCause,
                                                                  eventDay: day("2026-11-21"), membershipStart: day("2022-01-01")))
        let a = schedules[0]
        #expect(a.years.count == 19 && a.total == Rupiah(87_000_000) && a.end == .completed)
        #expect(a.years.first?.schoolYearName == "2026/2027" && a.years.first?.level == .tkSD)
        #expect(a.years.map(\.level).filter { $0 == .university }.count == 5 && a.years.last?.schoolYear == 2044)
        let b = schedules[1]
        #expect(b.years.map(\.level) == [.sma, .sma, .university, .university, .university, .university])
        #expect(b.total == Rupiah(54_000_000) && b.end == .age, "23 on 1 May 2032: the 2032 school year is not paid")
        #expect(schedules[2].refusal == .beyondChildLimit && schedules[2].years.isEmpty)

        let married = ScholarshipSchedule.Child(name: "Kakak", birthDate: day("2006-02-01"), level: .university, yearInLevel: 1,
                                                endedOn: day("2027-08-01"))
        let m = try #require(ScholarshipSchedule.schedule(children: [married], event: .deathFromWork, eventDay: day("2026-11-21"),
                                                          membershipStart: day("2026-10-01"))).first!
        #expect(m.years.map(\.schoolYear) == [2026, 2027] && m.end == .marriedOrWorking)
    }

    @Test("a child owed no year (already 23, or married) does not take one of the two places")
    func ineligibleChildTakesNoPlace() throws {
        let children = [
            ScholarshipSchedule.Child(name: "Dewasa", birthDate: day("1990-01-01"), level: .university),
            ScholarshipSchedule.Child(name: "Menikah", birthDate: day("2004-01-01"), level: .university, endedOn: day("2024-01-01")),
            ScholarshipSchedule.Child(name: "SD", birthDate: day("2015-05-01"), level: .tkSD, yearInLevel: 5),
            ScholarshipSchedule.Child(name: "TK", birthDate: day("2021-05-01"), level: nil),
        ]
        let s = try #require(ScholarshipSchedule.schedule(children: children, event: .deathFromWork, eventDay: day("2026-03-20"), membershipStart: nil))
        #expect(s.map { $0.years.isEmpty } == [true, true, false, false])
        #expect(s[0].end == .age && s[1].end == .marriedOrWorking && s[2].refusal == nil && s[3].refusal == nil)
    }

    @Test("hidden small counts always sum to at least 5: their total less the shown cells points at no one")
    func smallCountsSum() {
        #expect(SmallCounts.hidden([9, 3, 1, 40]) == [1, 2, 0], "3 + 1 = 4 is not enough: the 9 goes too")
        #expect(SmallCounts.hidden([20, 30]).isEmpty)
        #expect(SmallCounts.hidden([2, 3]) == [0, 1])
        #expect(SmallCounts.hidden([4]) == [0])
    }

    @Test("a JKM death under 3 years of membership gives no scholarship; a death from work or total disability needs no minimum")
    func membership() throws {
        let child = ScholarshipSchedule.Child(name: "Anak", birthDate: day("2015-08-01"), level: .tkSD, yearInLevel: 6)
        let short = try #require(ScholarshipSchedule.schedule(children: [child], event: .deathFromAnyCause, eventDay: day("2026-11-21"),
                                                              membershipStart: day("2024-01-10")))
        #expect(short.first?.refusal == .membershipTooShort && short.first?.years.isEmpty == true)
        let none = try #require(ScholarshipSchedule.schedule(children: [child], event: .deathFromAnyCause, eventDay: day("2026-11-21"),
                                                             membershipStart: nil))
        #expect(none.first?.refusal == .membershipTooShort)
        for event in [ScholarshipSchedule.Event.deathFromWork, .totalPermanentDisability] {
            let s = try #require(ScholarshipSchedule.schedule(children: [child], event: event, eventDay: day("2026-11-21"),
                                                              membershipStart: day("2026-10-01"))).first!
            // TK-SD years 6 to 8, SMP, SMA, then university until 23 (1 July 2039): 3 + 3 + 3 + 4.
            #expect(s.refusal == nil && s.years.first?.level == .tkSD && s.years.count == 13 && s.end == .age, "\(event)")
        }
        let exactly = try #require(ScholarshipSchedule.schedule(children: [child], event: .deathFromAnyCause, eventDay: day("2026-11-21"),
                                                                membershipStart: day("2023-11-21"))).first!
        #expect(exactly.refusal == nil, "3 whole years on the day")
        let wrong = ScholarshipSchedule.Child(name: "Anak", birthDate: day("2015-08-01"), level: .smp, yearInLevel: 4)
        #expect(ScholarshipSchedule.schedule(children: [wrong], event: .deathFromWork, eventDay: day("2026-11-21"),
                                             membershipStart: nil)?.first?.refusal == .yearInLevelInvalid)
    }

    let record = RecordLocation(village: RegionCode("33.75.01.1002")!, rt: "003", rw: "005")

    func actor(_ role: Role, _ region: String = "33.75") throws -> Actor {
        Actor(userID: "u", username: "u", grants: [try RoleGrant(role: role, region: RegionCode(region)!)])
    }

    @Test("the claim case: the agency assembles, BPJS decides and pays; paying an unapproved case is refused with a clear message")
    func claimCase() throws {
        var status = ClaimStatus.reported
        for (action, role, expected) in [(ClaimAction.completeDocuments, Role.operator, ClaimStatus.documentsComplete),
                                         (.verify, .operator, .verified), (.submit, .operator, .submitted), (.approve, .bpjs, .approved),
                                         (.pay, .bpjs, .paid), (.close, .operator, .closed)] {
            status = try ClaimWorkflow.next(from: status, action: action, actor: try actor(role), at: record).to
            #expect(status == expected)
        }
        let bpjs = try actor(.bpjs)
        do {
            _ = try ClaimWorkflow.next(from: .submitted, action: .pay, actor: bpjs, at: record)
            Issue.record("paid a case never approved")
        } catch {
            #expect(error == .illegalTransition(from: .submitted, action: .pay))
            #expect(error.message.contains("sudah disetujui BPJS") && error.kind == .conflict)
        }
        #expect(throws: ClaimError.roleNotAllowed(action: .approve, roles: [.bpjs])) {
            try ClaimWorkflow.next(from: .submitted, action: .approve, actor: try actor(.operator), at: record)
        }
        #expect(throws: ClaimError.roleNotAllowed(action: .approve, roles: [.bpjs])) {
            try ClaimWorkflow.next(from: .submitted, action: .approve, actor: try actor(.bpjs, "15.71"), at: record)
        }
        #expect(ClaimWorkflow.available(from: .rejected, actor: try actor(.bpjs), at: record) == [.close])
        #expect(ClaimWorkflow.decisionDeadline(reportedOn: day("2026-11-21")) == day("2026-12-21"))
        #expect(ClaimKind.workAccident.startsSuspected && !ClaimKind.death.startsSuspected)
    }
}
