import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("BPJS deactivation batch: ended participations with a KPJ, for BPJS to stop invoicing them")
struct BPJSDeactivationBatchTests {
    /// A 2026 program in Medono: Peserta 1 registered then dead on 15 August,
    /// Peserta 2 registered then moved away on 10 March, Peserta 3 still
    /// registered, Peserta 4 approved, never registered, withdrawn.
    static func seed(_ app: Application) async throws -> (program: ProgramModel, ids: [UUID], op: Actor) {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(code: "pkl-2026", start: "2026-01", end: "2026-12")
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let (opUser, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        let op = try #require(try await AccessQueries(db: app.db).authenticated(userID: opUser.id!, method: .token)).actor
        var ids: [UUID] = []
        for serial in 1...4 {
            ids.append(try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), name: "Peserta \(serial)"),
                                                           actor: rt, by: .cli("t")).0.id!)
        }
        try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
        func act(_ id: UUID, _ input: TransitionInput) async throws {
            _ = try await app.testProposals.transition(id, input, actor: op, by: .cli("t"))
        }
        for id in ids { try await act(id, .init(action: "approve")) }
        for (i, id) in ids.prefix(3).enumerated() {
            try await act(id, .init(action: "register", kpj: "3375000000\(i + 1)", startDate: "2026-02-01"))
        }
        try await act(ids[0], .init(action: "end", reason: "death", endDate: "2026-08-15"))
        try await act(ids[1], .init(action: "end", reason: "moved", endDate: "2026-03-10"))
        try await act(ids[3], .init(action: "end", reason: "withdrawn", endDate: "2026-05-01"))
        return (program, ids, op)
    }

    static func csv(_ app: Application, _ program: ProgramModel, layout: BPJSDeactivationLayout = .standard,
                    since: CalendarDate? = nil) async throws -> (count: Int, rows: [[String]]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deactivation-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let count = try await BPJSDeactivationExport(db: app.db).write(program: program, layout: layout, since: since, format: .csv, to: url)
        return (count, CSVReader(data: try Data(contentsOf: url)).map(\.fields))
    }

    @Test("the dead and the moved-away registered participants, with KPJ, end day, last month and reason; not the registered nor the never-registered",
          arguments: TestDatabase.available)
    func endedRegisteredOnly(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, ids, _) = try await Self.seed(app)
            let (count, rows) = try await Self.csv(app, program)
            #expect(count == 2 && rows.count == 3)
            #expect(rows[0] == ["ID_USULAN", "KPJ", "NIK", "NAMA", "TANGGAL_LAHIR", "KODE_KELURAHAN", "KELURAHAN", "KECAMATAN",
                                "TANGGAL_BERHENTI", "BULAN_TERAKHIR", "ALASAN", "KODE_ALASAN", "SEGMEN"])
            func cell(_ row: [String], _ header: String) -> String { row[rows[0].firstIndex(of: header)!] }
            let dead = rows[1]
            #expect(cell(dead, "ID_USULAN") == ids[0].uuidString && cell(dead, "KPJ") == "33750000001" && cell(dead, "NIK") == testNIK(serial: 1))
            #expect(cell(dead, "NAMA") == "PESERTA 1" && cell(dead, "KODE_KELURAHAN") == "33.75.01.1002" && !cell(dead, "KELURAHAN").isEmpty)
            #expect(cell(dead, "TANGGAL_BERHENTI") == "2026-08-15" && cell(dead, "BULAN_TERAKHIR") == "2026-08")
            #expect(cell(dead, "ALASAN") == "Meninggal dunia" && cell(dead, "KODE_ALASAN") == "death" && cell(dead, "SEGMEN") == "SG")
            let moved = rows[2]
            #expect(cell(moved, "KPJ") == "33750000002" && cell(moved, "TANGGAL_BERHENTI") == "2026-03-10" && cell(moved, "BULAN_TERAKHIR") == "2026-03")
            #expect(cell(moved, "ALASAN") == "Pindah domisili")
            #expect(!rows.contains { $0.contains("33750000003") } && !rows.contains { $0.contains(testNIK(serial: 4)) })
        }
    }

    @Test("since keeps those ended on or after the day", arguments: TestDatabase.available)
    func since(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _, _) = try await Self.seed(app)
            #expect(try await Self.csv(app, program, since: CalendarDate(iso: "2026-03-10")).count == 2)
            let later = try await Self.csv(app, program, since: CalendarDate(iso: "2026-03-11"))
            #expect(later.count == 1 && later.rows[1][1] == "33750000001")
            #expect(try await Self.csv(app, program, since: CalendarDate(iso: "2026-08-16")).count == 0)
            #expect(try BPJSDeactivationExport.since(nil) == nil)
            #expect(try BPJSDeactivationExport.since("2026-03-01") == CalendarDate(iso: "2026-03-01"))
            for bad in ["2026-13-01", "1/3/2026", "2026-02-30", "x"] {
                #expect(throws: AppError.self) { try BPJSDeactivationExport.since(bad) }
            }
        }
    }

    @Test("a layout file reorders and renames columns; a wrong one is refused with the field list; the registration layout loads the same way",
          arguments: TestDatabase.available)
    func customLayout(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _, _) = try await Self.seed(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(#"{"columns":[{"header":"TGL_NONAKTIF","field":"ended_on"},{"header":"NO_KPJ","field":"kpj"},{"header":"SEBAB","field":"reason_code"},{"header":"SEBAB_KATA","field":"reason"}]}"#.utf8)
                .write(to: URL(fileURLWithPath: path))
            let (_, rows) = try await Self.csv(app, program, layout: try BPJSDeactivationLayout.load(path: path))
            #expect(rows == [["TGL_NONAKTIF", "NO_KPJ", "SEBAB", "SEBAB_KATA"], ["2026-08-15", "33750000001", "death", "Meninggal dunia"],
                             ["2026-03-10", "33750000002", "moved", "Pindah domisili"]])
            try Data(#"{"columns":[{"header":"X","field":"start_month"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try BPJSDeactivationLayout.load(path: path)
                Issue.record("a layout naming a registration field was accepted")
            } catch let error as TabularFileError {
                #expect(error.code == "layout_invalid" && error.message.contains("last_month"))
            }
            #expect(try BPJSBatchLayout.load(path: path).columns.map(\.header) == ["X"])
            #expect(try BPJSDeactivationLayout.load(path: nil).columns.map(\.header).prefix(3) == ["ID_USULAN", "KPJ", "NIK"])
        }
    }

    @Test("the XLSX opens with XLSXReader: NIK and KPJ as text, the end day as a date", arguments: TestDatabase.available)
    func xlsx(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _, _) = try await Self.seed(app)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("deactivation-\(UUID()).xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(try await BPJSDeactivationExport(db: app.db).write(program: program, layout: .standard, format: .xlsx, to: url) == 2)
            let rows = try XLSXReader.rows(of: try Data(contentsOf: url), sheet: nil)
            #expect(rows.count == 3 && rows[0].cells.first == "ID_USULAN")
            #expect(rows[1].cells[1] == "33750000001" && rows[1].cells[2] == testNIK(serial: 1) && !rows[1].numeric.contains(1) && !rows[1].numeric.contains(2))
            #expect(rows[1].cells[8] == "2026-08-15" && rows[1].cells[9] == "2026-08" && rows[1].cells[10] == "Meninggal dunia")
        }
    }

    @Test("a participation carried over into the next program keeps its KPJ running and is not deactivated", arguments: TestDatabase.available)
    func carriedOver(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, ids, op) = try await Self.seed(app)
            _ = try await app.testProposals.transition(ids[2], .init(action: "activate"), actor: op, by: .cli("t"))
            let (next, carried) = try await ProgramService(db: app.db, now: app.clock.now()).continueProgram(
                from: program.id!, as: ProgramInput(code: "pkl-2027", regency: "33.75", name: "Batik Berlian 2027", startMonth: "2027-01",
                                                    endMonth: "2027-12", quota: 10, occupations: ["batik_labourer"]),
                actor: nil, by: .cli("t"))
            #expect(carried == 1 && next.id != nil)
            #expect(try await ProposalModel.find(ids[2], on: app.db)?.status == "ended")
            let (count, rows) = try await Self.csv(app, program)
            #expect(count == 2 && !rows.contains { $0.contains("33750000003") })
        }
    }

    @Test("when it stopped: the day recorded, else the end event's day, else the program's last day; a program's end covers its last month")
    func stopRule() {
        let december = YearMonth(iso: "2026-12")!
        let day = CalendarDate(iso: "2026-08-15")!, event = CalendarDate(iso: "2026-09-02")!
        #expect(BPJSDeactivationExport.stop(reason: .death, endedOn: day, eventDay: event, programEnd: december) == (day, day.yearMonth))
        #expect(BPJSDeactivationExport.stop(reason: .moved, endedOn: nil, eventDay: event, programEnd: december) == (event, event.yearMonth))
        #expect(BPJSDeactivationExport.stop(reason: .programEnd, endedOn: nil, eventDay: nil, programEnd: december)
            == (CalendarDate(iso: "2026-12-31")!, december))
        #expect(BPJSDeactivationExport.stop(reason: .programEnd, endedOn: day, eventDay: nil, programEnd: december) == (day, december))
    }

    @Test("web and API: the operator and the BPJS officer download it (audited), a bad since is 422, another Pemda 404, other roles 403",
          arguments: TestDatabase.available)
    func access(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, _, _) = try await Self.seed(app)
            let (_, opToken) = try await app.makeUser("op2.pekalongan", .operator, "33.75")
            let (_, bpjsToken) = try await app.makeUser("bpjs.pekalongan", .bpjs, "33.75")
            let (_, jambiToken) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, kadisToken) = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            let api = "/api/v1/programs/\(program.id!)/bpjs-deactivation-batch"
            for token in [opToken, bpjsToken] {
                try await app.testing().test(.GET, api + "?format=csv&since=2026-03-11", headers: .bearer(token)) { res in
                    #expect(res.status == .ok)
                    #expect(res.headers.contentType?.subType == "csv")
                    let rows = Array(CSVReader(data: Data(buffer: res.body)))
                    #expect(rows.count == 2 && rows[1].fields[1] == "33750000001", "\(rows.map(\.fields))")
                }
            }
            try await app.testing().test(.GET, api, headers: .bearer(opToken)) { res throws in
                #expect(res.status == .ok && res.headers.contentDisposition?.filename == "penonaktifan-bpjs-pkl-2026.xlsx")
                #expect(try XLSXReader.rows(of: Data(buffer: res.body), sheet: nil).count == 3)
            }
            for bad in ["2026-13-01", "kemarin", "2026-3-1"] {
                try await app.testing().test(.GET, api + "?since=\(bad)", headers: .bearer(opToken)) { res throws in
                    #expect(res.status == .unprocessableEntity)
                    let body = try res.content.decode(APIErrorBody.self)
                    #expect(body.error.code == "since_invalid" && body.error.message.contains("tulis seperti"))
                }
            }
            try await app.testing().test(.GET, api + "?format=csv", headers: .bearer(jambiToken)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, api + "?since=x", headers: .bearer(jambiToken)) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, api, headers: .bearer(kadisToken)) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                #expect(res.body.string.contains("exportBPJSDeactivationBatch") && res.body.string.contains("/bpjs-deactivation-batch"))
            }

            let web = "/program/\(program.id!)/nonaktif-bpjs"
            let op = try await BrowserSession.login(app, "op2.pekalongan")
            try await app.testing().test(.GET, "/program/\(program.id!)", headers: op.headers) { res in
                #expect(res.body.string.contains("href=\"\(web)?format=xlsx\""))
            }
            try await app.testing().test(.GET, web + "?format=csv", headers: op.headers) { res in
                #expect(res.status == .ok && Array(CSVReader(data: Data(buffer: res.body))).count == 3)
            }
            let jambi = try await BrowserSession.login(app, "op.jambi")
            try await app.testing().test(.GET, web + "?format=csv", headers: jambi.headers) { res in #expect(res.status == .notFound) }
            let kelurahan = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, web, headers: kelurahan.headers) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.GET, "/program/\(program.id!)", headers: kelurahan.headers) { res in
                #expect(!res.body.string.contains("nonaktif-bpjs"))
            }

            struct Audit: Decodable { let action: String; let note: String? }
            let audits = try await app.db.sql.select().column("action").column("note").from("audit_events")
                .where("action", .equal, "bpjs.export_deactivation").all(decoding: Audit.self)
            #expect(audits.count == 4, "\(audits)")
            #expect(audits.contains { $0.note == "1 participants ended since 2026-03-11, csv" })
        }
    }
}
