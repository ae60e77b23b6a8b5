import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Proposal pages: RT form, verifier queue, bulk, agency quota")
struct ProposalWebTests {
    @Test("an RT head proposes on the form; the kelurahan verifies in one click; bulk and quota pages", arguments: TestDatabase.available)
    func pages(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 1)
            try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            let rt = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/usulan/baru", headers: rt.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Medono") && res.body.string.contains("RT 003/RW 005"))
                #expect(res.body.readableBytes < 100_000)
            }
            func propose(_ nik: String, heir: String) async throws -> (HTTPStatus, String, String?) {
                var out: (HTTPStatus, String, String?) = (.ok, "", nil)
                try await app.testing().test(.POST, "/usulan/baru", headers: rt.headers, beforeRequest: { req in
                    try req.content.encode(["_csrf": rt.csrf, "programID": program.id!.uuidString, "nik": nik, "name": "Siti Aminah",
                                            "occupation": "batik_labourer", "heirName": heir, "heirRelation": "suami", "submit": "1"],
                                           as: .urlEncodedForm)
                }) { res in out = (res.status, res.body.string, res.headers.first(name: .location)) }
                return out
            }
            // A bad NIK: the form comes back with the reason and what was typed.
            let (badStatus, badBody, _) = try await propose("3.37501E+15", heir: "Ahmad")
            #expect(badStatus == .unprocessableEntity && badBody.contains("notasi ilmiah") && badBody.contains("Siti Aminah"))
            // No heir: a warning that must be confirmed.
            let (warnStatus, warnBody, _) = try await propose(testNIK(serial: 1), heir: "")
            #expect(warnStatus == .unprocessableEntity && warnBody.contains("Belum ada ahli waris") && warnBody.contains("confirmWarnings"))
            let (okStatus, _, location) = try await propose(testNIK(serial: 1), heir: "Ahmad")
            #expect(okStatus == .seeOther && location?.hasPrefix("/usulan/") == true)
            let (_, _, second) = try await propose(testNIK(serial: 2), heir: "Budi")
            #expect(second != nil)

            let kelurahan = try await BrowserSession.login(app, "kel.medono")
            try await app.testing().test(.GET, "/usulan", headers: kelurahan.headers) { res in
                #expect(res.body.string.contains("2 usulan menunggu verifikasi"))
                #expect(res.body.string.contains("3375********0001"))
                #expect(!res.body.string.contains(testNIK(serial: 1)))
            }
            let ids = try await ProposalModel.query(on: app.db).sort(\.$createdAt).all().map { $0.id! }
            try await app.testing().test(.POST, "/usulan/\(ids[0])/aksi", headers: kelurahan.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": kelurahan.csrf, "action": "verify"], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            // Bulk: one already verified (refused on its own), one fresh.
            try await app.testing().test(.POST, "/usulan/massal", headers: kelurahan.headers, beforeRequest: { req in
                try req.content.encode(BulkForm(_csrf: kelurahan.csrf, action: "verify", ids: ids), as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("1 berhasil diverifikasi, 1 tidak dapat."))
            }
            try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
            let op = try await BrowserSession.login(app, "op.pekalongan")
            try await app.testing().test(.POST, "/program/\(program.id!)/setujui-berikutnya", headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf, "count": "5"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("1 usulan disetujui"))
                #expect(res.body.string.contains("Kuota terpakai <strong>1</strong> dari 1"))
            }
        }
    }
}

struct BulkForm: Content {
    let _csrf: String
    let action: String
    let ids: [UUID]
}
