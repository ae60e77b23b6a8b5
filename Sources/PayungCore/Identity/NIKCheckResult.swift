/// The answer to "is this NIK valid, and what does it say?", the same for the
/// CLI (`payung nik check`) and the API (`POST /api/v1/nik/check`).
public struct NIKCheckResult: Codable, Sendable, Equatable {
    public struct Note: Codable, Sendable, Equatable {
        public let code: String
        public let message: String
    }

    public let valid: Bool
    /// Reason code when invalid (`nik_wrong_length`...).
    public let reason: String?
    /// Reason in Bahasa Indonesia when invalid.
    public let message: String?
    public let warnings: [Note]
    /// YYYY-MM-DD.
    public let birthDate: String?
    /// `L` or `P`.
    public let sex: String?
    public let province: String?
    public let regency: String?
    public let district: String?

    public init(valid nik: NIK, warnings: [NIKWarning]) {
        self.valid = true
        self.reason = nil
        self.message = nil
        self.warnings = warnings.map { Note(code: $0.code, message: $0.message) }
        self.birthDate = nik.birthDate.iso
        self.sex = nik.sex.rawValue
        self.province = nik.province.dotted
        self.regency = nik.regency.dotted
        self.district = nik.district.dotted
    }

    public init(rejected rejection: NIKRejection) {
        self.valid = false
        self.reason = rejection.code
        self.message = rejection.message
        self.warnings = []
        self.birthDate = nil
        self.sex = nil
        self.province = nil
        self.regency = nil
        self.district = nil
    }
}
