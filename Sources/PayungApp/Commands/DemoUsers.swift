import Foundation
import PayungCore

/// The demo accounts: one per role in each pilot city. All share one
/// password, printed by `payung demo` and listed in the README.
enum DemoUsers {
    static let password = "payung-demo"

    struct Account {
        let username: String
        let displayName: String
        let grant: GrantInput
    }

    /// For a pilot city: a village and its district for the field roles.
    static func accounts(city: String, slug: String, district: String, village: String, cityName: String) -> [Account] {
        [
            Account(username: "rt.\(slug)", displayName: "Ketua RT 003/RW 005 (\(cityName))",
                    grant: GrantInput(role: Role.rt.rawValue, region: village, rt: "003", rw: "005")),
            Account(username: "kelurahan.\(slug)", displayName: "Verifikator kelurahan (\(cityName))",
                    grant: GrantInput(role: Role.kelurahan.rawValue, region: village)),
            Account(username: "kecamatan.\(slug)", displayName: "Verifikator kecamatan (\(cityName))",
                    grant: GrantInput(role: Role.kecamatan.rawValue, region: district)),
            Account(username: "operator.\(slug)", displayName: "Operator Dinas (\(cityName))",
                    grant: GrantInput(role: Role.operator.rawValue, region: city)),
            Account(username: "kadis.\(slug)", displayName: "Kepala Dinas (\(cityName))",
                    grant: GrantInput(role: Role.kepalaDinas.rawValue, region: city)),
            Account(username: "bpjs.\(slug)", displayName: "Petugas BPJS (\(cityName))",
                    grant: GrantInput(role: Role.bpjs.rawValue, region: city)),
            Account(username: "sponsor.\(slug)", displayName: "Donatur CSR (\(cityName))",
                    grant: GrantInput(role: Role.sponsor.rawValue, region: city)),
            Account(username: "admin.\(slug)", displayName: "Admin (\(cityName))",
                    grant: GrantInput(role: Role.admin.rawValue, region: city)),
            Account(username: "auditor.\(slug)", displayName: "Auditor (\(cityName))",
                    grant: GrantInput(role: Role.auditor.rawValue, region: city)),
        ]
    }

    static let all: [Account] =
        accounts(city: "33.75", slug: "pekalongan", district: "33.75.01", village: "33.75.01.1002", cityName: "Kota Pekalongan")
        + accounts(city: "15.71", slug: "jambi", district: "15.71.01", village: "15.71.01.1001", cityName: "Kota Jambi")
}
