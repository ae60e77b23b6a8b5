import Fluent
import Foundation
import PayungCore
import SQLKit
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Sheets as RT heads write them")
struct RTSheetImportTests {
    /// An RT sheet: a title row naming the kelurahan and RT, no kelurahan
    /// column, colloquial occupations, sex as words, RT as "3".
    static let sheet = """
        DAFTAR USULAN PEKERJA RENTAN KELURAHAN MEDONO RT 3 RW 5,,,
        No,NIK,Nama Lengkap,L/P,Pekerjaan
        1,\(testNIK(serial: 91)),Siti Aminah,Perempuan,Kuli Bangunan
        2,\(testNIK(serial: 92)),Sri Wahyuni,p,tukang  parkir
        3,\(testNIK(serial: 93)),Dewi Lestari,P,kuli banguna
        4,\(testNIK(serial: 94)),Nur Aini,Laki-laki,Becak
        """

    @Test("kelurahan and RT chosen once for the file; aliases, sex words and a near miss with a suggestion",
          arguments: TestDatabase.available)
    func rtSheet(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(occupations: ["construction_labourer", "parking_attendant", "becak_driver"])
            let op = try await app.makeUser("op.pekalongan", .operator, "33.75")
            var result: ImportResultDTO?
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports?village=Medono&rt=3&rw=5",
                                         headers: .bearer(op.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: Self.sheet)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                result = try? res.content.decode(ImportResultDTO.self)
            }
            let r = try #require(result)
            #expect(r.summary.inserted == 2, "\(r.rejections.map(\.message))")
            #expect(r.rejections.map(\.code) == ["occupation_unknown", "sex_mismatch"])
            #expect(r.rejections.first?.message.contains("Maksud Anda \"Buruh bangunan\"") == true)
            let proposals = try await ProposalModel.query(on: app.db).all()
            #expect(proposals.allSatisfy { $0.villageCode == "33.75.01.1002" && $0.rt == "003" && $0.rw == "005" })
            let siti = try #require(try await WorkerModel.query(on: app.db).filter(\.$nik == testNIK(serial: 91)).first())
            #expect(siti.occupationCode == "construction_labourer")
            // Without the file-level kelurahan the same sheet is refused row by row.
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports?dryRun=true",
                                         headers: .bearer(op.token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: Self.sheet.replacingOccurrences(of: "\(testNIK(serial: 9))", with: "\(testNIK(serial: 8))"))
            }) { res in
                let dto = try? res.content.decode(ImportResultDTO.self)
                #expect(dto?.summary.inserted == 0)
            }
        }
    }

    @Test("sex as people write it")
    func sexWords() {
        for text in ["L", "l", "Laki-laki", "LAKI LAKI", "Pria", "lk"] { #expect(Sex(written: text) == .male, "\(text)") }
        for text in ["P", "p", "Perempuan", "WANITA", "pr"] { #expect(Sex(written: text) == .female, "\(text)") }
        #expect(Sex(written: "x") == nil && Sex(written: "") == nil)
        #expect(NearestName.nearest(to: "kulibanguna", among: ["kulibangunan", "tukangparkir"]) == "kulibangunan")
        #expect(NearestName.nearest(to: "nelayan", among: ["kulibangunan"]) == nil)
    }
}

@Suite("The occupation mapping step of a web import")
struct OccupationMappingWebTests {
    @Test("an unknown occupation is mapped once for the file, and can be saved as a name for next time",
          arguments: TestDatabase.available)
    func mappingStep(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram(occupations: ["construction_labourer", "parking_attendant", "becak_driver"])
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let web = ImportWebTests()
            let sheet = "NIK,Nama,Jenis Kelamin,Pekerjaan\n\(testNIK(serial: 95)),Siti,P,Buruh Proyek Jalan\n\(testNIK(serial: 96)),Sri,P,buruh proyek jalan\n"
            var headers = op.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            var location = ""
            try await app.testing().test(.POST, "/impor", headers: headers, body: web.multipart(
                ["_csrf": op.csrf, "kind": "proposals", "programID": program.id!.uuidString, "dryRun": "1", "village": "Medono",
                 "rt": "3", "rw": "5"], file: Data(sheet.utf8), name: "rt03.csv")) { res in
                location = res.headers.first(name: .location) ?? ""
            }
            let preview = try await web.finished(app, op, location)
            #expect(preview.contains("Padankan jenis pekerjaan") && preview.contains("Buruh Proyek Jalan"))
            var mapped = ""
            try await app.testing().test(.POST, location + "/pekerjaan", headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf, "occ_0": "construction_labourer", "alias_0": "1",
                                        "occ_1": "construction_labourer"], as: .urlEncodedForm)
            }) { res in mapped = res.headers.first(name: .location) ?? "" }
            let again = try await web.finished(app, op, mapped)
            #expect(!again.contains("Padankan jenis pekerjaan"))
            #expect(again.contains("Simpan 2 baru"), "\(again)")
            // Saved as a name: the next file needs no mapping.
            #expect(try await OccupationAliasQueries(db: app.db).all()[ImportField.normalise("Buruh Proyek Jalan")] == "construction_labourer")
        }
    }
}
