import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("The verifier's queue and the home page per role")
struct QueueAndHomeTests {
    /// Two kelurahan of Pekalongan Barat with proposals, a kecamatan
    /// verifier over both, an operator and the two RT heads.
    private func seed(_ app: Application) async throws -> ProgramModel {
        try await app.loadPilotRegions()
        let program = try await app.makeProgram(quota: 10)
        let (rtMedono, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
        let (rtPodosugih, _) = try await app.makeUser("rt.podosugih", .rt, "33.75.01.1003", rt: "001", rw: "001")
        try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
        try await app.makeUser("kec.barat", .kecamatan, "33.75.01")
        try await app.makeUser("op.pekalongan", .operator, "33.75")
        func actor(_ id: UUID) async throws -> Actor {
            try #require(try await AccessQueries(db: app.db).authenticated(userID: id, method: .token)).actor
        }
        let medono = try await actor(rtMedono.id!)
        let podosugih = try await actor(rtPodosugih.id!)
        for (serial, name) in [(1, "Siti Aminah"), (2, "Dewi Lestari"), (3, "Rina Wati")] {
            _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial), name: name),
                                                    actor: medono, by: .cli("t"))
        }
        _ = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: 4), name: "Yuni Podosugih",
                                                              village: "33.75.01.1003", rt: "001", rw: "001"),
                                                actor: podosugih, by: .cli("t"))
        return program
    }

    private func proposalID(_ app: Application, name: String) async throws -> UUID {
        let worker = try #require(try await WorkerModel.query(on: app.db).filter(\.$name == name).first())
        return try #require(try await ProposalModel.query(on: app.db).filter(\.$workerID == worker.id!).first()).id!
    }

    private func post(_ app: Application, _ session: BrowserSession, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        let body = ([("_csrf", session.csrf)] + fields).map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }.joined(separator: "&")
        try await app.testing().test(.POST, "/usulan/massal", headers: session.headers, beforeRequest: { req in
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: body)
        }) { res in out = (res.status, res.body.string) }
        return out
    }

    @Test("a one-click verify keeps the verifier in the filtered queue and names the person", arguments: TestDatabase.available)
    func oneClick(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            let kel = try await BrowserSession.login(app, "kel.medono")
            let siti = try await proposalID(app, name: "Siti Aminah")
            let (status, body) = try await post(app, kel, [("one", "verify:\(siti.uuidString)"), ("status", "submitted"), ("q", "Siti")])
            #expect(status == .ok)
            #expect(body.contains("1 berhasil diverifikasi."))
            #expect(body.contains("Siti Aminah</a>: Diverifikasi"))
            // Still the queue, with its filters kept for the next click.
            #expect(body.contains("<h1>Usulan</h1>"))
            #expect(body.contains("<option value=\"submitted\" selected>") && body.contains("name=\"q\" maxlength=\"100\" value=\"Siti\""))
            let proposal = try #require(try await ProposalModel.find(siti, on: app.db))
            #expect(proposal.statusValue == .verifiedKelurahan)
        }
    }

    @Test("nothing selected is said in words; bulk results name each person", arguments: TestDatabase.available)
    func bulkWords(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            let kel = try await BrowserSession.login(app, "kel.medono")
            let (emptyStatus, emptyBody) = try await post(app, kel, [("action", "verify")])
            #expect(emptyStatus == .ok)
            #expect(emptyBody.contains("Belum ada usulan yang dipilih"))
            #expect(!emptyBody.contains("0 berhasil"))

            let siti = try await proposalID(app, name: "Siti Aminah")
            let dewi = try await proposalID(app, name: "Dewi Lestari")
            let yuni = try await proposalID(app, name: "Yuni Podosugih")
            _ = try await post(app, kel, [("one", "verify:\(siti.uuidString)")])
            let (_, body) = try await post(app, kel, [("action", "verify"), ("ids[]", siti.uuidString), ("ids[]", dewi.uuidString),
                                                      ("ids[]", yuni.uuidString)])
            #expect(body.contains("1 berhasil diverifikasi, 2 tidak dapat."))
            #expect(body.contains("Dewi Lestari</a>: Diverifikasi"))
            #expect(body.contains("Siti Aminah</a>: ")) // already verified: refused with its reason
            // Another kelurahan's proposal is refused and stays unnamed.
            #expect(!body.contains("Yuni Podosugih"))
            #expect(try await ProposalModel.find(yuni, on: app.db)?.statusValue == .submitted)
        }
    }

    @Test("the kecamatan filters its queue by kelurahan; a kelurahan outside the scope shows nothing", arguments: TestDatabase.available)
    func villageFilter(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            let kec = try await BrowserSession.login(app, "kec.barat")
            try await app.testing().test(.GET, "/usulan", headers: kec.headers) { res in
                let body = res.body.string
                #expect(body.contains("Siti Aminah") && body.contains("Yuni Podosugih"))
                // The filter names kelurahan, grouped by kecamatan.
                #expect(body.contains("<option value=\"33.75.01.1003\">Podosugih</option>"))
                #expect(body.contains("optgroup label=\"Kecamatan Pekalongan Barat\""))
            }
            try await app.testing().test(.GET, "/usulan?village=33.75.01.1003", headers: kec.headers) { res in
                #expect(res.body.string.contains("Yuni Podosugih") && !res.body.string.contains("Siti Aminah"))
                // The export link carries the filter: the sheet is the list.
                #expect(res.body.string.contains("/usulan/ekspor?format=xlsx&amp;village=33.75.01.1003")
                        || res.body.string.contains("/usulan/ekspor?format=xlsx&village=33.75.01.1003"))
            }
            let kel = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/usulan?village=33.75.01.1003", headers: kel.headers) { res in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("Yuni Podosugih"))
                #expect(res.body.string.contains("Tidak ada usulan yang cocok"))
            }
            try await app.testing().test(.GET, "/usulan?village=jalan", headers: kel.headers) { res in
                #expect(res.status == .badRequest || res.status == .unprocessableEntity)
            }
        }
    }

    @Test("on a phone each proposal is a card with its status badge and its one action", arguments: [TestDatabase.sqlite])
    func cards(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            let kel = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/usulan", headers: kel.headers) { res in
                let body = res.body.string
                #expect(body.contains("class=\"table queue\""))
                #expect(body.contains("<span class=\"badge badge-submitted\">Diajukan</span>"))
                #expect(body.contains("name=\"one\" value=\"verify:"))
                #expect(body.contains("data-select-all"))
                #expect(res.body.readableBytes < 30_000)
            }
        }
    }

    @Test("each role's home page says what to do next, as links with counts", arguments: TestDatabase.available)
    func home(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await seed(app)
            try await app.db.sql.raw("UPDATE proposals SET status = 'returned', last_note = 'Foto KTP buram' WHERE rt = '003'").run()
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/", headers: rt.headers) { res in
                let body = res.body.string
                #expect(body.contains("href=\"/usulan/baru\""))
                #expect(body.contains("<strong class=\"count\">3</strong> <span>usulan dikembalikan, perlu Anda perbaiki</span>"))
                #expect(body.contains("href=\"/usulan?status=returned\""))
            }
            let kel = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/", headers: kel.headers) { res in
                #expect(res.body.string.contains("<strong class=\"count\">0</strong> <span>usulan menunggu verifikasi Anda</span>"))
            }
            try await app.db.sql.raw("UPDATE proposals SET status = 'verified_kecamatan'").run()
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.GET, "/", headers: op.headers) { res in
                let body = res.body.string
                #expect(body.contains("<strong class=\"count\">4</strong> <span>usulan menunggu persetujuan</span>"))
                #expect(body.contains("href=\"/usulan?status=verified_kecamatan\""))
                #expect(body.contains("Kuota program") && body.contains("0 dari 10"))
            }
            try await app.testing().test(.GET, "/") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("href=\"/masuk\""))
            }
        }
    }
}
