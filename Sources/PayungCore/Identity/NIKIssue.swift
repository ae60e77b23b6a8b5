/// Why a NIK is rejected. Each case has a stable code for the API and a
/// message in Bahasa Indonesia.
public enum NIKRejection: DomainError, Equatable {
    case empty
    /// Excel turned the number into `3.37501E+15`: the last digits are gone.
    case scientificNotation
    case invalidCharacters
    case wrongLength(Int)
    case unknownProvince(String)
    /// Day or month do not make a real date (day 32 to 40 or above 71,
    /// month 13, 30 February...).
    case invalidBirthDate
    case birthDateInFuture(CalendarDate)
    case serialZero

    public var code: String {
        switch self {
        case .empty: "nik_empty"
        case .scientificNotation: "nik_scientific_notation"
        case .invalidCharacters: "nik_invalid_characters"
        case .wrongLength: "nik_wrong_length"
        case .unknownProvince: "nik_unknown_province"
        case .invalidBirthDate: "nik_invalid_birth_date"
        case .birthDateInFuture: "nik_birth_date_in_future"
        case .serialZero: "nik_serial_zero"
        }
    }

    public var message: String {
        switch self {
        case .empty:
            "NIK belum diisi."
        case .scientificNotation:
            "NIK tertulis dalam notasi ilmiah Excel (mis. 3.37501E+15) sehingga digit terakhirnya hilang. Format kolom NIK di Excel sebagai Teks lalu ketik ulang NIK dari KTP."
        case .invalidCharacters:
            "NIK hanya boleh berisi angka."
        case .wrongLength(let count):
            "NIK harus 16 digit, yang diisi \(count) digit."
        case .unknownProvince(let code):
            "Kode provinsi \(code) pada NIK tidak ada."
        case .invalidBirthDate:
            "Tanggal lahir pada NIK (digit 7 sampai 12) bukan tanggal yang ada."
        case .birthDateInFuture(let date):
            "Tanggal lahir pada NIK (\(date.indonesian)) belum lewat."
        case .serialZero:
            "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."
        }
    }
}

/// Something odd about a valid NIK that a person should look at, but that does
/// not block: region codes get split and renamed, so an unknown regency or
/// district in an old NIK is normal.
public enum NIKWarning: Equatable, Sendable, Hashable {
    case regencyUnknown(RegionCode)
    case districtUnknown(RegionCode)

    public var code: String {
        switch self {
        case .regencyUnknown: "nik_regency_unknown"
        case .districtUnknown: "nik_district_unknown"
        }
    }

    public var message: String {
        switch self {
        case .regencyUnknown(let code):
            "Kode kabupaten/kota \(code.dotted) pada NIK tidak ada di daftar wilayah saat ini (mungkin kode lama). Periksa KTP."
        case .districtUnknown(let code):
            "Kode kecamatan \(code.dotted) pada NIK tidak ada di daftar wilayah saat ini (mungkin kode lama). Periksa KTP."
        }
    }
}
