/// A valid *Nomor Induk Kependudukan* (NIK), the 16-digit national identity
/// number on the KTP: `PPKKDD DDMMYY SSSS`, the region of first registration
/// (province, regency/city, district), the birth date (women: day + 40) and a
/// serial from 0001. Source: UU 24/2013 on civil administration and
/// Permendagri 7/2019 (*pelayanan administrasi kependudukan*).
///
/// The region is where the NIK was *issued*, not where the person lives now.
public struct NIK: Hashable, Sendable {
    /// The 16 digits.
    public let digits: String
    public let birthDate: CalendarDate
    public let sex: Sex

    /// Validates a NIK as typed or pasted from Excel. `today` bounds the birth
    /// date and picks the century of the two-digit year: 20YY when that year
    /// has begun, 19YY otherwise.
    public init(parsing raw: String, today: CalendarDate) throws(NIKRejection) {
        let digits: String
        switch IdentityNumberInput.clean(raw) {
        case .empty: throw .empty
        case .scientificNotation: throw .scientificNotation
        case .invalidCharacters: throw .invalidCharacters
        case .digits(let d): digits = d
        }
        guard digits.count == 16 else { throw .wrongLength(digits.count) }
        let bytes = Array(digits.utf8).map { Int($0 - 48) }
        func number(_ from: Int, _ length: Int) -> Int {
            bytes[from..<(from + length)].reduce(0) { $0 * 10 + $1 }
        }
        let province = String(digits.prefix(2))
        guard Province.exists(province) else { throw .unknownProvince(province) }

        var day = number(6, 2)
        let sex: Sex = day > 40 ? .female : .male
        if sex == .female { day -= 40 }
        let month = number(8, 2)
        let twoDigitYear = number(10, 2)
        let year = 2000 + twoDigitYear <= today.year ? 2000 + twoDigitYear : 1900 + twoDigitYear
        guard let birthDate = CalendarDate(year: year, month: month, day: day) else {
            throw .invalidBirthDate
        }
        guard birthDate <= today else { throw .birthDateInFuture(birthDate) }
        guard number(12, 4) != 0 else { throw .serialZero }

        self.digits = digits
        self.birthDate = birthDate
        self.sex = sex
    }

    public var province: RegionCode { RegionCode(String(digits.prefix(2)))! }
    public var regency: RegionCode { RegionCode(String(digits.prefix(4)))! }
    public var district: RegionCode { RegionCode(String(digits.prefix(6)))! }

    /// "3375********0001": the form shown in lists to roles that do not need
    /// the full number (UU 27/2022 on personal data protection: least access).
    public var masked: String { NIK.mask(digits) }

    /// Masks any 16-character NIK string the same way; other lengths are fully hidden.
    public static func mask(_ digits: String) -> String {
        guard digits.count == 16 else { return String(repeating: "*", count: digits.count) }
        return digits.prefix(4) + String(repeating: "*", count: 8) + digits.suffix(4)
    }

    /// Warnings for a valid NIK given the codes in the loaded region list.
    /// `knownRegions` nil means no list is loaded: nothing to compare with.
    public func warnings(knownRegions: Set<RegionCode>?) -> [NIKWarning] {
        guard let known = knownRegions else { return [] }
        if !known.contains(regency) { return [.regencyUnknown(regency)] }
        if !known.contains(district) { return [.districtUnknown(district)] }
        return []
    }
}

extension NIK: CustomStringConvertible {
    /// Masked, so that a NIK printed by accident into a log is not leaked whole.
    public var description: String { masked }
}
