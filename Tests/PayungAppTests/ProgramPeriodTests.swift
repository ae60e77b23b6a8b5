import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Program periods: upcoming, running, ended")
struct ProgramPeriodTests {
    @Test("an ended program takes no proposal or import; registration starts inside the period; realisation counts history",
          arguments: TestDatabase.available)
    func periods(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            // Today is 21 November 2026 in tests.
            let ended = try await app.makeProgram(code: "pkl-2025", start: "2025-01", end: "2025-12")
            let upcoming = try await app.makeProgram(code: "pkl-2027", start: "2027-01", end: "2027-12")
            let rt = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: ended, nik: testNIK(serial: 81)))
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("sudah berakhir") && res.body.string.contains("Januari 2025 sampai Desember 2025"))
            }
            let csv = "NIK,Nama,Kelurahan,RT,RW,Pekerjaan\n\(testNIK(serial: 82)),Budi,33.75.01.1002,3,5,porter\n"
            try await app.testing().test(.POST, "/api/v1/programs/\(ended.id!)/imports", headers: .bearer(op.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: csv)
            }) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("program_ended"))
            }
            // The RT head's form lists the upcoming program, not the ended one.
            let session = try await BrowserSession.login(app, "rt.medono")
            try await app.testing().test(.GET, "/usulan/baru", headers: session.headers) { res in
                #expect(res.body.string.contains(upcoming.id!.uuidString) && !res.body.string.contains(ended.id!.uuidString))
                #expect(res.body.string.contains("Akan berjalan"))
            }
            // Registration: a coverage start before the program's start is refused.
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token), beforeRequest: { req in
                try req.content.encode(proposalInput(program: upcoming, nik: testNIK(serial: 83)))
            }) { res in created = try? res.content.decode(ProposalDTO.self) }
            let proposal = try #require(created)
            try await app.db.sql.raw("UPDATE proposals SET status = 'approved' WHERE id = \(bind: proposal.id)").run()
            for (start, status) in [("2026-12-01", HTTPStatus.unprocessableEntity), ("2027-01-01", .ok)] {
                try await app.testing().test(.POST, "/api/v1/proposals/\(proposal.id)/transitions", headers: .bearer(op.token), beforeRequest: { req in
                    try req.content.encode(TransitionInput(action: "register", kpj: "12312312312", startDate: start))
                }) { res in #expect(res.status == status, "\(start): \(res.body.string)") }
            }
            // Realisation counts those registered even after they ended.
            try await app.db.sql.raw("UPDATE proposals SET status = 'ended' WHERE id = \(bind: proposal.id)").run()
            try await app.testing().test(.GET, "/api/v1/programs/\(upcoming.id!)", headers: .bearer(op.token)) { res in
                let dto = try res.content.decode(ProgramDTO.self)
                #expect(dto.realised == 1 && dto.phase == "upcoming")
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(ended.id!)", headers: .bearer(op.token)) { res in
                #expect((try? res.content.decode(ProgramDTO.self))?.phaseName == "Selesai")
            }
        }
    }
}
