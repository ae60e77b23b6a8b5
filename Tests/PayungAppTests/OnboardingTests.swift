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
    /// a kecamatan verifier, and some bad rows (lines 1,004 to 1,008).
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
            lines.append("Siti Verifikator,,Pekalongan Barat,Medono,,,Kelurahan")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func villages(_ app: Application) async throws -> [String] {
        try await RegionModel.query(on: app.db).filter(\.$level == "village").filter(\.$id >= "33.75.").filter(\.$id < "33.75/")
            .sort(\.$id).all().map(\.name)
    }

    static func importSheet(_ app: Application, _ body: Data, token: String, pemda: String? = nil,
                            contentType: HTTPMediaType = HTTPMediaType(type: "text", subType: "csv")) async throws -> (HTTPStatus, OnboardingResult?, String) {
        var out: (HTTPStatus, OnboardingResult?, String) = (.ok, nil, "")
        let path = "/api/v1/users/import" + (pemda.map { "?pemda=\($0)" } ?? "")
        var headers = HTTPHeaders.bearer(token)
        headers.contentType = contentType
        try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(data: body)) { res in
            out = (res.status, try? res.content.decode(OnboardingResult.self), res.body.string)
        }
        return out
    }

    static func importSheet(_ app: Application, _ csv: String, token: String, pemda: String? = nil) async throws -> (HTTPStatus, OnboardingResult?, String) {
        try await importSheet(app, Data(csv.utf8), token: token, pemda: pemda)
    }

    /// Posts the activation form as a browser does; the status and the page's error, if any.
    static func activate(_ app: Application, username: String, code: String, password: String,
                         confirm: String? = nil) async throws -> (status: HTTPStatus, error: String?) {
        var session = BrowserSession()
        try await app.testing().test(.GET, "/aktivasi") { res in session.absorb(res) }
        var out: (HTTPStatus, String?) = (.ok, nil)
        try await app.testing().test(.POST, "/aktivasi", headers: session.headers, beforeRequest: { req in
            try req.content.encode(["_csrf": session.csrf, "username": username, "code": code, "password": password,
                                    "confirmPassword": confirm ?? password], as: .urlEncodedForm)
        }) { res in
            out = (res.status, res.body.string.firstMatch(of: /id="activation-error">([^<]*)</).map { String($0.output.1) })
        }
        return out
    }

    @Test("a sheet of 1,000 RT heads becomes 1,000 accounts that each log in once with their code and set a password", arguments: TestDatabase.available)
    func thousand(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = Self.sheet(villages: try await Self.villages(app))
            let started = ContinuousClock.now
            let (status, result, body) = try await Self.importSheet(app, csv, token: adminToken)
            print("onboarding 1,002 accounts took \(ContinuousClock.now - started) on \(db)")
            #expect(status == .ok, "\(body.prefix(300))")
            let r = try #require(result)
            #expect(r.created == 1_002 && r.rejected == 5 && r.unchanged == 0)

            // Refused rows: line, column as the sheet titles it, a stable reason, words.
            let refused = Dictionary(uniqueKeysWithValues: r.rows.filter { $0.outcome == .rejected }.map { ($0.line, $0) })
            #expect(refused[1_004]?.column == "Peran" && refused[1_004]?.reason == "role_unknown" && refused[1_004]?.message.contains("Bupati") == true)
            #expect(refused[1_005]?.column == "Kelurahan" && refused[1_005]?.reason == "village_unknown"
                    && refused[1_005]?.message.contains("Simpang IV Sipin") == true)
            #expect(refused[1_006]?.column == "RT" && refused[1_006]?.reason == "rt_invalid")
            #expect(refused[1_007]?.column == "No HP" && refused[1_007]?.reason == "phone_invalid")
            #expect(refused[1_008]?.reason == "duplicate_row", "Siti twice in one sheet")

            struct Count: Decodable { let n: Int }
            func count(_ sql: SQLQueryString) async throws -> Int? { try await app.db.sql.raw(sql).first(decoding: Count.self)?.n }
            #expect(try await count("SELECT COUNT(*) AS n FROM role_grants WHERE role = 'rt'") == 1_000)
            #expect(try await count("SELECT COUNT(*) AS n FROM activation_codes") == 1_002)
            #expect(try await count("SELECT COUNT(*) AS n FROM activation_codes WHERE code_hash LIKE '%-%' OR LENGTH(code_hash) <> 64") == 0,
                    "codes are stored as SHA-256 only")
            #expect(try await count("SELECT COUNT(*) AS n FROM users WHERE phone = '081299990001' AND display_name = 'Siti Verifikator'") == 1,
                    "+62 812 9999 0001 is stored as 081299990001")
            #expect(try await auditCount(app, "user.onboard") == 1)

            let created = r.rows.filter { $0.outcome == .created }
            #expect(created[0].username == "rt001rw001.\(OnboardingRole.slug(try await Self.villages(app)[0]))")
            #expect(created[0].rt == "001" && created[0].rw == "001" && created[0].place?.hasPrefix("Kelurahan ") == true)
            #expect(created.contains { $0.username == "kec.pekalongan-barat" && $0.place == "Kecamatan Pekalongan Barat" })
            #expect(Set(created.compactMap(\.username)).count == 1_002 && Set(created.compactMap(\.code)).count == 1_002)

            // A sample activates once with their code and then signs in; each code works once.
            for row in [created[0], created[499], created[999], created[1_000], created[1_001]] {
                let username = try #require(row.username), code = try #require(row.code)
                // Before activation the account cannot sign in.
                await #expect(throws: AccessError.invalidCredentials) {
                    _ = try await UserDirectory(db: app.db, now: app.clock.now(), passwords: PasswordHashing(app: app))
                        .signIn(username: username, password: "apa-saja-12345", by: AuditActor.cli("t"))
                }
                #expect(try await Self.activate(app, username: username, code: code.lowercased(), password: "kata-sandi-rt-\(username)").status == .seeOther)
                _ = try await BrowserSession.login(app, username, "kata-sandi-rt-\(username)")
                #expect(try await Self.activate(app, username: username, code: code, password: "lain-lagi-12345").status == .unauthorized)
            }
            #expect(try await auditCount(app, "user.activated") == 5)

            // The same sheet again: nothing new, no new code, each row says so.
            let (_, again, _) = try await Self.importSheet(app, csv, token: adminToken)
            #expect(again?.created == 0 && again?.unchanged == 1_002 && again?.rejected == 5)
            #expect(again?.rows.allSatisfy { $0.code == nil } == true)
            #expect(again?.rows.first { $0.username == created[0].username }?.message.contains("sudah aktif") == true)
            #expect(again?.rows.first { $0.username == created[1].username }?.message.contains("belum aktivasi") == true)
            #expect(try await count("SELECT COUNT(*) AS n FROM users") == 1_003)
            #expect(try await count("SELECT COUNT(*) AS n FROM activation_codes") == 1_002)
        }
    }

    @Test("a wrong code, an unknown user and an expired code get the same answer; attempts are limited", arguments: [TestDatabase.sqlite])
    func wrongCodes(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\nWati,Medono,4,5,Ketua RT\r\n"
            let (_, result, _) = try await Self.importSheet(app, csv, token: adminToken)
            let budi = try #require(result?.rows.first), wati = try #require(result?.rows.last)
            #expect(budi.username == "rt003rw005.medono" && wati.username == "rt004rw005.medono")
            let wrong = try await Self.activate(app, username: "rt003rw005.medono", code: "AAAA-BBBB-CC", password: "kata-sandi-baru-1")
            let unknown = try await Self.activate(app, username: "tidak.ada", code: try #require(budi.code), password: "kata-sandi-baru-1")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.error != nil && wrong.error == unknown.error)
            // Past 30 days the code no longer works, with the same answer.
            app.clock = .fixed(testNow.addingTimeInterval(31 * 86_400))
            let expired = try await Self.activate(app, username: "rt004rw005.medono", code: try #require(wati.code), password: "kata-sandi-baru-1")
            #expect(expired.status == .unauthorized && expired.error == wrong.error)
            app.clock = .fixed(testNow)
            // Two passwords that differ: said so, the code is kept.
            let mismatch = try await Self.activate(app, username: "rt004rw005.medono", code: try #require(wati.code),
                                                   password: "kata-sandi-baru-1", confirm: "kata-sandi-baru-2")
            #expect(mismatch.status == .unprocessableEntity && mismatch.error?.contains("tidak sama") == true)
            #expect(try await Self.activate(app, username: "rt004rw005.medono", code: try #require(wati.code), password: "kata-sandi-baru-1").status == .seeOther)
            for _ in 0..<5 { _ = try await Self.activate(app, username: "rt003rw005.medono", code: "AAAA-BBBB-CC", password: "kata-sandi-baru-1") }
            // Locked out for a while, even with the right code.
            #expect(try await Self.activate(app, username: "rt003rw005.medono", code: try #require(budi.code), password: "kata-sandi-baru-1").status == .tooManyRequests)
            #expect(try await auditCount(app, "user.activated") == 1)
        }
    }

    @Test("a Jambi admin cannot onboard into Kota Pekalongan; an admin re-issues a lost code", arguments: [TestDatabase.sqlite])
    func scoped(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, jambiToken) = try await app.makeUser("admin.jambi", .admin, "15.71")
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let csv = "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\nKode,33.75.01.1002,4,5,Ketua RT\r\n"
            let (status, _, _) = try await Self.importSheet(app, csv, token: jambiToken, pemda: "33.75")
            #expect(status == .forbidden)
            let (_, jambiOwn, _) = try await Self.importSheet(app, csv, token: jambiToken)
            #expect(jambiOwn?.created == 0 && jambiOwn?.rejected == 2, "Medono is not in Kota Jambi, by name nor by code")
            #expect(jambiOwn?.rows.allSatisfy { $0.reason == "village_unknown" && $0.column == "Kelurahan" } == true)
            #expect(try await UserModel.query(on: app.db).filter(\.$username ~~ "medono").count() == 0)

            let (_, result, _) = try await Self.importSheet(app, csv, token: adminToken)
            #expect(result?.created == 2)
            let firstCode = try #require(result?.rows.first?.code)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$username == "rt003rw005.medono").first())
            let admin = try await BrowserSession.login(app, "admin.pekalongan")
            var page = ""
            try await app.testing().test(.POST, "/admin/pengguna/\(user.id!)/kode-aktivasi", headers: admin.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": admin.csrf], as: .urlEncodedForm)
            }) { res in page = res.body.string }
            let newCode = try #require(page.firstMatch(of: /<strong class="code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})<\/strong>/).map { String($0.output.1) })
            #expect(try await auditCount(app, "user.activation_code", entityID: user.id!.uuidString) == 1)
            #expect(try await Self.activate(app, username: "rt003rw005.medono", code: firstCode, password: "kata-sandi-baru-1").status == .unauthorized)
            // The same over the API: a Jambi token does not see the user; the Pekalongan admin gets a code that replaces the page's.
            try await app.testing().test(.POST, "/api/v1/users/\(user.id!)/activation-code", headers: .bearer(jambiToken)) { res in
                #expect(res.status == .notFound)
            }
            var apiCode = ""
            try await app.testing().test(.POST, "/api/v1/users/\(user.id!)/activation-code", headers: .bearer(adminToken)) { res in
                #expect(res.status == .ok)
                apiCode = (try? res.content.decode(OnboardingController.Issued.self).code) ?? ""
            }
            #expect(try await auditCount(app, "user.activation_code", entityID: user.id!.uuidString) == 2)
            #expect(try await Self.activate(app, username: "rt003rw005.medono", code: newCode, password: "kata-sandi-baru-1").status == .unauthorized)
            #expect(try await Self.activate(app, username: "rt003rw005.medono", code: apiCode, password: "kata-sandi-baru-1").status == .seeOther)
            let jambi = try await BrowserSession.login(app, "admin.jambi")
            try await app.testing().test(.POST, "/admin/pengguna/\(user.id!)/kode-aktivasi", headers: jambi.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": jambi.csrf], as: .urlEncodedForm)
            }) { res in #expect(res.status == .notFound) }
        }
    }

    @Test("several verifiers per kelurahan; a new name for an RT that has a head changes nothing; a deactivated head is replaced",
          arguments: [TestDatabase.sqlite])
    func identities(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            try await app.makeUser("rt.pekalongan", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let csv = """
                Nama;Telepon;Kelurahan;RT;RW;Peran
                Siti;0812 1111 2222;Medono;;;Kelurahan
                Rina;;Medono;;;verifikator kelurahan
                Pak Baru;;Medono;3;5;ketua rt

                """.replacingOccurrences(of: "\n", with: "\r\n")
            let (_, first, _) = try await Self.importSheet(app, csv, token: adminToken)
            let rows = try #require(first?.rows)
            #expect(rows.map(\.outcome) == [.created, .created, .unchanged])
            #expect(rows[0].username == "kel.medono" && rows[1].username == "kel.medono2")
            #expect(rows[2].username == "rt.pekalongan" && rows[2].message.contains("atas nama Rt.Pekalongan") && rows[2].code == nil)
            // Siti, renamed in the sheet but with the same phone, is the same person.
            let renamed = csv.replacingOccurrences(of: "Siti;", with: "Siti Aminah;")
            let (_, again, _) = try await Self.importSheet(app, renamed, token: adminToken)
            #expect(again?.rows.map(\.outcome) == [.unchanged, .unchanged, .unchanged])
            // Once the old head's account is deactivated, the new head gets an account.
            try await app.db.sql.update("users").set("is_active", to: false).where("username", .equal, "rt.pekalongan").run()
            let (_, replaced, _) = try await Self.importSheet(app, csv, token: adminToken)
            #expect(replaced?.rows.last?.outcome == .created && replaced?.rows.last?.username == "rt003rw005.medono")
        }
    }

    @Test("the page: upload, a printable list of codes, refused rows with their column, templates", arguments: [TestDatabase.sqlite])
    func page(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let admin = try await BrowserSession.login(app, "admin.pekalongan")
            func upload(_ name: String, _ content: Data) async throws -> (HTTPStatus, String, String?) {
                var out: (HTTPStatus, String, String?) = (.ok, "", nil)
                let body = ImportWebTests().multipart(["_csrf": admin.csrf], file: content, name: name)
                var headers = admin.headers
                headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
                try await app.testing().test(.POST, "/admin/pengguna/impor", headers: headers, body: body) { res in
                    out = (res.status, res.body.string, res.headers.first(name: .cacheControl))
                }
                return out
            }
            let (wrongStatus, wrongBody, _) = try await upload("daftar.pdf", Data("%PDF-1.4".utf8))
            #expect(wrongStatus == .unprocessableEntity && wrongBody.contains("Berkas harus Excel .xlsx atau .csv"))
            #expect(wrongBody.contains("<form method=\"post\" action=\"/admin/pengguna/impor\""))
            let csv = "Nama,Kelurahan,RT,RW,Peran\r\nBudi,Medono,3,5,Ketua RT\r\nAni,Medono,3,,Ketua RT\r\n"
            let (okStatus, okBody, cache) = try await upload("rt.csv", Data(csv.utf8))
            #expect(okStatus == .ok && cache == "no-store")
            #expect(okBody.contains("Daftar kode aktivasi") && okBody.contains("rt003rw005.medono") && okBody.contains("Kelurahan Medono"))
            #expect(okBody.contains(">003/005<") && okBody.contains("data-print"))
            #expect(okBody.firstMatch(of: /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}/) != nil)
            #expect(okBody.contains("Baris 3 <small>kolom RW</small>") && okBody.contains("<strong>Ditolak:</strong> RW wajib untuk Ketua RT"))

            // The templates: Payung's header words; the example rows are refused, so a filled template imports as it is.
            var csvTemplate = "", xlsxTemplate = Data()
            try await app.testing().test(.GET, "/admin/pengguna/impor/templat.csv", headers: admin.headers) { res in
                csvTemplate = res.body.string
            }
            #expect(csvTemplate.replacingOccurrences(of: "\u{FEFF}", with: "").hasPrefix("Nama,Telepon,Kecamatan,Kelurahan,RT,RW,Peran"))
            try await app.testing().test(.GET, "/admin/pengguna/impor/templat.xlsx", headers: admin.headers) { res in
                #expect(res.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                xlsxTemplate = Data(buffer: res.body)
            }
            let (templateStatus, templateBody, _) = try await upload("templat-akun-rt.xlsx", xlsxTemplate)
            #expect(templateStatus == .ok && templateBody.contains("0 akun dibuat") && templateBody.contains("3 baris ditolak"))
            #expect(templateBody.contains("Baris contoh dari templat"))
        }
    }

    @Test("an XLSX sheet over the API, as Excel writes it", arguments: [TestDatabase.sqlite])
    func xlsx(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, adminToken) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("onboarding-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            let writer = try XLSXWriter(url: url, sheetName: "Ketua RT", headers: ["Nama", "No. HP", "Kelurahan", "RT", "RW", "Jabatan"])
            try writer.append([.text("Budi"), .text("6281234567890"), .text("Medono"), .number(3), .number(5), .text("Ketua RT")])
            try writer.append([.text("Wati"), .text("081234567891"), .text("33.75.01.1002"), .text("004"), .text("005"), .text("RT")])
            try writer.finish()
            let (status, result, body) = try await Self.importSheet(app, try Data(contentsOf: url), token: adminToken,
                contentType: HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
            #expect(status == .ok, "\(body.prefix(300))")
            #expect(result?.created == 2 && result?.rows.compactMap(\.username) == ["rt003rw005.medono", "rt004rw005.medono"])
            struct Phone: Decodable { let phone: String? }
            let phone = try await app.db.sql.raw("SELECT phone FROM users WHERE username = 'rt003rw005.medono'").first(decoding: Phone.self)
            #expect(phone?.phone == "081234567890")
        }
    }
}
