import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

/// Requests a hostile client sends: none stops the server, none learns what
/// it may not.
@Suite("Hostile requests: paging, login races and enumeration")
struct HostileRequestTests {
    @Test("a page number or size out of bounds is a 400 on every list, and the server keeps answering",
          arguments: TestDatabase.available)
    func pagingBounds(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let admin = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let auditor = try await app.makeUser("auditor.pekalongan", .auditor, "33.75")
            let huge = "9223372036854775807"
            let api: [(String, String)] = [
                ("/api/v1/proposals?page=\(huge)", op.token), ("/api/v1/proposals?size=\(huge)", op.token),
                ("/api/v1/proposals?page=0", op.token), ("/api/v1/proposals?page=-1", op.token),
                ("/api/v1/proposals?page=abc", op.token), ("/api/v1/users?page=\(huge)", admin.token),
                ("/api/v1/audit?page=\(huge)", auditor.token),
            ]
            for (path, token) in api {
                try await app.testing().test(.GET, path, headers: .bearer(token)) { res in
                    #expect(res.status == .badRequest, "\(path): \(res.status) \(res.body.string)")
                    let body = try? res.content.decode(APIErrorBody.self)
                    #expect(["page_invalid", "page_size_invalid"].contains(body?.error.code ?? ""), "\(path)")
                }
            }
            for (user, path) in [("op.pekalongan", "/usulan"), ("admin.pekalongan", "/admin/pengguna"), ("auditor.pekalongan", "/audit")] {
                let session = try await BrowserSession.login(app, user)
                try await app.testing().test(.GET, path + "?page=\(huge)", headers: session.headers) { res in
                    #expect(res.status == .badRequest, "\(path): \(res.status)")
                }
            }
            try await app.testing().test(.GET, "/api/v1/proposals?page=2&size=10", headers: .bearer(op.token)) { res in
                #expect(res.status == .ok)
            }
        }
    }

    @Test("50 parallel wrong passwords all count and lock the account", arguments: TestDatabase.available)
    func parallelFailures(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let user = try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002").user
            let directory = app.testDirectory
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await directory.signIn(username: "kel.medono", password: "salah-\(i)", by: .cli("t"))
                            Issue.record("a wrong password signed in")
                        } catch let error as AccessError {
                            #expect(error == .invalidCredentials)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await UserModel.find(user.id, on: app.db))
            #expect(stored.failedLogins >= 5, "failed_logins = \(stored.failedLogins)")
            #expect((stored.lockedUntil ?? .distantPast) > app.clock.now())
            // Locked: the right password is refused too, with the same error.
            await #expect(throws: AccessError.invalidCredentials) {
                _ = try await directory.signIn(username: "kel.medono", password: "rahasia-sekali", by: .cli("t"))
            }
        }
    }

    @Test("an unknown account and a locked one answer the same way; failures per address are bounded",
          arguments: TestDatabase.available)
    func enumerationAndAddressLimit(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            var browser = BrowserSession()
            try await app.testing().test(.GET, "/masuk") { res in browser.absorb(res) }
            func attempt(_ username: String, _ password: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, "/masuk", headers: browser.headers, beforeRequest: { req in
                    try req.content.encode(["username": username, "password": password, "_csrf": browser.csrf], as: .urlEncodedForm)
                }) { res in out = (res.status, res.body.string) }
                return out
            }
            for i in 0..<5 { _ = try await attempt("kel.medono", "salah-\(i)") }
            let locked = try await attempt("kel.medono", "rahasia-sekali")
            let unknown = try await attempt("tidak.ada", "rahasia-sekali")
            #expect(locked.0 == unknown.0 && locked.0 == .unauthorized)
            func message(_ html: String) -> String? {
                html.range(of: #"Nama pengguna atau kata sandi salah[^<]*"#, options: .regularExpression).map { String(html[$0]) }
            }
            #expect(message(locked.1) != nil && message(locked.1) == message(unknown.1))
            // The address has failed 7 times; 93 more reach the limit, the next is refused before any password check.
            // Known account, cheap hash in tests (an unknown one is checked against a cost-12 hash).
            for i in 0..<93 { #expect(try await attempt("kel.medono", "salah-lagi-\(i)").0 == .unauthorized) }
            let refused = try await attempt("kel.medono", "rahasia-sekali")
            #expect(refused.0 == .tooManyRequests)
            #expect(refused.1.contains("Terlalu banyak percobaan masuk"))
        }
    }
}

@Suite("NIK search: no prefix oracle, no NIK in a URL")
struct NIKSearchTests {
    @Test("a masked role cannot learn NIK digits by prefix; a full NIK is searched by POST and audited",
          arguments: TestDatabase.available)
    func search(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let kadis = try await app.makeUser("kadis.pekalongan", .kepalaDinas, "33.75")
            let nik = testNIK(serial: 7)
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: nik))
            }) { res in #expect(res.status == .created) }
            func total(_ query: String) async throws -> (HTTPStatus, Int?, String?) {
                var out: (HTTPStatus, Int?, String?) = (.ok, nil, nil)
                try await app.testing().test(.GET, "/api/v1/proposals?q=\(query)", headers: .bearer(kadis.token)) { res in
                    out = (res.status, try? res.content.decode(PageDTO<ProposalDTO>.self).total,
                           try? res.content.decode(APIErrorBody.self).error.code)
                }
                return out
            }
            // The first digits find nothing (a prefix is not a search), nor does any longer prefix.
            #expect(try await total("3").1 == 0)
            #expect(try await total("3375").1 == 0)
            #expect(try await total(String(nik.prefix(10))).2 == "search_partial_nik")
            // The last digits a masked NIK shows do find it.
            #expect(try await total(String(nik.suffix(4))).1 == 1)
            // A full NIK in the URL is refused.
            let inURL = try await total(nik)
            #expect(inURL.0 == .badRequest && inURL.2 == "nik_in_url")
            try await app.testing().test(.POST, "/api/v1/proposals/search", headers: .bearer(kadis.token), beforeRequest: { req in
                try req.content.encode(["nik": nik])
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let page = try res.content.decode(PageDTO<ProposalDTO>.self)
                #expect(page.total == 1 && page.items.first?.nik != nik, "kepala dinas sees masked NIKs")
            }
            #expect(try await auditCount(app, "proposal.search_nik") == 1)
            // The web list: the full-NIK search box posts.
            let session = try await BrowserSession.login(app, "kadis.pekalongan")
            try await app.testing().test(.GET, "/usulan?q=\(nik)", headers: session.headers) { res in
                #expect(res.status == .badRequest)
            }
            try await app.testing().test(.POST, "/usulan/cari-nik", headers: session.headers, beforeRequest: { req in
                try req.content.encode(["nik": nik, "_csrf": session.csrf], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Siti Aminah") && !res.body.string.contains(nik))
            }
        }
    }

    @Test("every view of a full NIK leaves an audit row, the edit form too", arguments: TestDatabase.available)
    func fullNIKViewsAudited(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let session = try await BrowserSession.login(app, "rt.medono")
            let user = try await app.testDirectory.createToken(
                for: try #require(try await UserModel.query(on: app.db).filter(\.$username == "rt.medono").first()).id!,
                name: "t", days: 1, manager: nil, by: .cli("t"))
            var id: UUID?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(user.1), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 8), submit: false))
            }) { res in id = try? res.content.decode(ProposalDTO.self).id }
            let proposalID = try #require(id)
            let before = try await auditCount(app, "proposal.view_full_nik")
            try await app.testing().test(.GET, "/usulan/\(proposalID)/ubah", headers: session.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(testNIK(serial: 8)))
            }
            #expect(try await auditCount(app, "proposal.view_full_nik") == before + 1)
        }
    }
}

@Suite("Bounded work for every request")
struct BoundedWorkTests {
    @Test("an anonymous client cannot make the server read a large body; texts and lists are bounded",
          arguments: TestDatabase.available)
    func bounds(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            // No session: refused before the body is read.
            try await app.testing().test(.POST, "/masuk", beforeRequest: { req in
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: "username=a&password=" + String(repeating: "x", count: 2_000_000))
            }) { res in #expect(res.status == .forbidden) }
            // An anonymous session: a body larger than a login form is 413, read no further than 16 KB.
            var browser = BrowserSession()
            try await app.testing().test(.GET, "/masuk") { res in browser.absorb(res) }
            try await app.testing().test(.POST, "/masuk", headers: browser.headers, beforeRequest: { req in
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: "_csrf=\(browser.csrf)&username=a&password=" + String(repeating: "x", count: 100_000))
            }) { res in #expect(res.status == .payloadTooLarge) }
            // Text fields have lengths.
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 9), name: String(repeating: "A", count: 5_000)))
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect((try? res.content.decode(APIErrorBody.self))?.error.code == "text_too_long")
            }
            // A mistyped filter is an error, not every record in scope; an empty bulk action is refused.
            try await app.testing().test(.GET, "/api/v1/proposals?program=abc", headers: .bearer(op.token)) { res in
                #expect(res.status == .badRequest)
            }
            try await app.testing().test(.POST, "/api/v1/proposals/bulk", headers: .bearer(op.token), beforeRequest: { req in
                try req.content.encode(BulkTransitionInput(ids: [], action: ""))
            }) { res in #expect(res.status == .unprocessableEntity) }
            try await app.testing().test(.POST, "/api/v1/proposals/search", headers: .bearer(op.token), beforeRequest: { req in
                try req.content.encode(ProposalSearchInput(nik: testNIK(serial: 1), page: 0))
            }) { res in #expect(res.status == .badRequest) }
            // Bulk actions take a bounded number of ids.
            try await app.testing().test(.POST, "/api/v1/proposals/bulk", headers: .bearer(op.token), beforeRequest: { req in
                try req.content.encode(BulkTransitionInput(ids: (0..<25_000).map { _ in UUID() }, action: "approve"))
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect((try? res.content.decode(APIErrorBody.self))?.error.code == "list_too_long")
            }
        }
    }
}
