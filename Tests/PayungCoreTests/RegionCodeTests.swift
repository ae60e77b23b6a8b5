import Testing
@testable import PayungCore

@Suite("RegionCode")
struct RegionCodeTests {
    @Test("dotted and undotted forms parse to the same code",
          arguments: [("33", "33"), ("3375", "33.75"), ("33.75", "33.75"), ("337501", "33.75.01"),
                      ("33.75.01.1001", "33.75.01.1001"), ("3375011001", "33.75.01.1001"), (" 15.71 ", "15.71"),
                      ("3375011001\t", "33.75.01.1001")])
    func parses(input: String, dotted: String) throws {
        let code = try #require(RegionCode(input))
        #expect(code.dotted == dotted)
        #expect(RegionCode(code.compact) == code)
    }

    @Test("malformed codes are refused",
          arguments: ["", "3", "337", "33.7", "33.75.1", "33.75.01.101", "33.75.01.1001.01", "33..75",
                      "AB", "33.7a", "33750110011", "33.75.01.10011", "33.", ".33", "33 75", "\u{FF13}\u{FF13}", " "])
    func refuses(input: String) {
        #expect(RegionCode(input) == nil)
    }

    @Test func levelsAndParents() throws {
        let village = try #require(RegionCode("33.75.01.1001"))
        #expect(village.level == .village)
        #expect(village.parent?.dotted == "33.75.01")
        #expect(village.parent?.level == .district)
        #expect(village.ancestor(at: .regency)?.dotted == "33.75")
        #expect(village.ancestor(at: .village) == village)
        #expect(RegionCode("33")!.parent == nil)
        #expect(RegionCode("33")!.ancestor(at: .district) == nil)
        #expect(village.isKelurahan)
        #expect(!RegionCode("33.26.01.2001")!.isKelurahan)
    }

    @Test func childRules() throws {
        let city = try #require(RegionCode("33.75"))
        let district = try #require(RegionCode("33.75.01"))
        let village = try #require(RegionCode("33.75.01.1001"))
        #expect(city.isParent(of: district))
        #expect(!city.isParent(of: village))
        #expect(village.isWithin(city))
        #expect(village.isWithin(village))
        #expect(!city.isWithin(village))
        #expect(!RegionCode("15.71.01.1001")!.isWithin(city))
        #expect(city.child("01") == district)
        #expect(city.child("1001") == nil)
        #expect(RegionLevel.district.child == .village && RegionLevel.village.child == nil)
    }

    @Test func provinces() {
        #expect(Province.names.count == 38)
        #expect(Province.exists("33") && Province.exists("96"))
        #expect(!Province.exists("54") && !Province.exists("00"))
    }
}
