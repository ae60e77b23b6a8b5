import Foundation
import PayungCore
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

/// Programs and proposals for tests.
extension Application {
    @discardableResult
    func makeProgram(code: String = "pkl-bb-2027", regency: String = "33.75", quota: Int = 10,
                     start: String = "2027-01", end: String = "2027-12",
                     occupations: [String] = ["batik_labourer", "becak_driver", "porter"]) async throws -> ProgramModel {
        try await ProgramService(db: db, now: clock.now()).create(
            ProgramInput(code: code, regency: regency, name: "Batik Berlian \(code)", startMonth: start, endMonth: end,
                         legalBasis: "Perwal 19/2022", benefits: ["JKK", "JKM"], quota: quota, occupations: occupations),
            actor: nil, by: .cli("test"))
    }

    var testProposals: ProposalService {
        ProposalService(db: db, now: clock.now(), today: clock.today)
    }
}

/// A valid NIK of a woman born on day `day` of June 1985 in Pekalongan Barat,
/// distinct per serial.
func testNIK(serial: Int, district: String = "337501") -> String {
    district + "450685" + String(format: "%04d", serial)
}

func proposalInput(program: ProgramModel, nik: String, name: String = "Siti Aminah", village: String = "33.75.01.1002",
                   rt: String = "003", rw: String = "005", occupation: String = "batik_labourer",
                   submit: Bool = true, confirm: Bool = true) -> ProposalInput {
    ProposalInput(programID: program.id!, nik: nik, name: name, village: village, rt: rt, rw: rw, occupation: occupation,
                  heirs: [HeirInput(name: "Ahmad", relation: "suami")], submit: submit, confirmWarnings: confirm)
}

extension Actor {
    static func test(_ role: Role, _ region: String, rt: String? = nil, rw: String? = nil) throws -> Actor {
        Actor(userID: UUID().uuidString, username: "\(role.rawValue).test",
              grants: [try RoleGrant(role: role, region: RegionCode(region)!, rt: rt, rw: rw)])
    }
}
