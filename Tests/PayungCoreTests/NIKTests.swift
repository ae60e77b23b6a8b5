import Testing
@testable import PayungCore

@Suite("NIK")
struct NIKTests {
    let today = CalendarDate(year: 2026, month: 11, day: 21)!

    func reject(_ raw: String) -> NIKRejection? {
        do { _ = try NIK(parsing: raw, today: today); return nil } catch { return error }
    }

    @Test("a woman's NIK decodes birth date (day - 40), sex and region")
    func decodesWoman() throws {
        let nik = try NIK(parsing: "3375014506850001", today: today)
        #expect(nik.birthDate == CalendarDate(year: 1985, month: 6, day: 5))
        #expect(nik.sex == .female)
        #expect(nik.province.dotted == "33")
        #expect(nik.regency.dotted == "33.75")
        #expect(nik.district.dotted == "33.75.01")
        #expect(nik.masked == "3375********0001")
        #expect("\(nik)" == "3375********0001")
    }

    @Test("a man's NIK keeps the day as is")
    func decodesMan() throws {
        let nik = try NIK(parsing: "1571021203900123", today: today)
        #expect(nik.birthDate == CalendarDate(year: 1990, month: 3, day: 12))
        #expect(nik.sex == .male)
    }

    @Test("two-digit years: 20YY once that year has begun, else 19YY")
    func century() throws {
        #expect(try NIK(parsing: "3375010101250001", today: today).birthDate.year == 2025)
        #expect(try NIK(parsing: "3375010101260001", today: today).birthDate.year == 2026)
        #expect(try NIK(parsing: "3375010101270001", today: today).birthDate.year == 1927)
        #expect(try NIK(parsing: "3375010101000001", today: today).birthDate.year == 2000)
    }

    @Test("input as it arrives from people and Excel is normalised",
          arguments: [
            "3375014506850001", " 3375014506850001 ", "'3375014506850001", "`3375014506850001",
            "3375 0145 0685 0001", "3375.0145.0685.0001", "3375-0145-0685-0001",
            "337501 450685 0001", "\u{00A0}3375014506850001\t", "3375014506850001.0",
            "\u{2019}3375014506850001",
          ])
    func normalises(raw: String) throws {
        #expect(try NIK(parsing: raw, today: today).digits == "3375014506850001")
    }

    @Test("scientific notation is rejected with its own reason, not fixed",
          arguments: ["3.37501E+15", "3,37501E+15", "3.375014506850E+15", "3.37501e15", "3E+15", "'3.37501E+15"])
    func scientific(raw: String) {
        #expect(reject(raw) == .scientificNotation)
        #expect(reject(raw)?.code == "nik_scientific_notation")
    }

    @Test("each kind of invalid input has its own reason code")
    func reasons() {
        #expect(reject("") == .empty)
        #expect(reject("   ") == .empty)
        #expect(reject("'") == .empty)
        #expect(reject("33750145068500O1") == .invalidCharacters)
        #expect(reject("NIK3375014506850001") == .invalidCharacters)
        #expect(reject("337501450685001") == .wrongLength(15))
        #expect(reject("33750145068500011") == .wrongLength(17))
        #expect(reject("9975014506850001") == .unknownProvince("99"))
        #expect(reject("5475014506850001") == .unknownProvince("54"))
        #expect(reject("3375013206850001") == .invalidBirthDate)   // day 32
        #expect(reject("3375014006850001") == .invalidBirthDate)   // day 40: neither sex
        #expect(reject("3375017206850001") == .invalidBirthDate)   // day 72 = 32 for women
        #expect(reject("3375010006850001") == .invalidBirthDate)   // day 0
        #expect(reject("3375011513850001") == .invalidBirthDate)   // month 13
        #expect(reject("3375011500850001") == .invalidBirthDate)   // month 0
        #expect(reject("3375013002850001") == .invalidBirthDate)   // 30 February
        #expect(reject("3375016902010001") == .invalidBirthDate)   // 29 February 2001 (woman)
        #expect(reject("3375011512260001") == .birthDateInFuture(CalendarDate(year: 2026, month: 12, day: 15)!))
        #expect(reject("3375014506850000") == .serialZero)
    }

    @Test("29 February exists in leap years, for women too")
    func leapDay() throws {
        #expect(try NIK(parsing: "3375016902000001", today: today).birthDate == CalendarDate(year: 2000, month: 2, day: 29))
        #expect(try NIK(parsing: "3375012902840001", today: today).birthDate == CalendarDate(year: 1984, month: 2, day: 29))
    }

    @Test("every reason has a distinct stable code and an Indonesian message")
    func codesDistinct() {
        let all: [NIKRejection] = [.empty, .scientificNotation, .invalidCharacters, .wrongLength(3),
                                   .unknownProvince("99"), .invalidBirthDate,
                                   .birthDateInFuture(today), .serialZero]
        #expect(Set(all.map(\.code)).count == all.count)
        for rejection in all {
            #expect(rejection.code.hasPrefix("nik_"))
            #expect(!rejection.message.isEmpty)
        }
        #expect(NIKRejection.wrongLength(15).message.contains("15 digit"))
    }

    @Test("unknown regency and district are warnings, only when a region list is loaded")
    func warnings() throws {
        let nik = try NIK(parsing: "3375014506850001", today: today)
        let city = RegionCode("33.75")!, district = RegionCode("33.75.01")!
        #expect(nik.warnings(knownRegions: nil).isEmpty)
        #expect(nik.warnings(knownRegions: [city, district]).isEmpty)
        #expect(nik.warnings(knownRegions: [city]) == [.districtUnknown(district)])
        #expect(nik.warnings(knownRegions: []) == [.regencyUnknown(city)])
        #expect(NIKWarning.regencyUnknown(city).code != NIKWarning.districtUnknown(district).code)
    }

    @Test("check result: same JSON shape for CLI and API")
    func checkResult() throws {
        let valid = NIKCheckResult(valid: try NIK(parsing: "3375014506850001", today: today), warnings: [])
        #expect(valid.valid && valid.birthDate == "1985-06-05" && valid.sex == "P")
        #expect(valid.regency == "33.75" && valid.district == "33.75.01" && valid.reason == nil)
        let invalid = NIKCheckResult(rejected: .scientificNotation)
        #expect(!invalid.valid && invalid.reason == "nik_scientific_notation" && invalid.birthDate == nil)
    }
}

@Suite("KK and KPJ")
struct FamilyCardAndMembershipTests {
    @Test func kk() throws {
        #expect(try KK(parsing: "'3375 0112 3456 0001").district.dotted == "33.75.01")
        #expect(throws: IdentityNumberRejection.wrongLength(kind: "kk", expected: 16, actual: 4)) { try KK(parsing: "1234") }
        #expect(throws: IdentityNumberRejection.unknownProvince(kind: "kk", code: "99")) { try KK(parsing: "9975011234560001") }
        #expect(throws: IdentityNumberRejection.scientificNotation(kind: "kk")) { try KK(parsing: "3.37501E+15") }
        #expect(throws: IdentityNumberRejection.empty(kind: "kk")) { try KK(parsing: " ") }
        #expect(IdentityNumberRejection.invalidCharacters(kind: "kk").code == "kk_invalid_characters")
    }

    @Test func kpj() throws {
        #expect(try KPJ(parsing: "230-1234-5678").digits == "23012345678")
        #expect(throws: IdentityNumberRejection.wrongLength(kind: "kpj", expected: 11, actual: 10)) { try KPJ(parsing: "2301234567") }
        #expect(throws: IdentityNumberRejection.invalidCharacters(kind: "kpj")) { try KPJ(parsing: "2301234567X") }
        #expect(IdentityNumberRejection.wrongLength(kind: "kpj", expected: 11, actual: 10).message == "Nomor KPJ harus 11 digit, yang diisi 10 digit.")
    }
}
