import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Onboarding a Pemda's RT heads and verifiers from a sheet, with activation codes")
struct OnboardingTests {
    /// 1,000 RT heads over Kota Pekalongan's kelurahan, a kelurahan verifier,
    /// a kecamatan verifier, and some bad rows.
    static func sheet(villages: [String], bad: Bool = true) -> String {
        var lines = ["Nama,No HP,Kecamatan,Kelurahan,RT,RW,Peran"]
        var n = 0
        outer: for village in villages {
            for rw in 1...10 {
                for rt in 1...10 {
                    lines.append("Ketua RT \(n),0812-3456-\(String(format: "%04d", n)),,\(village),\(rt),\(rw),Ketua RT")
                    n += 1
                    if n == 1_000 { break outer }
                }
            }
        }
        lines.append("Siti Verifikator,+62 812 9999 0001,Pekalongan Barat,Medono,,,Verifikator Kelurahan")
        lines.append("Ahmad Camat,,Pekalongan Barat,,,,Kecamatan")
        if bad {
            lines.append("Tanpa Peran,081200000001,,Medono,1,1,Bupati")
            lines.append("Luar Kota,081200000002,,Simpang IV Sipin,1,1,Ketua RT")
            lines.append("Tanpa RT,081200000003,,Medono,,,Ketua RT")
            lines.append("HP Salah,12345,,Medono,99,9,Ketua RT")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func villages(_ app: Application) async throws -> [String] {
        try await RegionModel.query(on: app.db).filter(\.$level == "village").filter(\.$id >= "33.75.").filter(\.$id < "33.75/")
            .sort(\.$id).all().map(\.name)
    }

    private func importSheet(_ app: Application, _ csv: String, token: String, pemda: String? = nil) async throws -> (HTTPStatus, OnboardingResult?, String) {
        var out: (HTTPStatus, OnboardingResult?, String) = (.ok, nil, "")
        let path = "/api/v1/users/import" + (pemda.map { "?pemda=\($0)" } ?? "")
        var headers = HTTPHeaders.bearer(token)
        headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(string: csv)) { res in
            out = (res.status, try? res.content.decode(OnboardingResult.self), res.body.string)
        }
        return out
    }

    private func activate(_ app: Application, username: String, code: String, password: String) async throws -> HTTPStatus {
        var session = BrowserSession()
        try await app.testing().test(.GET, "/aktivasi") { res in session.absorb(res) }
        var status = HTTPStatus.ok
        try await app.testing().test(.POST, "/aktivasi", headers: session.headers, beforeRequest: { req in
            try req.content.encode(["_csrf": session.csrf, "username": username, "code": code, "password": password,
                                    "confirmPassword": password], as: .urlEncodedForm)
        }) { res in status = res.status }
        return status
    }

    @Test("a sheet of 1,000 RT heads becomes 1,000 accounts that each log in once with their code and set a password", arguments: TestDatabase.available)
    func thousand(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = Self.sheet(villages: try await villages(app))
            let started = Date()
            let (status, result, body) = try await importSheet(app, csv, token: adminToken)
            let seconds = Date().timeIntervalSince(started)
            print("onboarding 1,002 accounts took \(String(format: "%.2f", seconds)) s on \(db)")
            #expect(status == .ok, "\(body.prefix(300))")
            let r = try #require(result)
            #expect(r.created == 1_002 && r.rejected == 4 && r.unchanged == 0)
            let messages = r.rows.filter { $0.outcome == .rejected }.map(\.message)
            #expect(messages.contains { $0.contains("Bupati") })
            #expect(messages.contains { $0.contains("Simpang IV Sipin") })
            #expect(messages.contains { $0.contains("RT dan RW wajib") })
            #expect(messages.contains { $0.contains("Nomor telepon") })
            struct Count: Decodable { let n: Int }
            let rtAccounts = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM role_grants WHERE role = 'rt'").first(decoding: Count.self)?.n
            #expect(rtAccounts == 1_000)
            let plain = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM activation_codes WHERE code_hash LIKE '%-%'").first(decoding: Count.self)?.n
            #expect(plain == 0, "codes are stored hashed")

            // A sample logs in once with their code; each code works once.
            let created = r.rows.filter { $0.outcome == .created }
            for row in [created[0], created[499], created[999], created[1_000]] {
                let username = try #require(row.username), code = try #require(row.code)
                // Before activation the account cannot sign in.
                await #expect(throws: AccessError.invalidCredentials) {
                    _ = try await UserDirectory(db: app.db, now: app.clock.now(), passwords: PasswordHashing(app: app)).signIn(username: username, password: "apa-saja-12345", by: AuditActor.cli("t"))
                }
                #expect(try await activate(app, username: username, code: code.lowercased(), password: "kata-sandi-rt-\(username)") == .seeOther)
                _ = try await BrowserSession.login(app, username, "kata-sandi-rt-\(username)")
                #expect(try await activate(app, username: username, code: code, password: "lain-lagi-12345") == .unauthorized)
            }
            #expect(created.first { $0.username == "rt003rw005.medono" }?.place == "Kelurahan Medono"
                    || created.contains { $0.username?.hasPrefix("rt") == true })
            // The same sheet again: nothing new.
            let (_, again, _) = try await importSheet(app, csv, token: adminToken)
            #expect(again?.created == 0 && again?.unchanged == 1_002 && again?.rejected == 4)
            #expect(again?.rows.allSatisfy { $0.code == nil } == true)
        }
    }

    @Test("a wrong code, an unknown user and an expired code get the same answer; attempts are limited", arguments: [TestDatabase.sqlite])
    func wrongCodes(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\n"
            let (_, result, _) = try await importSheet(app, csv, token: adminToken)
            let row = try #require(result?.rows.first)
            #expect(row.username == "rt003rw005.medono")
            #expect(try await activate(app, username: "rt003rw005.medono", code: "AAAA-BBBB-CC", password: "kata-sandi-baru-1") == .unauthorized)
            #expect(try await activate(app, username: "tidak.ada", code: try #require(row.code), password: "kata-sandi-baru-1") == .unauthorized)
            for _ in 0..<5 { _ = try await activate(app, username: "rt003rw005.medono", code: "AAAA-BBBB-CC", password: "kata-sandi-baru-1") }
            // Locked out for a while, even with the right code.
            #expect(try await activate(app, username: "rt003rw005.medono", code: try #require(row.code), password: "kata-sandi-baru-1") == .tooManyRequests)
        }
    }

    @Test("a Jambi admin cannot onboard into Kota Pekalongan; an admin re-issues a lost code", arguments: [TestDatabase.sqlite])
    func scoped(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, jambiToken) = try await app.makeUser("admin.jambi", .admin, "15.71")
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\n"
            let (status, _, _) = try await importSheet(app, csv, token: jambiToken, pemda: "33.75")
            #expect(status == .forbidden)
            let (_, jambiOwn, _) = try await importSheet(app, csv, token: jambiToken)
            #expect(jambiOwn?.created == 0 && jambiOwn?.rejected == 1, "Medono is not in Kota Jambi")
            let (_, result, _) = try await importSheet(app, csv, token: adminToken)
            let firstCode = try #require(result?.rows.first?.code)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$username == "rt003rw005.medono").first())
            let admin = try await BrowserSession.login(app, "admin.pekalongan")
            var page = ""
            try await app.testing().test(.POST, "/admin/pengguna/\(user.id!)/kode-aktivasi", headers: admin.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": admin.csrf], as: .urlEncodedForm)
            }) { res in page = res.body.string }
            let newCode = try #require(page.firstMatch(of: /<strong class="code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})<\/strong>/).map { String($0.output.1) })
            #expect(try await activate(app, username: "rt003rw005.medono", code: firstCode, password: "kata-sandi-baru-1") == .unauthorized)
            #expect(try await activate(app, username: "rt003rw005.medono", code: newCode, password: "kata-sandi-baru-1") == .seeOther)
            let jambi = try await BrowserSession.login(app, "admin.jambi")
            try await app.testing().test(.POST, "/admin/pengguna/\(user.id!)/kode-aktivasi", headers: jambi.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": jambi.csrf], as: .urlEncodedForm)
            }) { res in #expect(res.status == .notFound) }
        }
    }

    @Test("the page: upload, a printable list of codes, a wrong file type answered on the same page", arguments: [TestDatabase.sqlite])
    func page(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let admin = try await BrowserSession.login(app, "admin.pekalongan")
            func upload(_ name: String, _ content: String) async throws -> (HTTPStatus, String, String?) {
                var out: (HTTPStatus, String, String?) = (.ok, "", nil)
                let body = ImportWebTests().multipart(["_csrf": admin.csrf], file: Data(content.utf8), name: name)
                var headers = admin.headers
                headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
                try await app.testing().test(.POST, "/admin/pengguna/impor", headers: headers, body: body) { res in
                    out = (res.status, res.body.string, res.headers.first(name: .cacheControl))
                }
                return out
            }
            let (wrongStatus, wrongBody, _) = try await upload("daftar.pdf", "%PDF-1.4")
            #expect(wrongStatus == .unprocessableEntity && wrongBody.contains("Berkas harus Excel .xlsx atau .csv"))
            #expect(wrongBody.contains("<form method=\"post\" action=\"/admin/pengguna/impor\""))
            let (okStatus, okBody, cache) = try await upload("rt.csv", "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\n")
            #expect(okStatus == .ok && cache == "no-store")
            #expect(okBody.contains("Daftar kode aktivasi") && okBody.contains("rt003rw005.medono") && okBody.contains("Kelurahan Medono"))
            #expect(okBody.firstMatch(of: /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}/) != nil)
            try await app.testing().test(.GET, "/admin/pengguna/impor/templat.csv", headers: admin.headers) { res in
                #expect(res.status == .ok && res.body.string.hasPrefix("Nama,Telepon,Kecamatan,Kelurahan,RT,RW,Peran"))
            }
        }
    }
}
