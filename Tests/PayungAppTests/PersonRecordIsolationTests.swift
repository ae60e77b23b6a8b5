import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

/// A person's record belongs to the Pemda that holds it: proposals, imports
/// and checks from another Pemda neither change nor reveal it.
@Suite("Person records held per Pemda")
struct PersonRecordIsolationTests {
    /// Pekalongan proposes and documents a person; returns the proposal.
    func pekalonganRecord(_ app: Application, nik: String, status: ProposalStatus = .submitted) async throws -> ProposalModel {
        let program = try await app.makeProgram(code: "pkl-2027", regency: "33.75")
        let user = try await app.makeUser("rt.fixture", .rt, "33.75.01.1002", rt: "003", rw: "005").user
        let actor = Actor(userID: user.id!.uuidString, username: user.username,
                          grants: [try RoleGrant(role: .rt, region: RegionCode("33.75.01.1002")!, rt: "003", rw: "005")])
        var input = proposalInput(program: program, nik: nik, name: "Siti Aminah")
        input.phone = "081234567890"
        input.welfareDecile = 2
        let (proposal, _) = try await app.testProposals.propose(input, actor: actor, by: .cli("test"))
        let doc = WorkerDocumentModel()
        doc.id = UUID()
        doc.workerID = proposal.workerID
        doc.kind = "ktp"
        doc.contentType = "image/png"
        doc.data = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        doc.uploadedAt = app.clock.now()
        doc.uploadedBy = "rt"
        try await doc.create(on: app.db)
        if status != .submitted {
            try await app.db.sql.raw("UPDATE proposals SET status = \(bind: status.rawValue) WHERE id = \(bind: proposal.id!)").run()
        }
        return proposal
    }

    func jambiProgram(_ app: Application) async throws -> ProgramModel {
        try await app.makeProgram(code: "jmb-2027", regency: "15.71")
    }

    @Test("a Jambi RT head proposing a Pekalongan NIK leaves that record and its KTP photo untouched and unreachable",
          arguments: TestDatabase.available)
    func proposalAcrossPemdas(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 41)
            let pekalongan = try await pekalonganRecord(app, nik: nik)
            let before = try #require(try await WorkerModel.find(pekalongan.workerID, on: app.db))
            let jambi = try await jambiProgram(app)
            let rt = try await app.makeUser("rt.sipin", .rt, "15.71.01.1001", rt: "001", rw: "002")
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: jambi, nik: nik, name: "Nama Palsu", village: "15.71.01.1001",
                                                     rt: "001", rw: "002"))
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(!res.body.string.contains("Siti"))
                created = try? res.content.decode(ProposalDTO.self)
            }
            let jambiProposal = try #require(created)
            let after = try #require(try await WorkerModel.find(pekalongan.workerID, on: app.db))
            #expect(after.name == "Siti Aminah" && after.villageCode == before.villageCode && after.phone == before.phone)
            #expect(after.updatedAt == before.updatedAt)
            let records = try await WorkerModel.query(on: app.db).filter(\.$nik == nik).all()
            #expect(Set(records.map(\.pemdaCode)) == ["33.75", "15.71"])
            // The KTP photo of Pekalongan's record is not reachable through the Jambi proposal.
            let session = try await BrowserSession.login(app, "rt.sipin")
            try await app.testing().test(.GET, "/usulan/\(jambiProposal.id)/dokumen/ktp", headers: session.headers) { res in
                #expect(res.status == .notFound)
                #expect(res.headers.contentType?.type != "image")
            }
            // No audit row about the Pekalongan record was written by Jambi.
            #expect(try await auditCount(app, "worker.update", entityID: pekalongan.workerID.uuidString) == 0)
        }
    }

    @Test("a participant in another Pemda's program blocks a proposal, saying only that", arguments: TestDatabase.available)
    func participantElsewhere(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 42)
            _ = try await pekalonganRecord(app, nik: nik, status: .active)
            let jambi = try await jambiProgram(app)
            let rt = try await app.makeUser("rt.sipin", .rt, "15.71.01.1001", rt: "001", rw: "002")
            try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: jambi, nik: nik, village: "15.71.01.1001", rt: "001", rw: "002"))
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let body = res.body.string
                #expect(body.contains("participant_other_pemda"))
                #expect(!body.contains("Batik Berlian") && !body.contains("Siti") && !body.contains("pkl-2027"))
            }
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: jambi, nik: nik, village: "15.71.01.1001", rt: "001", rw: "002"))
            }) { res in
                #expect(res.status == .unprocessableEntity, "\(res.body.string)")
                #expect(res.body.string.contains("Pemda lain"))
            }
            #expect(try await WorkerModel.query(on: app.db).filter(\.$nik == nik).count() == 1)
        }
    }

    @Test("approval re-checks: a person who became a participant elsewhere meanwhile is not approved twice",
          arguments: TestDatabase.available)
    func approvalRechecks(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 46)
            let pekalongan = try await pekalonganRecord(app, nik: nik)
            let jambi = try await jambiProgram(app)
            let rt = try await app.makeUser("rt.sipin", .rt, "15.71.01.1001", rt: "001", rw: "002")
            let op = try await app.makeUser("op.jambi", .operator, "15.71")
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: jambi, nik: nik, village: "15.71.01.1001", rt: "001", rw: "002"))
            }) { res in created = try? res.content.decode(ProposalDTO.self) }
            let proposal = try #require(created)
            try await app.db.sql.raw("UPDATE proposals SET status = 'verified_kecamatan' WHERE id = \(bind: proposal.id)").run()
            try await app.db.sql.raw("UPDATE proposals SET status = 'active' WHERE id = \(bind: pekalongan.id!)").run()
            try await app.testing().test(.POST, "/api/v1/proposals/\(proposal.id)/transitions", headers: .bearer(op.token),
                                         beforeRequest: { req in try req.content.encode(TransitionInput(action: "approve")) }) { res in
                #expect(res.status == .conflict, "\(res.body.string)")
                #expect(res.body.string.contains("participant_other_pemda"))
            }
            #expect(try await ProgramModel.find(jambi.id, on: app.db)?.approvedCount == 0)
        }
    }

    @Test("a Jambi operator's registry import can neither probe nor overwrite Pekalongan records", arguments: TestDatabase.available)
    func registryImportAcrossPemdas(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 43)
            let pekalongan = try await pekalonganRecord(app, nik: nik)
            let op = try await app.makeUser("op.jambi", .operator, "15.71")
            let csv = "NIK,Nama,No HP\n\(nik),Nama Palsu,0899999999\n"
            for dryRun in [true, false] {
                try await app.testing().test(.POST, "/api/v1/registry/imports?dryRun=\(dryRun)", headers: .bearer(op.token),
                                             beforeRequest: { req in
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: csv)
                }) { res in
                    #expect(res.status == .ok, "\(res.body.string)")
                    let result = try res.content.decode(ImportResultDTO.self)
                    // "new" for Jambi: whether Pekalongan knows the NIK is not told.
                    #expect(result.summary.inserted == 1 && result.summary.updated == 0 && result.summary.unchanged == 0)
                }
            }
            let kept = try #require(try await WorkerModel.find(pekalongan.workerID, on: app.db))
            #expect(kept.name == "Siti Aminah" && kept.phone == "081234567890")
            let jambiRecord = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == nik).filter(\.$pemdaCode == "15.71").first())
            #expect(jambiRecord.name == "Nama Palsu")
            // The import's audit row is filed under Jambi, whose data changed.
            struct Row: Decodable { let region_code: String? }
            let rows = try await app.db.sql.raw("SELECT region_code FROM audit_events WHERE action = 'import.registry'").all(decoding: Row.self)
            #expect(rows.map(\.region_code) == ["15.71"])
        }
    }

    @Test("a registry roster without decile or phone columns erases neither", arguments: TestDatabase.available)
    func blankNeverErases(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 44)
            let record = try await pekalonganRecord(app, nik: nik)
            let roster = TabularFile(rows: TabularFile.csvRows(Data("NIK,Nama,Desil,No HP\n\(nik),Siti Aminah Baru,,\n".utf8)))
            let result = try await RegistryImporter(db: app.db, now: app.clock.now(), today: app.clock.today)
                .run(roster, pemda: RegionCode("33.75")!, dryRun: false, by: .cli("t"))
            #expect(result.summary.updated == 1)
            let after = try #require(try await WorkerModel.find(record.workerID, on: app.db))
            #expect(after.name == "Siti Aminah Baru" && after.welfareDecile == 2 && after.phone == "081234567890")
            #expect(after.occupationCode == "batik_labourer")
        }
    }

    @Test("the proposal check: only proposers in their own area, bounded per user, audited when it matches",
          arguments: TestDatabase.available)
    func proposalCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let nik = testNIK(serial: 45)
            _ = try await pekalonganRecord(app, nik: nik)
            let program = try #require(try await ProgramModel.query(on: app.db).filter(\.$code == "pkl-2027").first())
            let sponsor = try await app.makeUser("sponsor.pkl", .sponsor, "33.75")
            let otherRT = try await app.makeUser("rt.podosugih", .rt, "33.75.01.1003", rt: "001", rw: "001")
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let input = proposalInput(program: program, nik: nik)
            for token in [sponsor.token, otherRT.token] {
                try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(token), beforeRequest: { req in
                    try req.content.encode(input)
                }) { res in
                    #expect(res.status == .forbidden, "\(res.body.string)")
                    #expect(!res.body.string.contains("duplicate"))
                }
            }
            try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("duplicate_in_program"))
            }
            #expect(try await auditCount(app, "proposal.check_match") == 1)
            var statuses: [HTTPStatus] = []
            for serial in 100..<140 {
                try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(rt.token), beforeRequest: { req in
                    try req.content.encode(proposalInput(program: program, nik: testNIK(serial: serial)))
                }) { res in statuses.append(res.status) }
            }
            #expect(statuses.contains(.tooManyRequests))
            #expect(statuses.prefix(29).allSatisfy { $0 == .ok })
        }
    }
}

/// Audit rows of `action` (about `entityID` when given).
func auditCount(_ app: Application, _ action: String, entityID: String? = nil) async throws -> Int {
    struct Row: Decodable { let n: Int }
    let query: SQLQueryString = entityID.map { "SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action) AND entity_id = \(bind: $0)" }
        ?? "SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action)"
    return try await app.db.sql.raw(query).first(decoding: Row.self)?.n ?? 0
}

@Suite("Merge rule of a person's record")
struct PersonRecordMergeTests {
    @Test("a blank never erases; each source writes only its fields")
    func merge() {
        let stored = PersonFields([.name: "Siti", .phone: "0812", .welfareDecile: "2", .occupationCode: "porter"])
        let (merged, changes) = PersonRecordMerge.merge(PersonFields([.name: "Siti A", .phone: "", .welfareDecile: nil]),
                                                        into: stored, from: .proposal)
        #expect(merged[.phone] == "0812" && merged[.welfareDecile] == "2" && merged[.name] == "Siti A")
        #expect(changes == [PersonFieldChange(field: .name, old: "Siti", new: "Siti A")])
        let roster = PersonRecordMerge.merge(PersonFields([.occupationCode: "becak_driver", .rt: "001"]), into: stored, from: .registryImport)
        #expect(roster.merged[.occupationCode] == "porter" && roster.merged[.rt] == "001")
        #expect(roster.changes.map(\.field) == [.rt])
        #expect(PersonRecordMerge.merge(stored, into: stored, from: .proposal).changes.isEmpty)
    }
}
