/// Access failures with stable codes and Indonesian messages.
public enum AccessError: DomainError, Equatable {
    case scopeLevelMismatch(role: Role, region: RegionCode)
    case neighbourhoodRequired
    case neighbourhoodOnlyForRT
    case notAuthenticated
    case invalidCredentials
    case accountLocked(minutes: Int)
    case forbidden
    case weakPassword
    case passwordMismatch

    public var code: String {
        switch self {
        case .scopeLevelMismatch: "role_scope_level_mismatch"
        case .neighbourhoodRequired: "role_rt_rw_required"
        case .neighbourhoodOnlyForRT: "role_rt_rw_only_for_rt"
        case .notAuthenticated: "unauthenticated"
        case .invalidCredentials: "invalid_credentials"
        case .accountLocked: "account_locked"
        case .forbidden: "forbidden"
        case .weakPassword: "password_too_weak"
        case .passwordMismatch: "password_mismatch"
        }
    }

    public var message: String {
        switch self {
        case .scopeLevelMismatch(let role, let region):
            "Peran \(role.indonesianName) tidak dapat diberikan untuk wilayah \(region.dotted) (\(region.level.indonesianName))."
        case .neighbourhoodRequired: "Ketua RT harus diberi nomor RT dan RW (1 sampai 999)."
        case .neighbourhoodOnlyForRT: "Nomor RT/RW hanya untuk peran Ketua RT."
        case .notAuthenticated: "Silakan masuk terlebih dahulu."
        case .invalidCredentials: "Nama pengguna atau kata sandi salah, atau akun sedang dikunci setelah 5 kali gagal (coba lagi 15 menit kemudian)."
        case .accountLocked(let minutes): "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam \(minutes) menit."
        case .forbidden: "Anda tidak berwenang melakukan ini."
        case .weakPassword: "Kata sandi minimal 10 karakter."
        case .passwordMismatch: "Kata sandi lama salah."
        }
    }

    public var kind: DomainErrorKind {
        switch self {
        case .notAuthenticated, .invalidCredentials: .unauthenticated
        case .accountLocked: .forbidden
        case .forbidden: .forbidden
        default: .invalidInput
        }
    }
}
