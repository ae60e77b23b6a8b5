import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Access: authentication, scope, audit")
struct AccessTests {
    @Test("every non-public API operation answers 401 without credentials", arguments: TestDatabase.available)
    func unauthenticated(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let operations = app.apiOperations
            #expect(operations.count >= 12)
            for op in operations {
                let path = op.path.replacingOccurrences(of: #"\{[^}]+\}"#, with: UUID().uuidString, options: .regularExpression)
                try await app.testing().test(op.method, path, headers: ["Content-Type": "application/json"],
                                             body: ByteBuffer(string: "{}")) { res in
                    if op.access == .public {
                        #expect(res.status != .unauthorized, "\(op.method) \(op.path) is public")
                    } else {
                        #expect(res.status == .unauthorized, "\(op.method) \(op.path)")
                        let body = try res.content.decode(APIErrorBody.self)
                        #expect(body.error.code == "unauthenticated")
                    }
                }
            }
        }
    }

    @Test("bearer tokens: valid, garbage, revoked, expired", arguments: TestDatabase.available)
    func tokens(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (user, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(token)) { res in
                #expect(res.status == .ok)
                let me = try res.content.decode(MeDTO.self)
                #expect(me.username == "op.pekalongan" && me.grants.map(\.role) == ["operator"])
            }
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer("pyg_not-a-token")) { res in
                #expect(res.status == .unauthorized)
            }
            // Revoke through the API itself.
            var created: CreatedTokenDTO?
            try await app.testing().test(.POST, "/api/v1/tokens", headers: .bearer(token), beforeRequest: { req in
                try req.content.encode(CreateTokenRequest(name: "skrip", days: 1))
            }) { res in
                #expect(res.status == .created)
                created = try res.content.decode(CreatedTokenDTO.self)
            }
            let second = try #require(created)
            #expect(second.token.hasPrefix("pyg_"))
            let stored = try await APITokenModel.find(second.id, on: app.db)
            #expect(stored?.tokenHash != second.token && stored?.tokenHash.count == 64)
            try await app.testing().test(.DELETE, "/api/v1/tokens/\(second.id)", headers: .bearer(token)) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(second.token)) { res in
                #expect(res.status == .unauthorized)
            }
            // Expired: a day and a second later.
            let (_, shortLived) = try await app.testDirectory.createToken(for: user.id!, name: "pendek", days: 1, manager: nil, by: .cli("test"))
            app.clock = .fixed(testNow.addingTimeInterval(86_401))
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(shortLived)) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }

    @Test("admins see and change only users of their own Pemda (404 elsewhere)", arguments: TestDatabase.available)
    func adminScope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, pekalonganAdmin) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let (_, jambiAdmin) = try await app.makeUser("admin.jambi", .admin, "15.71")
            let (medonoUser, medonoToken) = try await app.makeUser("kel.medono", .kelurahan, "33.75.01.1002")
            let (_, sponsorToken) = try await app.makeUser("sponsor.pekalongan", .sponsor, "33.75")

            try await app.testing().test(.GET, "/api/v1/users", headers: .bearer(pekalonganAdmin)) { res in
                let page = try res.content.decode(PageDTO<UserDTO>.self)
                #expect(Set(page.items.map(\.username)) == ["admin.pekalongan", "kel.medono", "sponsor.pekalongan"])
                #expect(page.total == 3)
            }
            try await app.testing().test(.GET, "/api/v1/users", headers: .bearer(jambiAdmin)) { res in
                let page = try res.content.decode(PageDTO<UserDTO>.self)
                #expect(page.items.map(\.username) == ["admin.jambi"])
            }
            for path in ["/api/v1/users/\(medonoUser.id!)"] {
                try await app.testing().test(.GET, path, headers: .bearer(jambiAdmin)) { res in
                    #expect(res.status == .notFound)
                    #expect(!res.body.string.contains("kel.medono"))
                }
            }
            try await app.testing().test(.POST, "/api/v1/users/\(medonoUser.id!)/grants", headers: .bearer(jambiAdmin), beforeRequest: { req in
                try req.content.encode(GrantInput(role: "kelurahan", region: "15.71.01.1001"))
            }) { res in #expect(res.status == .notFound) }
            // A Jambi admin cannot create a user in Pekalongan either.
            try await app.testing().test(.POST, "/api/v1/users", headers: .bearer(jambiAdmin), beforeRequest: { req in
                try req.content.encode(CreateUserRequest(username: "penyusup", displayName: "X", password: "rahasia-sekali",
                                                         grants: [GrantInput(role: "operator", region: "33.75")]))
            }) { res in
                #expect(res.status == .notFound)
                let decoded = try res.content.decode(APIErrorBody.self)
                #expect(decoded.error.code == "outside_scope")
            }
            // Non-admin roles are refused outright.
            for token in [medonoToken, sponsorToken] {
                try await app.testing().test(.GET, "/api/v1/users", headers: .bearer(token)) { res in
                    #expect(res.status == .forbidden)
                }
                try await app.testing().test(.GET, "/api/v1/audit", headers: .bearer(token)) { res in
                    #expect(res.status == .forbidden)
                }
            }
        }
    }

    @Test("user administration: validation errors, grants, audit with old and new values", arguments: TestDatabase.available)
    func userAdministration(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, admin) = try await app.makeUser("admin.pekalongan", .admin, "33.75")
            let (_, auditor) = try await app.makeUser("auditor.pekalongan", .auditor, "33.75")
            func create(_ body: CreateUserRequest, expect status: HTTPStatus, code: String? = nil) async throws -> UserDTO? {
                var user: UserDTO?
                try await app.testing().test(.POST, "/api/v1/users", headers: .bearer(admin), beforeRequest: { req in
                    try req.content.encode(body)
                }) { res in
                    #expect(res.status == status, "\(body.username): \(res.body.string)")
                    if let code {
                        let error = try res.content.decode(APIErrorBody.self)
                        #expect(error.error.code == code)
                    }
                    if res.status == .created { user = try res.content.decode(UserDTO.self) }
                }
                return user
            }
            let rtGrant = GrantInput(role: "rt", region: "33.75.01.1002", rt: "3", rw: "5")
            _ = try await create(.init(username: "A B", displayName: "x", password: "rahasia-sekali", grants: [rtGrant]), expect: .unprocessableEntity, code: "username_invalid")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "pendek", grants: [rtGrant]), expect: .unprocessableEntity, code: "password_too_weak")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali", grants: []), expect: .unprocessableEntity, code: "role_missing")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali",
                                       grants: [GrantInput(role: "rt", region: "33.75.01.1002")]), expect: .unprocessableEntity, code: "role_rt_rw_required")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali",
                                       grants: [GrantInput(role: "kelurahan", region: "33.75")]), expect: .unprocessableEntity, code: "role_scope_level_mismatch")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali",
                                       grants: [GrantInput(role: "kelurahan", region: "33.75.01.1999")]), expect: .unprocessableEntity, code: "region_not_found")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali",
                                       grants: [GrantInput(role: "lurah", region: "33.75.01.1002")]), expect: .unprocessableEntity, code: "role_unknown")
            let user = try #require(try await create(.init(username: "RT.Medono", displayName: "Pak RT", password: "rahasia-sekali", grants: [rtGrant]), expect: .created))
            #expect(user.username == "rt.medono" && user.grants.first?.rt == "003")
            _ = try await create(.init(username: "rt.medono", displayName: "x", password: "rahasia-sekali", grants: [rtGrant]), expect: .conflict, code: "username_taken")

            // Add a second role, then remove the first; the last one cannot go.
            try await app.testing().test(.POST, "/api/v1/users/\(user.id)/grants", headers: .bearer(admin), beforeRequest: { req in
                try req.content.encode(GrantInput(role: "kelurahan", region: "33.75.01.1003"))
            }) { res in #expect(res.status == .ok) }
            try await app.testing().test(.DELETE, "/api/v1/users/\(user.id)/grants/\(user.grants[0].id!)", headers: .bearer(admin)) { res in
                #expect(res.status == .ok)
                let decoded = try res.content.decode(UserDTO.self)
                #expect(decoded.grants.map(\.role) == ["kelurahan"])
            }
            let remaining = try await AccessQueries(db: app.db).grants(of: user.id)
            try await app.testing().test(.DELETE, "/api/v1/users/\(user.id)/grants/\(remaining[0].id!)", headers: .bearer(admin)) { res in
                #expect(res.status == .unprocessableEntity)
                let decoded = try res.content.decode(APIErrorBody.self)
                #expect(decoded.error.code == "last_role")
            }

            // The auditor sees each write with old and new values.
            try await app.testing().test(.GET, "/api/v1/audit?entityId=\(user.id)", headers: .bearer(auditor)) { res in
                #expect(res.status == .ok)
                let page = try res.content.decode(PageDTO<AuditEventDTO>.self)
                #expect(page.items.map(\.action) == ["user.grant_remove", "user.grant_add", "user.create"])
                let creation = page.items[2]
                #expect(creation.actor == "admin.pekalongan" && creation.source.hasPrefix("api"))
                #expect(creation.changes?["username"] == FieldChange(old: nil, new: "rt.medono"))
                #expect(page.items[0].changes?["role"]?.old?.contains("RT 003/RW 005") == true)
                #expect(page.items[0].changes?["role"]?.new == nil)
            }
            // And the auditor's read is itself logged.
            let reads = try await app.db.sql.select().column("action").from("audit_events")
                .where("action", .equal, "audit.read").all()
            #expect(reads.count == 1)
        }
    }

    @Test("the audit trail refuses UPDATE and DELETE, even in raw SQL", arguments: TestDatabase.available)
    func auditInsertOnly(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            try await app.makeUser("operator1", .operator, "33.75")
            let before = try await app.db.sql.select().column("id").from("audit_events").all().count
            #expect(before >= 2)
            await #expect(throws: (any Error).self) {
                try await app.db.sql.raw("UPDATE audit_events SET actor_username = 'someone else'").run()
            }
            await #expect(throws: (any Error).self) {
                try await app.db.sql.raw("DELETE FROM audit_events").run()
            }
            let after = try await app.db.sql.select().column("id").from("audit_events")
                .where("actor_username", .equal, "someone else").all().count
            #expect(after == 0)
            #expect(try await app.db.sql.select().column("id").from("audit_events").all().count == before)
        }
    }
}
