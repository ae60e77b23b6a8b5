import Fluent
import Foundation
import PayungCore
import SQLKit

/// The demo's money: sponsors of each city (APBD, a CSR company, Baznas,
/// Korpri) with pledges for every demo program, and the programs'
/// person-months planned, priced and allocated by the coverage run. The
/// demo sponsor user reads the CSR company's statement.
enum DemoSponsors {
    static func seed(on db: any Database, now: Date) async throws -> (sponsors: Int, personMonths: Int) {
        guard try await SponsorModel.query(on: db).first() == nil else { return (0, 0) }
        let service = SponsorService(db: db, now: now)
        let owner = try Actor.system(pemdas: ["33.75", "15.71"])
        var created = 0
        let plans: [(pemda: String, kind: PayerKind, name: String)] = [
            ("33.75", .apbd, "APBD Kota Pekalongan"), ("33.75", .csr, "CSR PT Batik Nusantara"),
            ("33.75", .baznas, "Baznas Kota Pekalongan"), ("33.75", .korpri, "Korpri Kota Pekalongan"),
            ("33.75", .donor, DemoBilling.lapsingDonor),
            ("15.71", .apbd, "APBD Kota Jambi"), ("15.71", .csr, "CSR Bank Jambi"),
        ]
        var sponsors: [String: SponsorModel] = [:]
        for plan in plans {
            sponsors[plan.name] = try await service.create(SponsorInput(pemda: plan.pemda, kind: plan.kind.rawValue, name: plan.name),
                                                           actor: owner, by: .cli("demo"))
            created += 1
        }
        var personMonths = 0
        var tick = 0
        for program in try await ProgramModel.query(on: db).sort(\.$startMonth).all() {
            let pekalongan = program.regencyCode == "33.75"
            let pledges: [(String, PledgeInput)] = pekalongan ? [
                ("APBD Kota Pekalongan", PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                                     amount: 16_800 * 12 * 15)),
                ("CSR PT Batik Nusantara", PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                                       participants: 6, months: 12, occupation: "batik_labourer")),
                ("Baznas Kota Pekalongan", PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                                       amount: 2_000_000)),
            ] : [
                ("APBD Kota Jambi", PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                                amount: 604_000_000)),
                ("CSR Bank Jambi", PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                               participants: 5, months: 12)),
            ]
            // An individual donor funds one participant this year (and stops paying: see `DemoBilling`).
            let donor: [(String, PledgeInput)] = pekalongan && program.startMonth.hasPrefix(String(CalendarDate(now).year)) ? [
                (DemoBilling.lapsingDonor, PledgeInput(programID: program.id!, fromMonth: program.startMonth, throughMonth: program.endMonth,
                                                       participants: 1, months: 12)),
            ] : []
            // Pledges are allocated in the order they were made: one second apart, so the demo allocates
            // the same way every time (APBD first by the program's rule, then the donor's one participant).
            for (name, input) in pledges.prefix(1) + donor + pledges.dropFirst() {
                tick += 1
                _ = try await SponsorService(db: db, now: now.addingTimeInterval(Double(tick)))
                    .pledge(sponsors[name]!.id!, input, actor: owner, by: .cli("demo"))
            }
            personMonths += try await CoverageRun(db: db, now: now).run(programID: program.id!).planned
        }
        if let user = try await AccessQueries(db: db).user(username: "sponsor.pekalongan"), let csr = sponsors["CSR PT Batik Nusantara"] {
            let link = SponsorUserModel()
            link.id = UUID()
            link.userID = user.id!
            link.sponsorID = csr.id!
            try await link.create(on: db)
        }
        return (created, personMonths)
    }
}

extension Actor {
    /// The demo's own authority over its cities (the machine owner's CLI).
    static func system(pemdas: [String]) throws -> Actor {
        Actor(userID: UUID().uuidString, username: "system",
              grants: try pemdas.compactMap(RegionCode.init).map { try RoleGrant(role: .admin, region: $0) })
    }
}
