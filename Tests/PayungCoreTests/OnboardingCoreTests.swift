import PayungCore
import Testing

@Suite("Phone numbers, activation codes and onboarding rows")
struct OnboardingCoreTests {
    @Test("phones as people write them become one form", arguments: [
        ("0812-3456-7890", "081234567890"), ("+62 812 3456 7890", "081234567890"), ("62812345678", "0812345678"),
        ("812 3456 7890", "081234567890"), ("(0285) 421234", "0285421234"), ("021-5551234", "0215551234"),
    ])
    func phones(written: String, stored: String) {
        #expect(PhoneNumber(written)?.digits == stored)
    }

    @Test("what is not a phone is refused", arguments: ["", "12345", "0812", "+1 555 1234 567", "08123456789012345", "0812abc4567",
                                                        "00628123456789", String(repeating: "0812", count: 10)])
    func notPhones(written: String) {
        #expect(PhoneNumber(written) == nil)
    }

    @Test("codes: ten unambiguous characters, grouped; typed in any case with or without dashes")
    func codes() {
        var generator = SystemRandomNumberGenerator()
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let code = ActivationCode.make(using: &generator)
            #expect(code.count == 12 && code.filter { $0 == "-" }.count == 2)
            #expect(!code.contains("0") && !code.contains("O") && !code.contains("I") && !code.contains("1"))
            let compact = ActivationCode.normalise(code.lowercased())
            #expect(compact?.count == 10)
            seen.insert(code)
        }
        #expect(seen.count == 2_000)
        #expect(ActivationCode.normalise("K7QM 4XPA 9R") == "K7QM4XPA9R")
        #expect(ActivationCode.normalise("K7QM-4XPA") == nil)
        #expect(ActivationCode.normalise("O7QM-4XPA-9R") == nil)
    }

    @Test("roles in words, neighbourhoods padded, usernames readable")
    func rows() {
        #expect(OnboardingRole(written: "Ketua RT") == .rt)
        #expect(OnboardingRole(written: "Verifikator Kelurahan") == .kelurahan)
        #expect(OnboardingRole(written: "kecamatan") == .kecamatan)
        #expect(OnboardingRole(written: "bupati") == nil)
        #expect(OnboardingRole.neighbourhood("3") == "003" && OnboardingRole.neighbourhood("012") == "012")
        #expect(OnboardingRole.neighbourhood("0") == nil && OnboardingRole.neighbourhood("1234") == nil && OnboardingRole.neighbourhood("a") == nil)
        #expect(OnboardingRole.rt.username(place: "Medono", rt: "003", rw: "005") == "rt003rw005.medono")
        #expect(OnboardingRole.kecamatan.username(place: "Pekalongan Barat", rt: nil, rw: nil) == "kec.pekalongan-barat")
        #expect(OnboardingRole.slug("Kauman (Lama)") == "kauman-lama")
    }
}
