import Fluent
import Foundation
import PayungCore
import Vapor

/// The demo programs: Batik Berlian 2022 (quota 1,000, 11 occupations) and
/// 2023 (continued, quota 2,000, 21 occupations) for Kota Pekalongan, and the
/// 2025 program of Kota Jambi (quota 3,000), with synthetic workers at every
/// status. The numbers of people are small samples, not the real rolls.
struct DemoPrograms {
    let app: Application
    let console: any Console

    static let occupations2022 = ["batik_labourer", "becak_driver", "porter", "gravedigger", "street_hawker", "marbot",
                                  "lebe", "blind_masseur", "waste_picker", "parking_attendant", "daily_labourer"]
    static let occupations2023 = occupations2022 + ["angkot_driver", "construction_labourer", "traffic_volunteer", "ojek_pangkalan",
                                                    "ojek_online", "disabled_worker", "extreme_poor", "tyre_repairer",
                                                    "itinerant_trader", "garbage_collector"]

    static let givenNames = ["Siti", "Ahmad", "Sri", "Budi", "Dewi", "Slamet", "Nur", "Agus", "Wati", "Joko", "Yuni", "Eko",
                             "Rina", "Hadi", "Tuti", "Bambang", "Lestari", "Suparno", "Aminah", "Rudi"]
    static let familyNames = ["Rahayu", "Santoso", "Wibowo", "Hidayat", "Lestari", "Saputra", "Kurniawan", "Handayani",
                              "Setiawan", "Pratama", "Susanti", "Nugroho"]

    func run() async throws {
        let service = ProgramService(db: app.db, now: app.clock.now())
        guard try await ProgramModel.query(on: app.db).filter(\.$code == "pkl-bb-2022").first() == nil else {
            console.print("Demo programs already there.")
            return
        }
        let actor = try await demoActor()
        let p2022 = try await service.create(ProgramInput(
            code: "pkl-bb-2022", regency: "33.75", name: "Batik Berlian 2022", startMonth: "2022-01", endMonth: "2022-12",
            legalBasis: "Perwal Pekalongan 19/2022", benefits: ["JKK", "JKM"], quota: 1000, occupations: Self.occupations2022),
            actor: nil, by: .cli("demo"))
        try await propose(into: p2022, city: "33.75", count: 24, serialBase: 100, actor: actor,
                          path: Array(repeating: [.verify, .verify, .approve, .register, .activate], count: 20))
        let (p2023, carried) = try await service.continueProgram(from: p2022.id!, as: ProgramInput(
            code: "pkl-bb-2023", regency: "33.75", name: "Batik Berlian 2023", startMonth: "2023-01", endMonth: "2023-12",
            legalBasis: "Perwal Pekalongan 19/2022", benefits: ["JKK", "JKM"], quota: 2000, occupations: Self.occupations2023),
            actor: nil, by: .cli("demo"))
        try await propose(into: p2023, city: "33.75", count: 36, serialBase: 300, actor: actor, path: Self.everyStatus)
        // The ten participants of 2023 whose deaths the program paid (`DemoClaimCases`); the tenth of eleven stays a draft.
        try await propose(into: p2023, city: "33.75", count: 11, serialBase: DemoClaimCases.deceasedSerialBase, actor: actor,
                          path: [[.verify, .verify, .approve, .register, .activate]])
        let jambi = try await service.create(ProgramInput(
            code: "jmb-bpu-2025", regency: "15.71", name: "Perlindungan Pekerja Rentan Kota Jambi 2025", startMonth: "2025-01",
            endMonth: "2025-12", legalBasis: "APBD Kota Jambi 2025", benefits: ["JKK", "JKM"], quota: 3000,
            occupations: Self.occupations2023), actor: nil, by: .cli("demo"))
        try await propose(into: jambi, city: "15.71", count: 36, serialBase: 500, actor: actor, path: Self.everyStatus)
        // Each city's program continued year by year to today, so a new user
        // can propose into a running (or, in December, the coming) year.
        // The story's deaths of each year are recorded before that year's program is continued,
        // so the deceased are never carried into a later year (nor planned, nor billed).
        let pekalonganNow = try await continueToToday(p2023, name: "Batik Berlian", codePrefix: "pkl-bb", quota: 2000,
                                                      legalBasis: "Perwal Pekalongan 19/2022", service: service) { [app] program in
            _ = try await DemoClaimCases.seedHistory(on: app.db, in: program, today: app.clock.today)
        }
        try await propose(into: pekalonganNow, city: "33.75", count: 12, serialBase: 700, actor: actor, path: Self.everyStatus)
        // The demo RT head (RT 003/RW 005, Medono) finds proposals of his own
        // RT on his first screen: submitted, returned for correction, a draft, verified.
        try await propose(into: pekalonganNow, city: "33.75", count: 4, serialBase: 760, actor: actor,
                          path: [[], [.return], [], [.verify]], at: (RegionCode("33.75.01.1002")!, "003", "005"))
        let jambiNow = try await continueToToday(jambi, name: "Perlindungan Pekerja Rentan Kota Jambi", codePrefix: "jmb-bpu", quota: 3000,
                                                 legalBasis: "APBD Kota Jambi", service: service)
        try await propose(into: jambiNow, city: "15.71", count: 12, serialBase: 800, actor: actor, path: Self.everyStatus)
        console.print("Demo programs: Batik Berlian 2022 to \(pekalonganNow.startMonth.prefix(4)) (\(carried) carried into 2023), "
                      + "Kota Jambi 2025 to \(jambiNow.startMonth.prefix(4)); proposals at every status.")
    }

    /// Continues `program` one calendar year at a time until a program that
    /// still takes participants today (this year's, or next year's in December).
    /// `beforeContinuing` runs on each program just before it is continued.
    private func continueToToday(_ program: ProgramModel, name: String, codePrefix: String, quota: Int, legalBasis: String,
                                 service: ProgramService,
                                 beforeContinuing: (ProgramModel) async throws -> Void = { _ in }) async throws -> ProgramModel {
        var current = program
        let today = app.clock.today
        while !current.takesNewParticipants(today: today) {
            try await beforeContinuing(current)
            let year = Int(current.startMonth.prefix(4))! + 1
            let occupations = try await ProgramOccupationModel.query(on: app.db).filter(\.$programID == current.id!).all().map(\.occupationCode)
            (current, _) = try await service.continueProgram(from: current.id!, as: ProgramInput(
                code: "\(codePrefix)-\(year)", regency: current.regencyCode, name: "\(name) \(year)", startMonth: "\(year)-01",
                endMonth: "\(year)-12", legalBasis: legalBasis, benefits: ["JKK", "JKM"], quota: quota, occupations: occupations),
                actor: nil, by: .cli("demo"))
        }
        return current
    }

    /// Steps after submission, cycling so that every status appears.
    static let everyStatus: [[ProposalAction]] = [
        [], [.verify], [.verify, .verify], [.verify, .verify, .approve], [.verify, .verify, .approve, .register],
        [.verify, .verify, .approve, .register, .activate], [.return], [.reject], [.verify, .reject], [], [.verify], [.verify, .verify],
    ]

    /// One actor holding every role the demo needs over both pilot cities.
    private func demoActor() async throws -> Actor {
        guard let rtUser = try await AccessQueries(db: app.db).user(username: "rt.pekalongan") else {
            throw CommandFailure("demo users missing")
        }
        var grants: [RoleGrant] = []
        for city in ["33.75", "15.71"] {
            let code = RegionCode(city)!
            grants += [try RoleGrant(role: .operator, region: code), try RoleGrant(role: .bpjs, region: code)]
            for district in try await RegionQueries(db: app.db).children(of: code) {
                let d = RegionCode(district.id!)!
                grants.append(try RoleGrant(role: .kecamatan, region: d))
                for village in try await RegionQueries(db: app.db).children(of: d) {
                    let v = RegionCode(village.id!)!
                    grants.append(try RoleGrant(role: .kelurahan, region: v))
                    for rt in 1...5 { grants.append(try RoleGrant(role: .rt, region: v, rt: String(rt), rw: "001")) }
                    if v.dotted == "33.75.01.1002" { grants.append(try RoleGrant(role: .rt, region: v, rt: "003", rw: "005")) }
                }
            }
        }
        return Actor(userID: rtUser.id!.uuidString, username: "demo", grants: grants)
    }

    private func propose(into program: ProgramModel, city: String, count: Int, serialBase: Int, actor: Actor,
                         path: [[ProposalAction]], at place: (village: RegionCode, rt: String, rw: String)? = nil) async throws {
        var generator = SeededGenerator(seed: UInt64(serialBase))
        let villages = actor.grants.filter { $0.role == .kelurahan && $0.region.isWithin(RegionCode(city)!) }.map(\.region)
        let occupations = try await ProgramOccupationModel.query(on: app.db).filter(\.$programID == program.id!).all().map(\.occupationCode).sorted()
        // Past programs were filled while they were open: their proposals are
        // entered as on the month before the program started.
        let realToday = app.clock.today
        let start = YearMonth(iso: program.startMonth)!
        let today = program.takesNewParticipants(today: realToday) ? realToday : start.advanced(by: -1).firstDay
        let service = ProposalService(db: app.db, now: app.clock.now(), today: today)
        for i in 0..<count {
            let village = place?.village ?? villages[Int(generator.next() % UInt64(villages.count))]
            let female = generator.next() % 2 == 0
            let day = Int(generator.next() % 28) + 1 + (female ? 40 : 0)
            let month = Int(generator.next() % 12) + 1
            let year = 70 + Int(generator.next() % 30)
            let nik = village.segments[0] + village.segments[1] + village.segments[2]
                + String(format: "%02d%02d%02d%04d", day, month, year, serialBase + i)
            let name = Self.givenNames[Int(generator.next() % UInt64(Self.givenNames.count))] + " "
                + Self.familyNames[Int(generator.next() % UInt64(Self.familyNames.count))]
            var input = ProposalInput(programID: program.id!, nik: nik, name: name, village: village.dotted,
                                      rt: place?.rt ?? String(Int(generator.next() % 5) + 1), rw: place?.rw ?? "001",
                                      occupation: occupations[Int(generator.next() % UInt64(occupations.count))],
                                      monthlyIncome: 1_000_000, welfareDecile: Int(generator.next() % 4) + 1,
                                      heirs: [HeirInput(name: "Ahli waris \(name)", relation: female ? "suami" : "istri")],
                                      submit: true, confirmWarnings: true)
            if i % 12 == 9 || (place != nil && i == 2) { input.submit = false }
            let (proposal, _) = try await service.propose(input, actor: actor, by: .cli("demo"))
            guard input.submit == true else { continue }
            for action in path[i % path.count] {
                let t = TransitionInput(action: action.rawValue,
                                        reason: action == .reject ? RejectionReason.notVulnerable.rawValue : nil,
                                        note: action == .return ? "Foto KTP buram, mohon unggah ulang." : nil,
                                        kpj: action == .register ? String(23_000_000_000 + serialBase + i) : nil,
                                        startDate: action == .register ? program.startMonth + "-01" : nil)
                _ = try await service.transition(proposal.id!, t, actor: actor, by: .cli("demo"))
            }
        }
    }
}

/// A small deterministic generator, so the demo data is the same every time.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
