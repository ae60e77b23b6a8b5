import PayungCore
import Testing

@Suite("Phone numbers: the national numbering plan, one stored form")
struct PhoneNumberTests {
    @Test("a mobile number written every usual way is stored as 081234567890", arguments: [
        "081234567890", "0812-3456-7890", "0812 3456 7890", "0812.3456.7890", "(0812) 3456-7890",
        "+6281234567890", "+62 812 3456 7890", "+62 812-3456-7890", "+62-812-3456-7890", "+62 (0)812 3456 7890",
        "6281234567890", "62 812 3456 7890", "81234567890", "812-3456-7890", "  0812 3456 7890\n",
    ])
    func mobileForms(written: String) throws {
        let phone = try #require(PhoneNumber(written))
        #expect(phone.digits == "081234567890")
        #expect(phone.isMobile)
        #expect(phone.description == "081234567890")
    }

    @Test("mobile numbers have 10 to 13 digits in all", arguments: [
        ("0811123456", true), ("081112345", false), ("0812345678901", true), ("08123456789012", false),
        ("+62 811 123 456", true), ("+62 812 3456 78901", true), ("+62 812 3456 789012", false),
    ])
    func mobileLength(written: String, accepted: Bool) {
        #expect((PhoneNumber(written) != nil) == accepted)
    }

    @Test("every operator digit 1 to 9 after 08 is a mobile number; 080x is a service number", arguments: Array(0...9))
    func operatorDigit(digit: Int) {
        let phone = PhoneNumber("08\(digit)1234567890".prefix(12).description)
        #expect((phone != nil) == (digit != 0))
    }

    @Test("landlines: area code and subscriber, 9 to 11 digits", arguments: [
        ("(0285) 421234", "0285421234"), ("021-5551234", "0215551234"), ("021 2345 6789", "02123456789"),
        ("0274 512345", "0274512345"), ("+62 21 2345 6789", "02123456789"), ("0967 53123", "096753123"),
        ("0651/634567", "0651634567"),
    ])
    func landlines(written: String, stored: String) throws {
        let phone = try #require(PhoneNumber(written))
        #expect(phone.digits == stored)
        #expect(!phone.isMobile)
    }

    @Test("landlines too short or too long are refused", arguments: ["02112345", "021234567890", "0274-12"])
    func landlineLength(written: String) {
        #expect(PhoneNumber(written) == nil)
    }

    @Test("what is not an Indonesian phone number is refused, never guessed", arguments: [
        "", " ", "-", "+", "+62", "62", "0", "08", "12345", "0812",
        // Another country, or an international access prefix instead of +.
        "+1 555 1234 567", "+65 8123 4567", "00628123456789", "001 803 1234", "0071234567",
        // Service numbers reach nobody in particular.
        "0800 1234 567", "0804 1234 5678",
        // No area code begins with 1; no national number with 00.
        "0112345678", "0012345678",
        // Letters, words, other scripts, several numbers run together.
        "0812abc4567", "0812-3456-789O", "HP 081234567890", "0812 3456 7890 (WA)", "٠٨١٢٣٤٥٦٧٨٩٠", "0812٣456789",
        "081234567890/081298765432", "0812+3456+7890", "++6281234567890", "+ 62 812 3456 7890x",
        // Hostile lengths.
        String(repeating: "0812", count: 10), String(repeating: " ", count: 40) + "081234567890", String(repeating: "9", count: 100_000),
    ])
    func notPhones(written: String) {
        #expect(PhoneNumber(written) == nil)
    }

    @Test("the stored form reads back as itself, and equal numbers are equal however written")
    func roundTrip() throws {
        for written in ["0812-3456-7890", "(0285) 421234", "+62 21 2345 6789"] {
            let phone = try #require(PhoneNumber(written))
            #expect(PhoneNumber(phone.digits) == phone)
        }
        #expect(PhoneNumber("+62 812 3456 7890") == PhoneNumber("0812.3456.7890"))
        #expect(PhoneNumber.invalidCode == "phone_invalid")
        #expect(PhoneNumber.invalidMessage.contains("0812-3456-7890"))
    }
}
