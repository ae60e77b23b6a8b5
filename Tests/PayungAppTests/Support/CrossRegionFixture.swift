import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

/// Kota Pekalongan's records, and the people who must never read or change
/// them: every role of Kota Jambi, and a Pekalongan verifier of another
/// village (Podosugih) than the records' (Medono).
struct CrossRegionFixture {
    /// Someone calling the app from outside the records' scope.
    struct Intruder {
        let label: String
        let role: Role?
        let username: String?
        /// The Pemda the intruder works for.
        let pemda: String?
        let userID: UUID?
        let token: String?
        var browser: BrowserSession?
        var signedIn: Bool { token != nil }
    }

    let program: ProgramModel
    let jambiProgram: ProgramModel
    /// Submitted (with a KTP photo), verified by the kecamatan (imported),
    /// approved, returned to the RT head, registered at BPJS.
    let proposalIDs: [UUID]
    /// The actions that would move each proposal on, by id.
    let nextActions: [UUID: [String]]
    let workerIDs: [UUID]
    let documentID: UUID
    let documentBytes: [UInt8]
    let importRunID: UUID
    /// A web import's dry run, kept in memory by the app, not yet applied.
    let jobID: UUID
    let users: [Role: UserModel]
    let tokens: [Role: String]
    let tokenIDs: [UUID]
    let grantIDs: [UUID]
    let verifierElsewhere: UserModel
    /// A work accident of Agus Salim, its heir (his account) and a document.
    let claimIDs: [UUID]
    let claimHeirID: UUID
    let claimDocumentID: UUID
    static let claimDocumentBytes = Array("%PDF-1.4\nKARTU PESERTA PKL-57 RAHASIA\n%%EOF\n".utf8)
    var intruders: [Intruder]

    static let pekalonganNIKs = [testNIK(serial: 41), testNIK(serial: 52), testNIK(serial: 55), testNIK(serial: 56), testNIK(serial: 57),
                                 testNIK(serial: 53), testNIK(serial: 54)]
    /// What identifies a Pekalongan person: none of it may reach an intruder.
    static let personalData = ["Siti Aminah", "Bambang Heru", "Dewi Lestari", "Rudi Hartono", "Sri Wahyuni", "Agus Salim",
                               "Rina Wati", "Tono Sugiarto",
                               "Joko Susilo", "081234567890", "Jl. Sirsak"]
    static let usernames: [Role: String] = [
        .rt: "medono.rt", .kelurahan: "medono.kel", .kecamatan: "barat.kec", .operator: "pkl.operator",
        .kepalaDinas: "pkl.kepala", .bpjs: "pkl.bpjs", .sponsor: "pkl.sponsor", .admin: "pkl.admin", .auditor: "pkl.auditor",
    ]

    static func region(of role: Role, regency: String, district: String, village: String) -> String {
        switch role {
        case .rt, .kelurahan: village
        case .kecamatan: district
        default: regency
        }
    }

    static func make(_ app: Application) async throws -> CrossRegionFixture {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(code: "pkl-2027", regency: "33.75")
        let jambiProgram = try await app.makeProgram(code: "jmb-2027", regency: "15.71")
        var users: [Role: UserModel] = [:], tokens: [Role: String] = [:]
        for role in Role.allCases {
            let region = region(of: role, regency: "33.75", district: "33.75.01", village: "33.75.01.1002")
            let made = try await app.makeUser(usernames[role]!, role, region, rt: role == .rt ? "003" : nil, rw: role == .rt ? "005" : nil)
            users[role] = made.user
            tokens[role] = made.token
        }
        // People proposed by Medono's RT head, at each step of the workflow.
        let rt = users[.rt]!
        let actor = Actor(userID: rt.id!.uuidString, username: rt.username,
                          grants: [try RoleGrant(role: .rt, region: RegionCode("33.75.01.1002")!, rt: "003", rw: "005")])
        var proposals: [ProposalModel] = []
        for (serial, name, status) in [(41, "Siti Aminah", "submitted"), (55, "Rudi Hartono", "approved"), (56, "Sri Wahyuni", "returned"),
                                       (57, "Agus Salim", "registered")] {
            var input = proposalInput(program: program, nik: testNIK(serial: serial), name: name)
            input.phone = serial == 41 ? "081234567890" : nil
            input.street = "Jl. Sirsak Gg. 3 No. \(serial)"
            input.welfareDecile = 2
            input.heirs = [HeirInput(name: "Bambang Heru", relation: "suami", phone: "081234567890")]
            let (proposal, _) = try await app.testProposals.propose(input, actor: actor, by: .cli("test"))
            if status != "submitted" {
                try await app.db.sql.raw("UPDATE proposals SET status = \(bind: status) WHERE id = \(bind: proposal.id!)").run()
            }
            if status == "registered" {
                try await app.db.sql.raw("UPDATE proposals SET kpj = '33750000057', bpjs_start_date = '2027-01-01' WHERE id = \(bind: proposal.id!)").run()
            }
            proposals.append(proposal)
        }
        let documentBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x50, 0x4B, 0x4C, 0x41, 0x37, 0x35]
        let doc = WorkerDocumentModel()
        doc.id = UUID()
        doc.workerID = proposals[0].workerID
        doc.kind = "ktp"
        doc.contentType = "image/png"
        doc.data = Data(documentBytes)
        doc.uploadedAt = app.clock.now()
        doc.uploadedBy = rt.username
        try await doc.create(on: app.db)

        // An applied import run (the operator's roster through the API) ...
        let roster = "NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris\n\(testNIK(serial: 52));Dewi Lestari;batik_labourer;33.75.01.1002;3;5;Joko Susilo\n"
        try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports?fileName=pkl-dtks.csv",
                                     headers: .bearer(tokens[.operator]!), beforeRequest: { req in
            req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            req.body = ByteBuffer(string: roster)
        }) { res in #expect(res.status == .ok, "fixture import: \(res.body.string)") }
        let run = try #require(try await ImportRunModel.query(on: app.db).filter(\.$programID == program.id!).first())
        let imported = try #require(try await ProposalModel.query(on: app.db).filter(\.$importRunID == run.id!).first())
        try await app.db.sql.raw("UPDATE proposals SET status = 'verified_kecamatan' WHERE id = \(bind: imported.id!)").run()
        proposals.insert(imported, at: 1)

        // ... and a web import's dry run, whose report lists the rows as they were.
        let jobID = try await dryRunJob(app, program: program, browser: try await BrowserSession.login(app, usernames[.operator]!))

        // A claim case: Agus Salim's work accident, reported by the operator, with an heir and a document.
        var claimID = UUID(), heirID = UUID(), claimDocumentID = UUID()
        try await app.testing().test(.POST, "/api/v1/claims", headers: .bearer(tokens[.operator]!), beforeRequest: { req in
            req.headers.contentType = .json
            req.body = ByteBuffer(string: #"{"proposalID": "\#(proposals[4].id!)", "kind": "work_accident", "eventDate": "2026-11-19", "place": "Pasar Banjarsari", "account": "Tertimpa karung batik"}"#)
        }) { res in
            #expect(res.status == .created, "fixture claim: \(res.body.string.prefix(300))")
            claimID = try res.content.decode(ClaimDetailDTO.self).summary.id
        }
        try await app.testing().test(.POST, "/api/v1/claims/\(claimID)/heirs", headers: .bearer(tokens[.operator]!), beforeRequest: { req in
            req.headers.contentType = .json
            req.body = ByteBuffer(string: #"{"name": "Bambang Heru", "relation": "suami", "bank": "BRI", "account": "0123000157"}"#)
        }) { res in
            #expect(res.status == .created, "fixture heir: \(res.body.string.prefix(300))")
            heirID = try res.content.decode(ClaimDetailDTO.self).heirs[0].id
        }
        try await app.testing().test(.PUT, "/api/v1/claims/\(claimID)/documents/membership_card", headers: .bearer(tokens[.operator]!), beforeRequest: { req in
            req.body = ByteBuffer(bytes: claimDocumentBytes)
        }) { res in
            #expect(res.status == .created, "fixture claim document: \(res.body.string.prefix(300))")
            claimDocumentID = try res.content.decode(ClaimDetailDTO.self).documents.flatMap(\.files)[0].id
        }

        let userIDs = users.values.map { $0.id! }
        let tokenIDs = try await APITokenModel.query(on: app.db).filter(\.$user.$id ~~ userIDs).all().map { $0.id! }
        let grantIDs = try await RoleGrantModel.query(on: app.db).filter(\.$user.$id ~~ userIDs).all().map { $0.id! }

        // The intruders: every Jambi role, Podosugih's verifier, and no one at all.
        var intruders: [Intruder] = []
        for role in Role.allCases {
            let region = region(of: role, regency: "15.71", district: "15.71.01", village: "15.71.01.1001")
            let made = try await app.makeUser("jambi.\(role.rawValue)", role, region, rt: role == .rt ? "001" : nil, rw: role == .rt ? "002" : nil)
            intruders.append(Intruder(label: "Jambi \(role.rawValue)", role: role, username: made.user.username, pemda: "15.71", userID: made.user.id, token: made.token,
                                      browser: try await BrowserSession.login(app, made.user.username)))
        }
        let elsewhere = try await app.makeUser("podosugih.kel", .kelurahan, "33.75.01.1003")
        intruders.append(Intruder(label: "Podosugih kelurahan", role: .kelurahan, username: "podosugih.kel", pemda: "33.75", userID: elsewhere.user.id, token: elsewhere.token,
                                  browser: try await BrowserSession.login(app, "podosugih.kel")))
        intruders.append(Intruder(label: "anonymous", role: nil, username: nil, pemda: nil, userID: nil, token: nil, browser: BrowserSession()))

        return CrossRegionFixture(
            program: program, jambiProgram: jambiProgram, proposalIDs: proposals.map { $0.id! },
            nextActions: Dictionary(uniqueKeysWithValues: zip(proposals.map { $0.id! }, [["verify", "return", "reject"], ["approve", "return", "reject"],
                                                                                        ["register", "reject"], ["submit", "reject"], ["activate", "end"]])),
            workerIDs: proposals.map(\.workerID),
            documentID: doc.id!, documentBytes: documentBytes, importRunID: run.id!, jobID: jobID, users: users, tokens: tokens,
            tokenIDs: tokenIDs, grantIDs: grantIDs, verifierElsewhere: elsewhere.user, claimIDs: [claimID], claimHeirID: heirID,
            claimDocumentID: claimDocumentID, intruders: intruders)
    }

    /// Uploads a roster as a dry run from the import page and waits for it to finish; returns the job's id.
    private static func dryRunJob(_ app: Application, program: ProgramModel, browser: BrowserSession) async throws -> UUID {
        let roster = """
            NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris
            \(testNIK(serial: 53));Rina Wati;batik_labourer;33.75.01.1002;3;5;Joko Susilo
            \(testNIK(serial: 54));Tono Sugiarto;pesulap;33.75.01.1002;3;5;Joko Susilo

            """
        var headers = browser.headers
        headers.add(name: .contentType, value: "multipart/form-data; boundary=\(CrossRegionRequests.boundary)")
        var location = ""
        let body = CrossRegionRequests.multipart(
            [("_csrf", browser.csrf), ("kind", "proposals"), ("programID", program.id!.uuidString), ("dryRun", "1")],
            file: Data(roster.utf8), fileName: "pkl-usulan.csv")
        try await app.testing().test(.POST, "/impor", headers: headers, body: body) { res in
            #expect(res.status == .seeOther, "fixture web import: \(res.status) \(res.body.string)")
            location = res.headers.first(name: .location) ?? ""
        }
        let jobID = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")), "no job in \(location)")
        for _ in 0..<200 {
            if let model = try await JobModel.find(jobID, on: app.db), let job = try? ImportJob(model, live: nil), job.isFinished {
                #expect(job.state == .done && job.result?.rejections.isEmpty == false, "the dry run should finish with a rejected row")
                return jobID
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the fixture's dry run did not finish")
        return jobID
    }
}

/// Pekalongan's rows, read back with SQL so any column a migration adds is compared too.
struct PekalonganSnapshot: Equatable {
    var tables: [String: [String]]

    static func take(_ app: Application, _ fixture: CrossRegionFixture) async throws -> PekalonganSnapshot {
        let workers = "SELECT id FROM workers WHERE pemda_code = '33.75'"
        let programs = "SELECT id FROM programs WHERE regency_code = '33.75'"
        let proposals = "SELECT id FROM proposals WHERE program_id IN (\(programs)) OR worker_id IN (\(workers)) OR village_code LIKE '33.75.%'"
        let staff = "SELECT user_id FROM role_grants WHERE region_code LIKE '33.75%'"
        let queries: [(String, SQLQueryString)] = [
            ("workers", "SELECT * FROM workers WHERE id IN (\(unsafeRaw: workers))"),
            ("heirs", "SELECT * FROM heirs WHERE worker_id IN (\(unsafeRaw: workers))"),
            ("worker_children", "SELECT * FROM worker_children WHERE worker_id IN (\(unsafeRaw: workers))"),
            ("worker_documents", "SELECT * FROM worker_documents WHERE worker_id IN (\(unsafeRaw: workers))"),
            ("programs", "SELECT * FROM programs WHERE id IN (\(unsafeRaw: programs))"),
            ("program_occupations", "SELECT * FROM program_occupations WHERE program_id IN (\(unsafeRaw: programs))"),
            // The shared catalogue's entries Pekalongan's programs use: what its pages and exports print.
            ("occupations", "SELECT * FROM occupations WHERE code IN (SELECT occupation_code FROM program_occupations WHERE program_id IN (\(unsafeRaw: programs)))"),
            ("program_region_quotas", "SELECT * FROM program_region_quotas WHERE program_id IN (\(unsafeRaw: programs))"),
            ("proposals", "SELECT * FROM proposals WHERE id IN (\(unsafeRaw: proposals))"),
            ("proposal_events", "SELECT * FROM proposal_events WHERE proposal_id IN (\(unsafeRaw: proposals))"),
            ("import_runs", "SELECT * FROM import_runs WHERE program_id IN (\(unsafeRaw: programs))"),
            ("claim_cases", "SELECT * FROM claim_cases WHERE village_code LIKE '33.75.%'"),
            ("claim_steps", "SELECT * FROM claim_steps WHERE case_id IN (SELECT id FROM claim_cases WHERE village_code LIKE '33.75.%')"),
            ("claim_heirs", "SELECT * FROM claim_heirs WHERE case_id IN (SELECT id FROM claim_cases WHERE village_code LIKE '33.75.%')"),
            ("claim_documents", "SELECT * FROM claim_documents WHERE case_id IN (SELECT id FROM claim_cases WHERE village_code LIKE '33.75.%')"),
            ("claim_payments", "SELECT * FROM claim_payments WHERE case_id IN (SELECT id FROM claim_cases WHERE village_code LIKE '33.75.%')"),
            // National like the NIK, but only Pekalongan registered these people.
            ("bpjs_memberships", "SELECT * FROM bpjs_memberships WHERE nik IN (SELECT nik FROM workers WHERE id IN (\(unsafeRaw: workers)))"),
            // Pekalongan's staff: the other village's verifier may change only its own account.
            ("users", "SELECT * FROM users WHERE id IN (\(unsafeRaw: staff)) AND id <> \(bind: fixture.verifierElsewhere.id!)"),
            ("role_grants", "SELECT * FROM role_grants WHERE user_id IN (\(unsafeRaw: staff)) OR region_code LIKE '33.75%'"),
            ("api_tokens", "SELECT * FROM api_tokens WHERE user_id IN (\(unsafeRaw: staff)) AND user_id <> \(bind: fixture.verifierElsewhere.id!)"),
        ]
        var tables: [String: [String]] = [:]
        for (table, query) in queries {
            let rows = try await app.db.sql.raw(query).all()
            tables[table] = rows.map(describe).sorted()
        }
        return PekalonganSnapshot(tables: tables)
    }

    /// A row as text, whatever the database's types: `column=value` pairs in column order.
    static func describe(_ row: any SQLRow) -> String {
        row.allColumns.sorted().map { column in
            if (try? row.decodeNil(column: column)) == true { return "\(column)=NULL" }
            if let v = try? row.decode(column: column, as: String.self) { return "\(column)=\(v)" }
            if let v = try? row.decode(column: column, as: UUID.self) { return "\(column)=\(v)" }
            if let v = try? row.decode(column: column, as: Int64.self) { return "\(column)=\(v)" }
            if let v = try? row.decode(column: column, as: Double.self) { return "\(column)=\(v)" }
            if let v = try? row.decode(column: column, as: Bool.self) { return "\(column)=\(v)" }
            if let v = try? row.decode(column: column, as: Date.self) { return "\(column)=\(v.timeIntervalSince1970)" }
            if let v = try? row.decode(column: column, as: Data.self) { return "\(column)=\(v.base64EncodedString())" }
            return "\(column)=?"
        }.joined(separator: " ")
    }

    /// What changed, table by table, for the failure message.
    func difference(to after: PekalonganSnapshot) -> String {
        tables.keys.sorted().compactMap { table in
            let old = Set(tables[table] ?? []), new = Set(after.tables[table] ?? [])
            guard old != new else { return nil }
            return "\(table): before \(old.subtracting(new).sorted()) after \(new.subtracting(old).sorted())"
        }.joined(separator: "\n")
    }
}
