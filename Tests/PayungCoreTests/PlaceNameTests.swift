import PayungCore
import Testing

@Suite("Regions named as people say them")
struct PlaceNameTests {
    @Test("the level word comes from the code", arguments: [
        ("33", "Jawa Tengah", "Provinsi Jawa Tengah"),
        ("33.75", "Kota Pekalongan", "Kota Pekalongan"),
        ("33.75.01", "Pekalongan Barat", "Kecamatan Pekalongan Barat"),
        ("33.75.01.1002", "Medono", "Kelurahan Medono"),
        ("33.26.01.2001", "Sukamaju", "Desa Sukamaju"),
        ("33.75.01.1002", "Kelurahan Medono", "Kelurahan Medono"),
    ])
    func placeName(code: String, registered: String, expected: String) throws {
        #expect(try #require(RegionCode(code)).placeName(registered) == expected)
    }

    @Test("a grant in words, the code only when the name is unknown")
    func grantLabel() throws {
        let rt = try RoleGrant(role: .rt, region: #require(RegionCode("33.75.01.1002")), rt: "003", rw: "005")
        #expect(rt.label(regionName: "Medono") == "Ketua RT 003/RW 005, Kelurahan Medono")
        #expect(rt.label(regionName: nil) == "Ketua RT 003/RW 005, 33.75.01.1002")
        let op = try RoleGrant(role: .operator, region: #require(RegionCode("33.75")))
        #expect(op.label(regionName: "Kota Pekalongan") == "Operator Dinas, Kota Pekalongan")
    }
}
