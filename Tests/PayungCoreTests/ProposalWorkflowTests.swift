import Testing
@testable import PayungCore

@Suite("Proposal workflow and entry checks")
struct ProposalWorkflowTests {
    let medono = RegionCode("33.75.01.1002")!
    let record = RecordLocation(village: RegionCode("33.75.01.1002")!, rt: "003", rw: "005")

    func actor(_ grants: (Role, String, String?, String?)...) throws -> Actor {
        Actor(userID: "u", username: "u", grants: try grants.map {
            try RoleGrant(role: $0.0, region: RegionCode($0.1)!, rt: $0.2, rw: $0.3)
        })
    }

    @Test("the happy path, each step by its own tier")
    func happyPath() throws {
        let steps: [(ProposalAction, Actor, ProposalStatus)] = [
            (.submit, try actor((.rt, "33.75.01.1002", "003", "005")), .submitted),
            (.verify, try actor((.kelurahan, "33.75.01.1002", nil, nil)), .verifiedKelurahan),
            (.verify, try actor((.kecamatan, "33.75.01", nil, nil)), .verifiedKecamatan),
            (.approve, try actor((.operator, "33.75", nil, nil)), .approved),
            (.register, try actor((.bpjs, "33.75", nil, nil)), .registered),
            (.activate, try actor((.operator, "33.75", nil, nil)), .active),
            (.end, try actor((.operator, "33.75", nil, nil)), .ended),
        ]
        var status = ProposalStatus.draft
        for (action, actor, expected) in steps {
            status = try ProposalWorkflow.next(from: status, action: action, actor: actor, at: record).to
            #expect(status == expected)
        }
    }

    @Test("skipped tiers, wrong roles and out-of-scope actors are refused")
    func refusals() throws {
        let operatorActor = try actor((.operator, "33.75", nil, nil))
        let kelurahan = try actor((.kelurahan, "33.75.01.1002", nil, nil))
        let otherKelurahan = try actor((.kelurahan, "33.75.01.1003", nil, nil))
        let kecamatan = try actor((.kecamatan, "33.75.01", nil, nil))
        // Approving what kelurahan has not verified: no such transition.
        #expect(throws: ProposalError.illegalTransition(from: .submitted, action: .approve)) {
            try ProposalWorkflow.next(from: .submitted, action: .approve, actor: operatorActor, at: record)
        }
        // Kecamatan cannot verify before kelurahan (the role is wrong for that step).
        #expect(throws: ProposalError.roleNotAllowed(action: .verify, status: .submitted, roles: [.kelurahan])) {
            try ProposalWorkflow.next(from: .submitted, action: .verify, actor: kecamatan, at: record)
        }
        // Right role, other village.
        #expect(throws: ProposalError.self) {
            try ProposalWorkflow.next(from: .submitted, action: .verify, actor: otherKelurahan, at: record)
        }
        // Verifying twice at the same tier.
        #expect(throws: ProposalError.self) {
            try ProposalWorkflow.next(from: .verifiedKelurahan, action: .verify, actor: kelurahan, at: record)
        }
        // Nothing leaves a rejection.
        for action in ProposalAction.allCases {
            #expect(throws: ProposalError.self) {
                try ProposalWorkflow.next(from: .rejected, action: action, actor: operatorActor, at: record)
            }
        }
        // Every row of the table moves forward or sideways, never back past a tier.
        let order: [ProposalStatus] = [.draft, .submitted, .verifiedKelurahan, .verifiedKecamatan, .approved, .registered, .active, .ended]
        for t in ProposalWorkflow.transitions where t.to != .rejected && t.to != .returned && t.from != .returned {
            #expect(order.firstIndex(of: t.to)! == order.firstIndex(of: t.from)! + 1 || t.action == .end, "\(t)")
        }
    }

    @Test("available actions drive the buttons")
    func available() throws {
        let kelurahan = try actor((.kelurahan, "33.75.01.1002", nil, nil))
        #expect(ProposalWorkflow.available(from: .submitted, actor: kelurahan, at: record) == [.verify, .return, .reject])
        #expect(ProposalWorkflow.available(from: .verifiedKelurahan, actor: kelurahan, at: record).isEmpty)
    }

    let rules = ProgramRules(regency: RegionCode("33.75")!, start: YearMonth(year: 2027, month: 1)!,
                             end: YearMonth(year: 2027, month: 12)!, ageBounds: .standard,
                             eligibleOccupations: ["becak_driver", "batik_labourer"])
    let today = CalendarDate(year: 2026, month: 11, day: 21)!

    func codes(_ entry: ProposalEntry, duplicates: [DuplicateFinding] = [], known: Set<RegionCode>? = nil) -> [String] {
        EntryCheck.run(entry, rules: rules, today: today, knownRegions: known, duplicates: duplicates).map(\.code)
    }

    @Test("entry checks: a clean entry has no issue")
    func clean() {
        let entry = ProposalEntry(nik: "3375014506850001", name: "Siti Aminah", village: medono, occupation: "batik_labourer", heirCount: 1)
        #expect(codes(entry, known: [RegionCode("33.75")!, RegionCode("33.75.01")!, medono]).isEmpty)
    }

    @Test("entry checks: each problem has its own code and severity")
    func problems() {
        var entry = ProposalEntry(nik: "3.37501E+15", name: "", village: nil, occupation: nil, heirCount: 0)
        #expect(codes(entry) == ["name_missing", "nik_scientific_notation", "occupation_missing", "village_missing", "heir_missing"])
        entry = ProposalEntry(nik: "3201014506850001", name: "Siti", village: RegionCode("15.71.01.1001"), occupation: "porter", heirCount: 2)
        #expect(codes(entry) == ["nik_outside_pemda", "occupation_not_eligible", "village_outside_pemda"])
        // 14 at coverage start (born December 2012), and 66 (born 1960).
        entry = ProposalEntry(nik: "3375011512120001", name: "Anak", village: medono, occupation: "becak_driver", heirCount: 1)
        #expect(codes(entry) == ["age_out_of_bounds"])
        entry = ProposalEntry(nik: "3375010101600001", name: "Kakek", village: medono, occupation: "becak_driver", heirCount: 1)
        #expect(codes(entry) == ["age_out_of_bounds"])
        let issues = EntryCheck.run(ProposalEntry(nik: "3375014506850001", name: "Siti", village: medono, occupation: "becak_driver", heirCount: 0),
                                    rules: rules, today: today, knownRegions: nil,
                                    duplicates: [.sameProgram(programName: "Batik Berlian 2027", status: .submitted),
                                                 .otherProgram(programName: "Batik Berlian 2026", status: .active), .bpjsActive(segment: "SG")])
        #expect(issues.map(\.code) == ["duplicate_in_program", "duplicate_other_program", "duplicate_bpjs_active", "heir_missing"])
        #expect(issues.map(\.severity) == [.error, .error, .error, .warning])
        #expect(issues[1].message.contains("Batik Berlian 2026"))
    }

    @Test("coverage starts at the program start, or next month once running, never after the end; phases")
    func coverageStart() {
        #expect(rules.newCoverageStart(today: today) == YearMonth(year: 2027, month: 1))
        #expect(rules.newCoverageStart(today: CalendarDate(year: 2027, month: 3, day: 9)!) == YearMonth(year: 2027, month: 4))
        // In the last month nobody new can be covered: the program takes no new proposals.
        #expect(rules.newCoverageStart(today: rules.end.firstDay) == nil)
        #expect(rules.phase(today: today) == .upcoming)
        #expect(rules.phase(today: CalendarDate(year: 2027, month: 6, day: 1)!) == .running)
        #expect(rules.phase(today: rules.end.advanced(by: 1).firstDay) == .ended)
        #expect(rules.covers(rules.start.firstDay) && !rules.covers(rules.start.advanced(by: -1).lastDay)
                && !rules.covers(rules.end.advanced(by: 1).firstDay))
        let late = EntryCheck.run(ProposalEntry(nik: "3375014506850001", name: "Siti", village: medono, occupation: "becak_driver", heirCount: 1),
                                  rules: rules, today: rules.end.advanced(by: 2).firstDay, knownRegions: nil, duplicates: [])
        #expect(late.map(\.code) == ["program_ended"])
    }

    @Test("waitlist ranking follows the configured order, then the proposal date")
    func waitlist() {
        let a = WaitlistCandidate(id: "a", decile: 3, hasDisability: false, risk: .high, proposedAt: 1)
        let b = WaitlistCandidate(id: "b", decile: 1, hasDisability: false, risk: .low, proposedAt: 2)
        let c = WaitlistCandidate(id: "c", decile: nil, hasDisability: true, risk: .veryHigh, proposedAt: 0)
        let d = WaitlistCandidate(id: "d", decile: 1, hasDisability: true, risk: .low, proposedAt: 3)
        #expect(Waitlist.rank([a, b, c, d], by: WaitlistCriterion.defaultOrder).map(\.id) == ["d", "b", "a", "c"])
        #expect(Waitlist.rank([a, b, c, d], by: [.occupationRisk]).map(\.id) == ["c", "a", "b", "d"])
        #expect(Waitlist.rank([a, b, c, d], by: [.proposalDate]).map(\.id) == ["c", "a", "b", "d"])
    }

    @Test("the occupation catalogue holds every occupation named in the reports")
    func catalogue() {
        let codes = Set(OccupationCatalogue.seed.map(\.code))
        #expect(codes.count == OccupationCatalogue.seed.count)
        for required in ["blind_masseur", "becak_driver", "angkot_driver", "construction_labourer", "street_hawker", "porter",
                         "gravedigger", "traffic_volunteer", "ojek_pangkalan", "ojek_online", "disabled_worker", "extreme_poor",
                         "waste_picker", "batik_labourer", "tyre_repairer", "marbot", "lebe", "daily_labourer",
                         "itinerant_trader", "motorbike_mechanic", "parking_attendant", "garbage_collector", "micro_business"] {
            #expect(codes.contains(required), "\(required)")
        }
    }
}
