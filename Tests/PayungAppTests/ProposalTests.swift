import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Proposals: workflow, scope, duplicates, quota, continuation")
struct ProposalTests {
    struct Cast {
        let rt: String, medono: String, podosugih: String, kecamatan: String, op: String, sponsor: String
    }

    func cast(_ app: Application) async throws -> Cast {
        Cast(rt: try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005").token,
             medono: try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002").token,
             podosugih: try await app.makeUser("kel.podosugih", .kelurahan, "33.75.01.1003").token,
             kecamatan: try await app.makeUser("kec.barat", .kecamatan, "33.75.01").token,
             op: try await app.makeUser("op.pekalongan", .operator, "33.75").token,
             sponsor: try await app.makeUser("sponsor.pekalongan", .sponsor, "33.75").token)
    }

    func act(_ app: Application, _ token: String, _ id: UUID, _ input: TransitionInput,
             expect status: HTTPStatus, code: String? = nil) async throws {
        try await app.testing().test(.POST, "/api/v1/proposals/\(id)/transitions", headers: .bearer(token), beforeRequest: { req in
            try req.content.encode(input)
        }) { res in
            #expect(res.status == status, "\(input.action): \(res.body.string)")
            if let code {
                let error = try res.content.decode(APIErrorBody.self)
                #expect(error.error.code == code)
            }
        }
    }

    @Test("RT to approval through every tier; illegal steps refused; other villages see nothing", arguments: TestDatabase.available)
    func workflow(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let c = try await cast(app)
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(c.rt), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program, nik: testNIK(serial: 1)))
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                created = try res.content.decode(ProposalDTO.self)
            }
            let proposal = try #require(created)
            #expect(proposal.status == "submitted" && proposal.nik == testNIK(serial: 1))

            // Another village's verifier: 404 on every route, nothing in lists.
            try await app.testing().test(.GET, "/api/v1/proposals/\(proposal.id)", headers: .bearer(c.podosugih)) { res in
                #expect(res.status == .notFound)
                #expect(!res.body.string.contains("Siti"))
            }
            try await app.testing().test(.GET, "/api/v1/proposals", headers: .bearer(c.podosugih)) { res in
                let page = try res.content.decode(PageDTO<ProposalDTO>.self)
                #expect(page.total == 0 && page.items.isEmpty)
            }
            try await act(app, c.podosugih, proposal.id, .init(action: "verify"), expect: .notFound)
            // The sponsor: nothing personal, anywhere.
            for path in ["/api/v1/proposals", "/api/v1/proposals/\(proposal.id)"] {
                try await app.testing().test(.GET, path, headers: .bearer(c.sponsor)) { res in
                    #expect(!res.body.string.contains("Siti") && !res.body.string.contains("3375"))
                }
            }
            // Skipping or reordering tiers.
            try await act(app, c.kecamatan, proposal.id, .init(action: "verify"), expect: .forbidden, code: "role_not_allowed")
            try await act(app, c.op, proposal.id, .init(action: "approve"), expect: .conflict, code: "transition_not_allowed")
            try await act(app, c.medono, proposal.id, .init(action: "return"), expect: .unprocessableEntity, code: "reason_required")
            try await act(app, c.medono, proposal.id, .init(action: "reject"), expect: .unprocessableEntity, code: "rejection_reason_required")
            try await act(app, c.medono, proposal.id, .init(action: "fly"), expect: .unprocessableEntity, code: "action_unknown")
            // The legal path.
            try await act(app, c.medono, proposal.id, .init(action: "verify"), expect: .ok)
            try await act(app, c.medono, proposal.id, .init(action: "verify"), expect: .forbidden, code: "role_not_allowed")
            try await act(app, c.kecamatan, proposal.id, .init(action: "verify"), expect: .ok)
            try await act(app, c.op, proposal.id, .init(action: "approve"), expect: .ok)
            try await act(app, c.op, proposal.id, .init(action: "register", kpj: "12345678901"), expect: .unprocessableEntity, code: "start_date_invalid")
            try await act(app, c.op, proposal.id, .init(action: "register", kpj: "123", startDate: "2027-01-01"), expect: .unprocessableEntity, code: "kpj_wrong_length")
            try await act(app, c.op, proposal.id, .init(action: "register", kpj: "12345678901", startDate: "2027-01-01"), expect: .ok)

            let events = try await ProposalEventModel.query(on: app.db).filter(\.$proposalID == proposal.id).sort(\.$at).all()
            #expect(events.map(\.action) == ["submit", "verify", "verify", "approve", "register"])
            #expect(events.map(\.toStatus) == ["submitted", "verified_kelurahan", "verified_kecamatan", "approved", "registered"])
            #expect(try await ProgramModel.find(program.id, on: app.db)?.approvedCount == 1)
            let audits = try await app.db.sql.select().column("action").from("audit_events")
                .where("entity_id", .equal, proposal.id.uuidString).where("action", .like, "proposal.%")
                .where("action", .notEqual, "proposal.view_full_nik").all()
            #expect(audits.count == 5)

            // Lists mask the NIK; the operator's inbox counts what waits.
            try await app.testing().test(.GET, "/api/v1/proposals", headers: .bearer(c.op)) { res in
                let page = try res.content.decode(PageDTO<ProposalDTO>.self)
                #expect(page.items.map(\.nik) == ["3375********0001"])
            }
        }
    }

    @Test("entry checks block bad rows and catch a duplicate NIK wherever it lives", arguments: TestDatabase.available)
    func entryChecks(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program2026 = try await app.makeProgram(code: "pkl-bb-2026", start: "2026-01", end: "2026-12")
            let program2027 = try await app.makeProgram(code: "pkl-bb-2027")
            let (_, rt) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            func post(_ input: ProposalInput, path: String = "/api/v1/proposals") async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, path, headers: .bearer(rt), beforeRequest: { req in
                    try req.content.encode(input)
                }) { res in result = (res.status, res.body.string) }
                return result
            }
            let (status, _) = try await post(proposalInput(program: program2026, nik: testNIK(serial: 7)))
            #expect(status == .created)
            // Same person, next year's program: caught, naming where.
            let (dupStatus, dupBody) = try await post(proposalInput(program: program2027, nik: "3375-0145-0685-0007"))
            #expect(dupStatus == .unprocessableEntity)
            #expect(dupBody.contains("entry_check_failed") && dupBody.contains("Batik Berlian pkl-bb-2026"))
            // Already active at BPJS.
            let bpjs = BPJSActiveParticipantModel()
            bpjs.id = testNIK(serial: 8)
            bpjs.segment = "SC"
            bpjs.importedAt = testNow
            try await bpjs.create(on: app.db)
            var check: CheckResultDTO?
            try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(rt), beforeRequest: { req in
                try req.content.encode(proposalInput(program: program2027, nik: testNIK(serial: 8), occupation: "gravedigger"))
            }) { res in check = try res.content.decode(CheckResultDTO.self) }
            #expect(check?.ok == false)
            #expect(check?.issues.map(\.code) == ["duplicate_bpjs_active", "occupation_not_eligible"])
            // Outside the RT's own neighbourhood: refused.
            let (scopeStatus, _) = try await post(proposalInput(program: program2027, nik: testNIK(serial: 9), rt: "004"))
            #expect(scopeStatus == .forbidden)
            // Warnings (NIK issued elsewhere) need a confirmation to submit.
            let (warnStatus, warnBody) = try await post(proposalInput(program: program2027, nik: "3201014506850009", confirm: false))
            #expect(warnStatus == .unprocessableEntity && warnBody.contains("warnings_not_confirmed"))
            let (confirmedStatus, _) = try await post(proposalInput(program: program2027, nik: "3201014506850009", confirm: true))
            #expect(confirmedStatus == .created)
        }
    }

    @Test("100 concurrent approvals of the last free slot: exactly one succeeds", arguments: TestDatabase.available)
    func lastSlot(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(quota: 1)
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (opUser, _) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let rtActor = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            let opActor = try #require(try await AccessQueries(db: app.db).authenticated(userID: opUser.id!, method: .token)).actor
            var ids: [UUID] = []
            for serial in 1...100 {
                let (p, _) = try await app.testProposals.propose(proposalInput(program: program, nik: testNIK(serial: serial)),
                                                                 actor: rtActor, by: .cli("test"))
                ids.append(p.id!)
            }
            try await app.db.sql.update("proposals").set("status", to: "verified_kecamatan").run()
            let service = app.testProposals
            let outcomes = await withTaskGroup(of: String.self) { group in
                for id in ids {
                    group.addTask {
                        do {
                            _ = try await service.transition(id, TransitionInput(action: "approve"), actor: opActor, by: .cli("test"))
                            return "ok"
                        } catch {
                            return PresentedError(error).code
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == "ok" }.count == 1)
            #expect(outcomes.filter { $0 == "quota_exhausted" }.count == 99)
            #expect(try await ProgramModel.find(program.id, on: app.db)?.approvedCount == 1)
            #expect(try await ProposalModel.query(on: app.db).filter(\.$status == "approved").count() == 1)
        }
    }

    @Test("continuing a program carries exactly the active participants", arguments: TestDatabase.available)
    func continuation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let p2022 = try await app.makeProgram(code: "pkl-bb-2022", quota: 1000, start: "2022-01", end: "2022-12")
            let (rtUser, _) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            let (_, opToken) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let rtActor = try #require(try await AccessQueries(db: app.db).authenticated(userID: rtUser.id!, method: .token)).actor
            app.clock = .fixed(Date(timeIntervalSince1970: 1_640_995_200 - 86_400 * 30)) // December 2021
            var ids: [UUID] = []
            for serial in 1...5 {
                ids.append(try await app.testProposals.propose(proposalInput(program: p2022, nik: testNIK(serial: serial)),
                                                               actor: rtActor, by: .cli("test")).0.id!)
            }
            app.clock = .fixed(testNow)
            try await app.db.sql.update("proposals").set("status", to: "active").where("id", .in, Array(ids.prefix(3))).run()
            try await app.db.sql.update("programs").set("approved_count", to: 3).where("id", .equal, p2022.id!).run()
            var result: ContinuedProgramDTO?
            try await app.testing().test(.POST, "/api/v1/programs/\(p2022.id!)/continue", headers: .bearer(opToken), beforeRequest: { req in
                try req.content.encode(ContinueProgramInput(code: "pkl-bb-2023", name: "Batik Berlian 2023", startMonth: "2023-01",
                                                            endMonth: "2023-12", quota: 2000))
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                result = try res.content.decode(ContinuedProgramDTO.self)
            }
            let next = try #require(result)
            #expect(next.carriedOver == 3 && next.program.approved == 3 && next.program.quota == 2000)
            #expect(next.program.occupations == ["batik_labourer", "becak_driver", "porter"])
            let carried = try await ProposalModel.query(on: app.db).filter(\.$programID == next.program.id).all()
            #expect(Set(carried.compactMap(\.continuedFrom)) == Set(ids.prefix(3)))
            #expect(carried.allSatisfy { $0.status == "active" })
            let old = try await ProposalModel.query(on: app.db).filter(\.$programID == p2022.id!).filter(\.$status == "ended").all()
            #expect(old.count == 3 && old.allSatisfy { $0.endReason == "program_end" })
        }
    }
}
