import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Verifiers see what they verify; approval needs the documents a program requires")
struct VerifierPageTests {
    private func seed(_ app: Application) async throws -> (ProgramModel, ProposalModel) {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(quota: 10)
        let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
        try await app.makeUser("kel.podosugih", .kelurahan, "33.75.01.1003")
        try await app.makeUser("op.pekalongan", .operator, "33.75")
        let rt = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
        var input = proposalInput(program: program, nik: testNIK(serial: 7), name: "Sri Wahyuni")
        input.street = "Jl. Kurinci 12"
        input.phone = "081234567890"
        input.monthlyIncome = 1_250_000
        input.welfareDecile = 2
        input.disability = "Tunanetra"
        input.heirs = [HeirInput(name: "Bambang Wahyudi", relation: "suami", phone: "081298765432"),
                       HeirInput(name: "Rina Wahyuni", relation: "orang_tua")]
        let proposal = try await app.testProposals.propose(input, actor: rt, by: .cli("t")).0
        return (program, proposal)
    }

    private func uploadKTP(_ app: Application, _ proposal: ProposalModel) async throws {
        let rt = try await BrowserSession.login(app, "rt.medono")
        let boundary = "payungboundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(rt.csrf)\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nktp\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ktp.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
        body.writeBytes([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 2_000))
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = rt.headers
        headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        try await app.testing().test(.POST, "/usulan/\(proposal.id!)/dokumen", headers: headers, body: body) { res in
            #expect(res.status == .seeOther)
        }
    }

    private func act(_ app: Application, _ session: BrowserSession, _ proposal: ProposalModel, _ fields: [String: String]) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        try await app.testing().test(.POST, "/usulan/\(proposal.id!)/aksi", headers: session.headers, beforeRequest: { req in
            try req.content.encode(fields.merging(["_csrf": session.csrf]) { a, _ in a }, as: .urlEncodedForm)
        }) { res in out = (res.status, res.body.string) }
        return out
    }

    @Test("the kelurahan verifier's page shows the address, phone, heirs in words and the KTP photo; each view is audited", arguments: TestDatabase.available)
    func verifierSees(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (_, proposal) = try await seed(app)
            try await uploadKTP(app, proposal)
            let kel = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: kel.headers) { res in
                let body = res.body.string
                #expect(res.status == .ok)
                #expect(body.contains("Jl. Kurinci 12, RT 003/RW 005, Kelurahan Medono, Kecamatan Pekalongan Barat"))
                #expect(body.contains("<small>33.75.01.1002</small>"))
                #expect(body.contains("081234567890") && body.contains("Tunanetra") && body.contains("Rp1.250.000 per bulan") && body.contains("Desil 2"))
                #expect(body.contains("<strong>Bambang Wahyudi</strong> · Suami") && body.contains("<strong>Rina Wahyuni</strong> · Orang tua"))
                #expect(!body.contains("orang_tua"))
                #expect(body.contains("<img src=\"/usulan/\(proposal.id!)/dokumen/ktp\""))
            }
            let before = try await auditCount(app, "document.view")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)/dokumen/ktp", headers: kel.headers) { res in
                #expect(res.status == .ok && res.headers.first(name: .cacheControl) == "no-store")
            }
            #expect(try await auditCount(app, "document.view") == before + 1)
            let other = try await BrowserSession.login(app, "kel.podosugih")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: other.headers) { res in
                #expect(res.status == .notFound && !res.body.string.contains("Sri Wahyuni"))
            }
        }
    }

    @Test("the history reads as sentences naming who acted, in words", arguments: TestDatabase.available)
    func historySentences(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (_, proposal) = try await seed(app)
            let kel = try await BrowserSession.login(app, "kel.medono")
            let (status, _) = try await act(app, kel, proposal, ["action": "return", "note": "Foto KTP buram"])
            #expect(status == .seeOther)
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: kel.headers) { res in
                let body = res.body.string
                #expect(body.contains("Sistem mengajukan"))
                #expect(body.contains("Kelurahan Medono mengembalikan untuk perbaikan: Foto KTP buram"))
                #expect(!body.contains("kel.medono return"))
            }
        }
    }

    @Test("approval without a required KTP is refused on the API and the page, and passes on the page when confirmed", arguments: TestDatabase.available)
    func requiredDocuments(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (program, proposal) = try await seed(app)
            let (opUser, opToken) = try await app.makeUser("op2.pekalongan", .operator, "33.75")
            _ = opUser
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/settings", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(ProgramSettingsInput(requiredDocuments: "ktp"))
            }) { res in
                #expect(res.status == .ok)
                #expect((try? res.content.decode(ProgramSettingsDTO.self))?.requiredDocumentsName == "Foto KTP")
            }
            try await app.db.sql.raw("UPDATE proposals SET status = 'verified_kecamatan'").run()
            try await app.testing().test(.POST, "/api/v1/proposals/\(proposal.id!)/transitions", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(TransitionInput(action: "approve"))
            }) { res in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("documents_missing"))
            }
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: op.headers) { res in
                #expect(res.body.string.contains("name=\"confirmMissingDocuments\""))
                #expect(res.body.string.contains("belum ada: Foto KTP"))
            }
            let (refused, body) = try await act(app, op, proposal, ["action": "approve"])
            #expect(refused == .conflict && body.contains("mewajibkan Foto KTP"))
            let (approved, _) = try await act(app, op, proposal, ["action": "approve", "confirmMissingDocuments": "true"])
            #expect(approved == .seeOther)
            #expect(try await ProposalModel.find(proposal.id!, on: app.db)?.statusValue == .approved)
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: op.headers) { res in
                #expect(res.body.string.contains("menyetujui: Disetujui tanpa Foto KTP"))
            }
        }
    }

    @Test("a rejection for 'Alasan lain' needs words, shown to the RT head; reject asks 'Saya yakin' on the page", arguments: TestDatabase.available)
    func rejectionWords(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (_, proposal) = try await seed(app)
            let kel = try await BrowserSession.login(app, "kel.medono")
            let (unconfirmed, page) = try await act(app, kel, proposal, ["action": "reject", "reason": "not_vulnerable"])
            #expect(unconfirmed == .unprocessableEntity && page.contains("Saya yakin"))
            let (noWords, wordsPage) = try await act(app, kel, proposal, ["action": "reject", "reason": "other", "confirm": "1"])
            #expect(noWords == .unprocessableEntity && wordsPage.contains("tuliskan alasannya"))
            #expect(try await ProposalModel.find(proposal.id!, on: app.db)?.statusValue == .submitted)
            let (done, _) = try await act(app, kel, proposal, ["action": "reject", "reason": "other", "confirm": "1",
                                                                "note": "Sudah bekerja tetap di pabrik"])
            #expect(done == .seeOther)
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: rt.headers) { res in
                #expect(res.body.string.contains("<strong>Alasan lain</strong> · Sudah bekerja tetap di pabrik"))
            }
            try await app.testing().test(.GET, "/usulan?status=rejected", headers: rt.headers) { res in
                #expect(res.body.string.contains("Alasan: Sudah bekerja tetap di pabrik"))
            }
        }
    }
}
