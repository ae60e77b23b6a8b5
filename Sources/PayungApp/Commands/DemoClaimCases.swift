import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// The demo's claim cases (issue 14), made through `ClaimService` as the
/// agency and BPJS would, each step on its own day:
/// - the story of Batik Berlian: 10 deaths between January 2023 and June
///   2024, each paid Rp42,000,000 by BPJS (Rp420,000,000), each year's made
///   by `DemoPrograms` before that year's program is continued, so the
///   deceased are never carried into a later year, planned or billed;
/// - in the running program, after its bills: a case at every status (a
///   suspected work accident near BPJS's deadline, one stuck, one refused
///   and reported again, a death with a scholarship year paid) and the death
///   of a lapsed participant, recorded uncovered with its reason.
enum DemoClaimCases {
    /// The ten deceased of the story: proposed into the 2023 program (`DemoPrograms`, serials 400...).
    static let deceasedSerialBase = 400
    static let deaths = ["2023-01-17", "2023-03-08", "2023-05-21", "2023-07-30", "2023-09-12", "2023-11-25",
                         "2024-01-19", "2024-02-28", "2024-04-14", "2024-06-03"]
    static let places = ["Rumah, Kelurahan Medono", "RSUD Bendan", "Pasar Banjarsari", "Jalan Hayam Wuruk", "Puskesmas Pekalongan Barat"]

    struct People {
        let op: Actor
        let bpjs: Actor
        let opAudit: AuditActor
        let bpjsAudit: AuditActor
    }

    static func people(on db: any Database) async throws -> People? {
        let queries = AccessQueries(db: db)
        guard let op = try await queries.user(username: "operator.pekalongan"), let bpjs = try await queries.user(username: "bpjs.pekalongan"),
              let opActor = try await queries.authenticated(userID: op.id!, method: .token)?.actor,
              let bpjsActor = try await queries.authenticated(userID: bpjs.id!, method: .token)?.actor else { return nil }
        return People(op: opActor, bpjs: bpjsActor, opAudit: AuditActor(userID: op.id, username: op.username, source: "cli:demo"),
                      bpjsAudit: AuditActor(userID: bpjs.id, username: bpjs.username, source: "cli:demo"))
    }

    static func service(_ db: any Database, on day: CalendarDate, hour: Int = 9) -> ClaimService {
        ClaimService(db: db, now: DemoBilling.instant(day, hour: hour), today: day)
    }

    static func day(_ day: CalendarDate, plus days: Int) -> CalendarDate { day.adding(days: days) ?? day }

    /// A file name as a person would save it: the document's name in words.
    static func fileName(_ kind: ClaimDocumentKind) -> String {
        kind.indonesianName.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-") + ".pdf"
    }

    /// A one-page PDF standing for a document (no real data).
    static func document(_ kind: ClaimDocumentKind, of name: String) -> Data {
        DemoBilling.page("Dokumen demo: \(kind.indonesianName) - \(name)")
    }

    /// The story's paid deaths in the year of `program` (a Batik Berlian
    /// program, before it is continued, so its deceased are not carried on):
    /// the participation that ran on the day of death ends with it.
    /// Returns how many and the total paid.
    static func seedHistory(on db: any Database, in program: ProgramModel, today: CalendarDate) async throws -> (deaths: Int, paid: Int64) {
        guard program.regencyCode == "33.75", program.code.hasPrefix("pkl-bb-"), let year = Int(program.startMonth.prefix(4)),
              deaths.contains(where: { $0.hasPrefix("\(year)-") }), let people = try await people(on: db),
              let p2023 = try await ProgramModel.query(on: db).filter(\.$code == "pkl-bb-2023").first() else { return (0, 0) }
        struct Row: Decodable { let id: UUID; let worker_id: UUID; let nik: String; let name: String; let sex: String }
        let rows = try await db.sql.raw("""
            SELECT p.id, p.worker_id, w.nik, w.name, w.sex FROM proposals p JOIN workers w ON w.id = p.worker_id
            WHERE p.program_id = \(bind: p2023.id!) AND p.bpjs_start_date IS NOT NULL ORDER BY w.nik
            """).all(decoding: Row.self)
        let deceased = rows.filter { Int($0.nik.suffix(4)).map { (deceasedSerialBase..<deceasedSerialBase + 20).contains($0) } == true }
        var count = 0, paid: Int64 = 0
        for (i, (person, event)) in zip(deceased, deaths).enumerated() {
            // This year's deaths, each paid (31 days after) before today, once.
            guard let eventDay = CalendarDate(iso: event), eventDay.year == year, day(eventDay, plus: 38) <= today,
                  try await ClaimCaseModel.query(on: db).filter(\.$workerID == person.worker_id).first() == nil else { continue }
            let claim = try await paidDeath(person.id, name: person.name, female: person.sex == Sex.female.rawValue, eventDay: eventDay,
                                            number: i + 1, children: i % 3 == 0, close: i < 8, people: people, on: db)
            count += 1
            paid += claim.paidAmount ?? 0
        }
        return (count, paid)
    }

    /// A death from report to BPJS's payment, each step a few days after the last.
    static func paidDeath(_ proposalID: UUID, name: String, female: Bool, eventDay: CalendarDate, number: Int, children: Bool, close: Bool,
                          people: People, on db: any Database) async throws -> ClaimCaseModel {
        let reported = day(eventDay, plus: 3)
        let claim = try await service(db, on: reported).report(
            ClaimReportInput(proposalID: proposalID, kind: ClaimKind.death.rawValue, eventDate: eventDay.iso,
                             place: places[number % places.count], account: "Meninggal dunia karena sakit; dilaporkan keluarga lewat Ketua RT."),
            actor: people.op, by: people.opAudit)
        let id = claim.id!
        let assembled = day(eventDay, plus: 9)
        let spouse = try await service(db, on: assembled).addHeir(id, ClaimHeirInput(
            name: "Ahli waris \(name)", relation: spouse(female).rawValue, priority: 1, sharePercent: 100, bank: "Bank Jateng",
            account: String(format: "2-0%02d-%06d-0", number, 500_000 + number), accountHolder: "Ahli waris \(name)"), actor: people.op, by: people.opAudit)
        if children {
            _ = try await service(db, on: assembled).addHeir(id, ClaimHeirInput(
                name: "Anak \(name)", relation: HeirRelation.child.rawValue, priority: 2, sharePercent: 0,
                birthDate: day(eventDay, plus: -9 * 365).iso, schoolLevel: SchoolLevel.tkSD.rawValue, yearInLevel: 3), actor: people.op, by: people.opAudit)
        }
        for kind in ClaimDocuments.required(for: .death, trafficAccident: false) {
            _ = try await service(db, on: assembled).attach(document(kind, of: name), kind: kind.rawValue, name: fileName(kind), heirID: nil,
                                                          schoolYear: nil, to: id, actor: people.op, by: people.opAudit)
        }
        try await step(id, .completeDocuments, on: day(eventDay, plus: 10), people.op, people.opAudit, db)
        try await step(id, .verify, on: day(eventDay, plus: 12), people.op, people.opAudit, db)
        try await step(id, .submit, on: day(eventDay, plus: 13), people.op, people.opAudit, db)
        let year = eventDay.year
        try await step(id, .approve, on: day(eventDay, plus: 24), people.bpjs, people.bpjsAudit, db,
                       ClaimStepInput(action: ClaimAction.approve.rawValue, bpjsClaimNumber: String(format: "JKM/PKL/%d/%04d", year, number)))
        let payDay = day(eventDay, plus: 31)
        try await step(id, .pay, on: payDay, people.bpjs, people.bpjsAudit, db,
                       ClaimStepInput(action: ClaimAction.pay.rawValue, paidOn: payDay.iso, amount: 42_000_000, heirID: spouse.id))
        if close { try await step(id, .close, on: day(eventDay, plus: 38), people.op, people.opAudit, db) }
        return try await ClaimCaseModel.find(id, on: db)!
    }

    /// The surviving spouse of the deceased: a woman's husband, a man's wife.
    static func spouse(_ deceasedFemale: Bool) -> HeirRelation { deceasedFemale ? .husband : .wife }

    static func step(_ id: UUID, _ action: ClaimAction, on day: CalendarDate, _ actor: Actor, _ audit: AuditActor, _ db: any Database,
                     _ input: ClaimStepInput? = nil) async throws {
        _ = try await service(db, on: day, hour: 10).transition(id, input ?? ClaimStepInput(action: action.rawValue), actor: actor, by: audit)
    }

    /// One line on the demo's claims, read back from the cases themselves.
    static func summary(on db: any Database) async throws -> String? {
        let all = try await ClaimCaseModel.query(on: db).all()
        guard !all.isEmpty else { return nil }
        let story = all.filter { $0.kind == ClaimKind.death.rawValue && ("2023-01-01"..."2024-06-30").contains($0.eventDate) && $0.paidAmount != nil }
        let uncovered = all.filter { !$0.covered }.count
        return "Demo claims: \(story.count) paid deaths of Batik Berlian between January 2023 and June 2024 "
            + "(\(Rupiah(story.reduce(0) { $0 + ($1.paidAmount ?? 0) }).formatted)), \(uncovered) uncovered "
            + "(the death of a lapsed participant), \(all.count) cases in all, at every step."
    }

    /// The running program's cases, after its bills. Returns how many, and whether an uncovered one was found.
    static func seedCurrent(on db: any Database, today: CalendarDate) async throws -> (cases: Int, uncovered: Bool) {
        guard let people = try await people(on: db),
              try await ClaimCaseModel.query(on: db).filter(\.$reportedOn >= today.yearMonth.advanced(by: -3).firstDay.iso).first() == nil
        else { return (0, false) }
        var made = 0
        // The death of a lapsed participant: the newest program with someone lapsed, on the last day before today.
        var uncovered = false
        var lapsedID: UUID?
        let programs = try await ProgramModel.query(on: db).filter(\.$regencyCode == "33.75").sort(\.$startMonth, .descending).all()
        for program in programs {
            guard let end = YearMonth(iso: program.endMonth)?.lastDay else { continue }
            let day = min(Self.day(today, plus: -1), end)
            let standing = try await BillingStandingQueries(db: db).standing(program, asOf: day, withNames: true)
            guard let person = standing.lapsedPeople.first else { continue }
            let claim = try await service(db, on: today).report(
                ClaimReportInput(proposalID: person.proposalID, kind: ClaimKind.death.rawValue, eventDate: day.iso, place: "Rumah",
                                 account: "Meninggal dunia di rumah. Iuran dari donatur berhenti sesudah Juli."),
                actor: people.op, by: people.opAudit)
            uncovered = !claim.covered
            lapsedID = person.proposalID
            made += 1
            break
        }
        // Covered participants of the running program, each with one case.
        guard let current = programs.first(where: { $0.takesNewParticipants(today: today) }) ?? programs.first else { return (made, uncovered) }
        struct Row: Decodable { let id: UUID; let name: String; let sex: String; let bpjs_start_date: String }
        let participants = try await db.sql.raw("""
            SELECT p.id, w.name, w.sex, p.bpjs_start_date FROM proposals p JOIN workers w ON w.id = p.worker_id
            WHERE p.program_id = \(bind: current.id!) AND p.status IN ('registered', 'active') AND p.bpjs_start_date IS NOT NULL
              AND p.bpjs_start_date <= \(bind: day(today, plus: -45).iso)
            ORDER BY p.bpjs_start_date, w.nik
            """).all(decoding: Row.self).filter { $0.id != lapsedID }
        var queue = participants.makeIterator()
        func next() -> Row? { queue.next() }
        func report(_ row: Row, _ kind: ClaimKind, daysAgo: Int, traffic: Bool = false, account: String) async throws -> UUID {
            let reported = day(today, plus: -daysAgo)
            let claim = try await service(db, on: reported).report(
                ClaimReportInput(proposalID: row.id, kind: kind.rawValue, eventDate: day(reported, plus: -2).iso,
                                 place: places[made % places.count], account: account, trafficAccident: traffic),
                actor: people.op, by: people.opAudit)
            made += 1
            return claim.id!
        }
        func documents(_ id: UUID, _ kind: ClaimKind, traffic: Bool = false, name: String, on day: CalendarDate) async throws {
            for doc in ClaimDocuments.required(for: kind, trafficAccident: traffic) {
                _ = try await service(db, on: day).attach(document(doc, of: name), kind: doc.rawValue, name: fileName(doc), heirID: nil,
                                                        schoolYear: nil, to: id, actor: people.op, by: people.opAudit)
            }
        }
        // Reported two days ago, a traffic accident on the way to the market: documents to bring.
        if let row = next() {
            _ = try await report(row, .workAccident, daysAgo: 2, traffic: true, account: "Tertabrak sepeda motor saat mengantar kain batik ke pasar.")
        }
        // Documents complete 18 days ago and not verified since: stuck.
        if let row = next() {
            let id = try await report(row, .occupationalDisease, daysAgo: 20, account: "Sesak napas karena uap pewarna batik; dirawat di RSUD Bendan.")
            try await documents(id, .occupationalDisease, name: row.name, on: day(today, plus: -19))
            try await step(id, .completeDocuments, on: day(today, plus: -18), people.op, people.opAudit, db)
        }
        // Verified by the agency last week.
        if let row = next() {
            let id = try await report(row, .workAccident, daysAgo: 9, account: "Jari terluka terjepit mesin cap batik.")
            try await documents(id, .workAccident, name: row.name, on: day(today, plus: -8))
            try await step(id, .completeDocuments, on: day(today, plus: -7), people.op, people.opAudit, db)
            try await step(id, .verify, on: day(today, plus: -6), people.op, people.opAudit, db)
        }
        // Submitted to BPJS, 26 days after the first report: its 30-day decision is near.
        if let row = next() {
            let id = try await report(row, .workAccident, daysAgo: 26, account: "Jatuh dari tangga saat menjemur kain batik; kaki patah.")
            try await documents(id, .workAccident, name: row.name, on: day(today, plus: -24))
            try await step(id, .completeDocuments, on: day(today, plus: -23), people.op, people.opAudit, db)
            try await step(id, .verify, on: day(today, plus: -22), people.op, people.opAudit, db)
            try await step(id, .submit, on: day(today, plus: -21), people.op, people.opAudit, db)
        }
        // A death from work, approved by BPJS: 48 x the income basis.
        if let row = next() {
            let id = try await report(row, .workDeath, daysAgo: 40, account: "Tertimpa bangunan gudang saat bekerja sebagai kuli angkut.")
            _ = try await service(db, on: day(today, plus: -35)).addHeir(id, ClaimHeirInput(
                name: "Ahli waris \(row.name)", relation: spouse(row.sex == Sex.female.rawValue).rawValue, sharePercent: 100, bank: "BRI", account: "0123-01-000777-50-2",
                accountHolder: "Ahli waris \(row.name)"), actor: people.op, by: people.opAudit)
            try await documents(id, .workDeath, name: row.name, on: day(today, plus: -35))
            try await step(id, .completeDocuments, on: day(today, plus: -34), people.op, people.opAudit, db)
            try await step(id, .verify, on: day(today, plus: -33), people.op, people.opAudit, db)
            try await step(id, .submit, on: day(today, plus: -32), people.op, people.opAudit, db)
            try await step(id, .approve, on: day(today, plus: -5), people.bpjs, people.bpjsAudit, db,
                           ClaimStepInput(action: ClaimAction.approve.rawValue, bpjsClaimNumber: "JKK/PKL/\(today.year)/0031"))
        }
        // Refused by BPJS, then reported again as a new case linked to the refused one.
        if let row = next() {
            let id = try await report(row, .workAccident, daysAgo: 60, account: "Terkilir saat bermain bola sepulang kerja.")
            try await documents(id, .workAccident, name: row.name, on: day(today, plus: -58))
            try await step(id, .completeDocuments, on: day(today, plus: -57), people.op, people.opAudit, db)
            try await step(id, .verify, on: day(today, plus: -56), people.op, people.opAudit, db)
            try await step(id, .submit, on: day(today, plus: -55), people.op, people.opAudit, db)
            try await step(id, .reject, on: day(today, plus: -30), people.bpjs, people.bpjsAudit, db,
                           ClaimStepInput(action: ClaimAction.reject.rawValue, bpjsClaimNumber: "JKK/PKL/\(today.year)/0019",
                                          reason: "Kejadian di luar hubungan kerja (sepulang kerja, bukan di perjalanan kerja)."))
            _ = try await service(db, on: day(today, plus: -12)).report(
                ClaimReportInput(proposalID: row.id, kind: ClaimKind.workAccident.rawValue, eventDate: day(today, plus: -62).iso,
                                 place: "Jalan pulang dari pasar", account: "Diajukan ulang: terkilir di perjalanan pulang kerja, dengan surat keterangan pemberi kerja.",
                                 previousCaseID: id),
                actor: people.op, by: people.opAudit)
            made += 1
        }
        // A member since 2022 who died this year: paid, with two children's scholarships, one year's proof in and paid.
        if let row = next() {
            let eventDay = day(today, plus: -70)
            let claim = try await paidDeath(row.id, name: row.name, female: row.sex == Sex.female.rawValue, eventDay: eventDay, number: 41, children: false, close: false, people: people, on: db)
            let id = claim.id!
            let first = try await service(db, on: day(eventDay, plus: 9)).addHeir(id, ClaimHeirInput(
                name: "Putri \(row.name)", relation: HeirRelation.child.rawValue, priority: 2, sharePercent: 0,
                birthDate: day(eventDay, plus: -13 * 365).iso, schoolLevel: SchoolLevel.smp.rawValue, yearInLevel: 2), actor: people.op, by: people.opAudit)
            _ = try await service(db, on: day(eventDay, plus: 9)).addHeir(id, ClaimHeirInput(
                name: "Putra \(row.name)", relation: HeirRelation.child.rawValue, priority: 3, sharePercent: 0,
                birthDate: day(eventDay, plus: -5 * 365).iso), actor: people.op, by: people.opAudit)
            let schoolYear = ScholarshipSchedule.schoolYear(of: day(today, plus: -5))
            _ = try await service(db, on: day(today, plus: -5)).attach(document(.enrolment, of: "Putri \(row.name)"), kind: ClaimDocumentKind.enrolment.rawValue,
                                                                     name: "surat-aktif-sekolah.pdf", heirID: first.id, schoolYear: schoolYear, to: id,
                                                                     actor: people.op, by: people.opAudit)
            if let owed = try await ClaimQueries(db: db, today: day(today, plus: -3)).scholarships(claim).first?.years
                .first(where: { $0.year.schoolYear == schoolYear && $0.state == .due }) {
                _ = try await service(db, on: day(today, plus: -3)).recordPayment(id, ClaimExtraPaymentInput(
                    kind: "scholarship", paidOn: day(today, plus: -3).iso, amount: owed.year.amount.amount, heirID: first.id, schoolYear: schoolYear),
                    actor: people.bpjs, by: people.bpjsAudit)
            }
            made += 1
        }
        return (made, uncovered)
    }
}
