import Testing
@testable import PayungCore

@Suite("Access policy")
struct AccessPolicyTests {
    let medono = RegionCode("33.75.01.1002")!
    let podosugih = RegionCode("33.75.01.1003")!
    let pekalonganBarat = RegionCode("33.75.01")!
    let pekalongan = RegionCode("33.75")!
    let jambi = RegionCode("15.71")!
    let jambiVillage = RegionCode("15.71.01.1001")!

    func actor(_ role: Role, _ region: RegionCode, rt: String? = nil, rw: String? = nil) throws -> Actor {
        Actor(userID: "u", username: "u", grants: [try RoleGrant(role: role, region: region, rt: rt, rw: rw)])
    }

    @Test("grants sit at the level their role works at")
    func grantLevels() throws {
        #expect(throws: AccessError.scopeLevelMismatch(role: .kelurahan, region: pekalongan)) {
            try RoleGrant(role: .kelurahan, region: pekalongan)
        }
        #expect(throws: AccessError.scopeLevelMismatch(role: .operator, region: medono)) {
            try RoleGrant(role: .operator, region: medono)
        }
        #expect(throws: AccessError.neighbourhoodRequired) { try RoleGrant(role: .rt, region: medono) }
        #expect(throws: AccessError.neighbourhoodOnlyForRT) { try RoleGrant(role: .kelurahan, region: medono, rt: "1", rw: "2") }
        let rt = try RoleGrant(role: .rt, region: medono, rt: "3", rw: "05")
        #expect(rt.rt == "003" && rt.rw == "005")
        #expect(try RoleGrant(role: .auditor, region: RegionCode("33")!).region.level == .province)
        #expect(RoleGrant.neighbourhoodNumber("0") == nil && RoleGrant.neighbourhoodNumber("1000") == nil)
    }

    /// Who may do what on a record in RT 003/RW 005 of Medono (Kota Pekalongan).
    @Test("role x action on a record, inside and outside scope")
    func recordMatrix() throws {
        let record = RecordLocation(village: medono, rt: "3", rw: "5")
        let inside: [(Actor, Set<Action>)] = [
            (try actor(.rt, medono, rt: "003", rw: "005"), [.readRecord, .readFullNIK, .propose, .reportClaim]),
            (try actor(.kelurahan, medono), [.readRecord, .readFullNIK, .verifyKelurahan, .reportClaim]),
            (try actor(.kecamatan, pekalonganBarat), [.readRecord, .readFullNIK, .verifyKecamatan]),
            (try actor(.operator, pekalongan), [.readRecord, .readFullNIK, .approve, .register, .importExport, .manageClaims, .reportClaim]),
            (try actor(.kepalaDinas, pekalongan), [.readRecord, .approve]),
            (try actor(.bpjs, pekalongan), [.readRecord, .readFullNIK, .register, .manageClaims, .reportClaim]),
            (try actor(.sponsor, pekalongan), []),
            (try actor(.admin, pekalongan), []),
            (try actor(.auditor, pekalongan), [.readRecord, .readFullNIK]),
        ]
        let recordActions: [Action] = [.readRecord, .readFullNIK, .propose, .verifyKelurahan, .verifyKecamatan,
                                       .approve, .register, .importExport, .manageClaims, .reportClaim]
        for (actor, allowed) in inside {
            for action in recordActions {
                #expect(AccessPolicy.may(actor, action, at: record) == allowed.contains(action),
                        "\(actor.grants[0].role) \(action)")
            }
        }
        // The same roles one village, one RT, or one city away: nothing.
        let outside: [Actor] = [
            try actor(.rt, medono, rt: "004", rw: "005"), try actor(.rt, podosugih, rt: "003", rw: "005"),
            try actor(.kelurahan, podosugih), try actor(.kecamatan, RegionCode("33.75.02")!),
            try actor(.operator, jambi), try actor(.bpjs, jambi), try actor(.auditor, jambi),
        ]
        for actor in outside {
            for action in recordActions { #expect(!AccessPolicy.may(actor, action, at: record)) }
        }
    }

    @Test("tiers cannot act for each other")
    func tiers() throws {
        let record = RecordLocation(village: medono)
        #expect(!AccessPolicy.may(try actor(.kelurahan, medono), .verifyKecamatan, at: record))
        #expect(!AccessPolicy.may(try actor(.kecamatan, pekalonganBarat), .verifyKelurahan, at: record))
        #expect(!AccessPolicy.may(try actor(.kecamatan, pekalonganBarat), .approve, at: record))
        #expect(!AccessPolicy.may(try actor(.rt, medono, rt: "1", rw: "1"), .verifyKelurahan, at: record))
    }

    @Test("region actions: users, audit, aggregates")
    func regionActions() throws {
        let admin = try actor(.admin, pekalongan)
        #expect(AccessPolicy.may(admin, .manageUsers, in: medono))
        #expect(AccessPolicy.may(admin, .manageUsers, in: pekalongan))
        #expect(!AccessPolicy.may(admin, .manageUsers, in: jambiVillage))
        #expect(!AccessPolicy.may(admin, .manageUsers, in: RegionCode("33")!))
        #expect(!AccessPolicy.may(try actor(.operator, pekalongan), .manageUsers, in: medono))
        #expect(AccessPolicy.may(try actor(.auditor, pekalongan), .readAudit, in: medono))
        #expect(!AccessPolicy.may(try actor(.operator, pekalongan), .readAudit, in: medono))
        #expect(AccessPolicy.may(try actor(.sponsor, pekalongan), .readAggregates, in: pekalongan))
        #expect(!AccessPolicy.mayAnywhere(try actor(.sponsor, pekalongan), .readRecord))
        #expect(!AccessPolicy.mayAnywhere(try actor(.sponsor, pekalongan), .readFullNIK))
        #expect(!AccessPolicy.mayAnywhere(try actor(.kepalaDinas, pekalongan), .readFullNIK))
    }

    @Test("list scopes: one per grant, narrower ones folded into wider")
    func scopes() throws {
        let many = Actor(userID: "u", username: "u", grants: [
            try RoleGrant(role: .kelurahan, region: medono),
            try RoleGrant(role: .kecamatan, region: pekalonganBarat),
            try RoleGrant(role: .rt, region: podosugih, rt: "1", rw: "1"),
            try RoleGrant(role: .operator, region: jambi),
        ])
        #expect(AccessPolicy.scopes(of: many, for: .readRecord).map(\.region) == [jambi, pekalonganBarat])
        #expect(AccessPolicy.scopes(of: many, for: .verifyKelurahan).map(\.region) == [medono])
        #expect(AccessPolicy.scopes(of: many, for: .manageUsers).isEmpty)
        let rtOnly = Actor(userID: "u", username: "u", grants: [try RoleGrant(role: .rt, region: podosugih, rt: "1", rw: "1")])
        #expect(AccessPolicy.scopes(of: rtOnly, for: .propose) == [AccessScope(region: podosugih, rt: "001", rw: "001")])
    }

    @Test("NIK masking for lists")
    func masking() {
        #expect(NIK.mask("3375014506850001") == "3375********0001")
        #expect(NIK.mask("123") == "***")
    }
}
