import Foundation
import PayungCore

/// Failures of user administration, with stable codes and Indonesian messages.
enum UserError: DomainError, Equatable {
    case invalidUsername
    case usernameTaken(String)
    case displayNameMissing
    case noRole
    case unknownRole(String)
    case invalidRegion(String)
    case regionNotFound(String)
    case outsideScope
    case lastGrant
    case tokenDaysOutOfRange

    var code: String {
        switch self {
        case .invalidUsername: "username_invalid"
        case .usernameTaken: "username_taken"
        case .displayNameMissing: "display_name_missing"
        case .noRole: "role_missing"
        case .unknownRole: "role_unknown"
        case .invalidRegion: "region_code_invalid"
        case .regionNotFound: "region_not_found"
        case .outsideScope: "outside_scope"
        case .lastGrant: "last_role"
        case .tokenDaysOutOfRange: "token_days_out_of_range"
        }
    }

    var message: String {
        switch self {
        case .invalidUsername: "Nama pengguna 3 sampai 40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
        case .usernameTaken(let name): "Nama pengguna \"\(name)\" sudah dipakai."
        case .displayNameMissing: "Nama lengkap wajib diisi."
        case .noRole: "Pengguna harus punya setidaknya satu peran."
        case .unknownRole(let role): "Peran \"\(role)\" tidak dikenal. Pilihan: \(Role.allCases.map(\.rawValue).joined(separator: ", "))."
        case .invalidRegion(let code): "Kode wilayah \"\(code)\" tidak valid."
        case .regionNotFound(let code): "Wilayah \(code) tidak ada di daftar wilayah."
        case .outsideScope: "Wilayah atau pengguna ini di luar wewenang Anda."
        case .lastGrant: "Peran terakhir tidak dapat dihapus; nonaktifkan penggunanya."
        case .tokenDaysOutOfRange: "Masa berlaku token 1 sampai 365 hari."
        }
    }

    var kind: DomainErrorKind {
        switch self {
        case .usernameTaken: .conflict
        case .outsideScope: .notFound
        default: .invalidInput
        }
    }

    /// Lower-case letters, digits, `.`, `_`, `-`; 3 to 40 characters.
    static func validUsername(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...40).contains(name.count), name.allSatisfy(allowed.contains) else { return nil }
        return name
    }
}
