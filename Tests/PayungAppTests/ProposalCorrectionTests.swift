import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Corrections, region quotas, occupations, documents, program setup")
struct ProposalCorrectionTests {
    @Test("a returned proposal is corrected by its RT head and submitted again", arguments: TestDatabase.available)
    func correction(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, rt) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (_, kel) = try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 3), name: "Siti Amnah"))
            }) { res in created = try res.content.decode(ProposalDTO.self) }
            let id = try #require(created).id
            try await app.testing().test(.POST, "/api/v1/proposals/\(id)/transitions", headers: .bearer(kel), beforeRequest: { req in
                try req.content.encode(TransitionInput(action: "return", note: "Nama salah ketik, sesuaikan KTP"))
            }) { res in #expect(res.status == .ok) }
            // Corrected and resubmitted; its own record is not a duplicate of itself.
            var fixed = proposalInput(program: program, nik: testNIK(serial: 3), name: "Siti Aminah")
            fixed.children = [ChildInput(name: "Rina", birthDate: "2015-03-01", schoolLevel: "tk_sd")]
            try await app.testing().test(.PUT, "/api/v1/proposals/\(id)", headers: .bearer(rt), beforeRequest: { req in
                try req.content.encode(fixed)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let dto = try res.content.decode(ProposalDTO.self)
                #expect(dto.status == "submitted" && dto.name == "Siti Aminah")
            }
            #expect(try await ChildModel.query(on: app.db).count() == 1)
            let changes = try await app.db.sql.select().column("changes").from("audit_events")
                .where("action", .equal, "worker.update").all()
            #expect(changes.count == 1)
            // Once submitted, it cannot be edited any more.
            try await app.testing().test(.PUT, "/api/v1/proposals/\(id)", headers: .bearer(rt), beforeRequest: { req in
                try req.content.encode(fixed)
            }) { res in
                #expect(res.status == .conflict)
                let error = try res.content.decode(APIErrorBody.self)
                #expect(error.error.code == "proposal_not_editable")
            }
        }
    }

    @Test("a kelurahan quota stops approvals there while others continue", arguments: TestDatabase.available)
    func regionQuota(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await ProgramService(db: app.db, now: app.clock.now()).create(
                ProgramInput(code: "pkl-q", regency: "33.75", name: "Kuota wilayah", startMonth: "2027-01", endMonth: "2027-12",
                             quota: 10, occupations: ["batik_labourer"], regionQuotas: [RegionQuotaInput(region: "33.75.01.1002", quota: 1)]),
                actor: nil, by: .cli("test"))
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (rt2User, _) = try await app.makeUser("rt.podosugih", .rt, "33.75.01.1003", rt: "001", rw: "001")
            let (opUser, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            func actor(_ id: UUID) async throws -> Actor {
                try #require(try await AccessQueries(db: app.db).authenticated(userID: id, method: .token)).actor
            }
            let medono1 = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 1)), actor: try await actor(rtUser.id!), by: .cli("t")).0
            let medono2 = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 2)), actor: try await actor(rtUser.id!), by: .cli("t")).0
            let podosugih = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 3), village: "33.75.01.1003", rt: "001", rw: "001"),
                                                                actor: try await actor(rt2User.id!), by: .cli("t")).0
            try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
            let op = try await actor(opUser.id!)
            _ = try await app.testProposals.transition(medono1.id!, .init(action: "approve"), actor: op, by: .cli("t"))
            await #expect(throws: ProposalError.regionQuotaExhausted(region: "33.75.01.1002", quota: 1)) {
                _ = try await app.testProposals.transition(medono2.id!, .init(action: "approve"), actor: op, by: .cli("t"))
            }
            _ = try await app.testProposals.transition(podosugih.id!, .init(action: "approve"), actor: op, by: .cli("t"))
            #expect(try await ProgramModel.find(program.id, on: app.db)?.approvedCount == 2)
            try await app.testing().test(.POST, "/api/v1/programs", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(ProgramInput(code: "bad", regency: "33.75", name: "x", startMonth: "2027-01", endMonth: "2027-12",
                                                    quota: 5, occupations: ["batik_labourer"], regionQuotas: [RegionQuotaInput(region: "15.71.01", quota: 1)]))
            }) { res in
                #expect(res.status == .unprocessableEntity)
                let error = try res.content.decode(APIErrorBody.self)
                #expect(error.error.code == "region_quota_invalid")
            }
        }
    }

    @Test("admins edit the occupation catalogue; others may not", arguments: TestDatabase.available)
    func occupations(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, admin) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let (_, op) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.testing().test(.PUT, "/api/v1/occupations/penjual_jamu", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(OccupationInput(name: "Penjual jamu gendong", description: "Pedagang jamu keliling", risk: 2))
            }) { res in
                #expect(res.status == .ok)
                let dto = try res.content.decode(OccupationDTO.self)
                #expect(dto.code == "penjual_jamu" && dto.risk == 2)
            }
            try await app.testing().test(.PUT, "/api/v1/occupations/marbot", headers: .bearer(op), beforeRequest: { req in
                try req.content.encode(OccupationInput(name: "X", risk: 1))
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.PUT, "/api/v1/occupations/marbot", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(OccupationInput(name: "Marbot masjid", risk: 9))
            }) { res in #expect(res.status == .unprocessableEntity) }
            try await app.testing().test(.GET, "/api/v1/occupations", headers: .bearer(op)) { res in
                let list = try res.content.decode(ListDTO<OccupationDTO>.self)
                #expect(list.items.count == OccupationCatalogue.seed.count + 1)
            }
        }
    }

    @Test("KTP photos: images only, within size, shown only to who may see the full NIK", arguments: TestDatabase.available)
    func documents(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            try await app.makeUser("kel.podosugih", .kelurahan, "33.75.01.1003")
            let rtActor = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            let proposal = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 1)), actor: rtActor, by: .cli("t")).0
            let rt = try await BrowserSession.login(app, "rt.medono")
            var lastPage = ""
            func upload(_ bytes: [UInt8]) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                let boundary = "payungboundary"
                var body = ByteBuffer()
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(rt.csrf)\r\n")
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nktp\r\n")
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ktp.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                body.writeBytes(bytes)
                body.writeString("\r\n--\(boundary)--\r\n")
                var headers = rt.headers
                headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                try await app.testing().test(.POST, "/usulan/\(proposal.id!)/dokumen", headers: headers, body: body) { res in
                    status = res.status
                    lastPage = res.body.string
                }
                return status
            }
            #expect(try await upload(Array("not an image".utf8)) == .unprocessableEntity)
            // Answered on the proposal's own page, with the upload form.
            #expect(lastPage.contains("bukan foto") && lastPage.contains("action=\"/usulan/\(proposal.id!)/dokumen\""))
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 5_000)
            #expect(try await upload(jpeg) == .seeOther)
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)/dokumen/ktp", headers: rt.headers) { res in
                #expect(res.status == .ok && res.headers.contentType?.subType == "jpeg" && res.body.readableBytes == jpeg.count)
            }
            // The head of the agency sees the record with a masked NIK, so not the KTP either.
            let kadis = try await BrowserSession.login(app, "kadis.pekalongan")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)/dokumen/ktp", headers: kadis.headers) { res in
                #expect(res.status == .notFound)
            }
            let other = try await BrowserSession.login(app, "kel.podosugih")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)/dokumen/ktp", headers: other.headers) { res in
                #expect(res.status == .notFound)
            }
            let views = try await app.db.sql.select().column("id").from("audit_events").where("action", .equal, "document.view").all()
            #expect(views.count == 1)
        }
    }

    @Test("an operator sets up a program on the web", arguments: TestDatabase.available)
    func programSetup(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("op.jambi", .operator, "15.71")
            let op = try await BrowserSession.login(app, "op.jambi")
            try await app.testing().test(.POST, "/program/baru", headers: op.headers, beforeRequest: { req in
                try req.content.encode(SetupBody(_csrf: op.csrf, code: "jmb-2026", name: "Jambi 2026", regency: "15.71",
                                                 startMonth: "2026-01", endMonth: "2026-12", quota: 3000,
                                                 occupations: ["porter", "becak_driver"]), as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            let program = try #require(try await ProgramModel.query(on: app.db).filter(\.$code == "jmb-2026").first())
            #expect(program.quota == 3000 && program.regencyCode == "15.71")
            try await app.testing().test(.POST, "/program/baru", headers: op.headers, beforeRequest: { req in
                try req.content.encode(SetupBody(_csrf: op.csrf, code: "pkl-x", name: "Bukan wewenang", regency: "33.75",
                                                 startMonth: "2026-01", endMonth: "2026-12", quota: 10, occupations: ["porter"]), as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .notFound)
                #expect(res.body.string.contains("di luar wewenang"))
            }
        }
    }
}

struct SetupBody: Content {
    let _csrf: String
    let code: String
    let name: String
    let regency: String
    let startMonth: String
    let endMonth: String
    let quota: Int
    let occupations: [String]
}
