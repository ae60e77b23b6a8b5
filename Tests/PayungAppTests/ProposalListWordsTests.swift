import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Pages as people read them, light on the network")
struct ProposalListWordsTests {
    @Test("the queue names the kelurahan, not its code", arguments: TestDatabase.available)
    func villageNames(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 121)))
            }) { res in #expect(res.status == .created) }
            let session = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/usulan", headers: session.headers) { res in
                let body = res.body.string
                #expect(body.contains("Medono <small>RT 003/RW 005</small>"))
                #expect(!body.contains("<td>33.75.01.1002"))
            }
        }
    }

    @Test("pages travel gzip-compressed to a browser that asks for it")
    func compressed() async throws {
        try await withTestApp(.sqlite) { app in
            try await app.testing(method: .running(port: 0)).test(.GET, "/masuk", headers: ["Accept-Encoding": "gzip"]) { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .contentEncoding) == "gzip")
            }
        }
    }

    @Test("static files may be cached for a day and revalidated; pages are not")
    func staticCache() async throws {
        try await withTestApp(.sqlite) { app in
            try await app.testing().test(.GET, "/css/payung.css") { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .cacheControl) == "public, max-age=86400")
                #expect(res.headers.first(name: .eTag) != nil)
            }
            try await app.testing().test(.GET, "/masuk") { res in
                #expect(res.headers.first(name: .cacheControl) != "public, max-age=86400")
            }
        }
    }
}
