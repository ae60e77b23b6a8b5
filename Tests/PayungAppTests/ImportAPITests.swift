import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Imports and exports over the API")
struct ImportAPITests {
    static let roster = """
        NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris
        3375014506850001;Siti Aminah;batik_labourer;33.75.01.1002;3;5;Ahmad
        3.37501E+15;Budi;porter;33.75.01.1002;3;5;Sri
        3375011203900002;Budi Santoso;porter;33.75.01.1002;3;5;Sri

        """

    @Test("a roster as the request body: dry run reports, the real run writes, the list comes back as CSV", arguments: TestDatabase.available)
    func proposalsRoundTrip(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let path = "/api/v1/programs/\(program.id!)/imports"
            func send(_ query: String, _ body: String) async throws -> (HTTPStatus, ImportResultDTO?, String) {
                var out: (HTTPStatus, ImportResultDTO?, String) = (.ok, nil, "")
                try await app.testing().test(.POST, path + query, headers: .bearer(token), beforeRequest: { req in
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: body)
                }) { res in
                    out = (res.status, res.status == .ok ? try res.content.decode(ImportResultDTO.self) : nil, res.body.string)
                }
                return out
            }
            let (dryStatus, dry, _) = try await send("?dryRun=true", Self.roster)
            #expect(dryStatus == .ok && dry?.summary.dryRun == true && dry?.summary.inserted == 2)
            #expect(dry?.rejections.map(\.code) == ["nik_scientific_notation"] && dry?.rejections.first?.line == 3)
            #expect(dry?.rejections.first?.message.contains("notasi ilmiah") == true)
            #expect(try await WorkerModel.query(on: app.db).count() == 0, "a dry run writes nothing")

            let (status, result, _) = try await send("?fileName=dtks-medono.csv", Self.roster)
            #expect(status == .ok && result?.summary.inserted == 2 && result?.summary.rejected == 1)
            let run = try #require(try await ImportRunModel.query(on: app.db).first())
            #expect(run.fileName == "dtks-medono.csv" && run.actorUsername == "op.pekalongan")
            let (_, again, _) = try await send("", Self.roster)
            #expect(again?.summary.inserted == 0 && again?.summary.unchanged == 2, "re-import changes nothing")

            let (emptyStatus, _, emptyBody) = try await send("", "")
            #expect(emptyStatus == .unprocessableEntity && emptyBody.contains("file_missing"))
            let (headerStatus, _, headerBody) = try await send("", "Nomor;Sebutan\n1;Siti\n")
            #expect(headerStatus == .unprocessableEntity && headerBody.contains("header_not_found"))

            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/export?format=csv", headers: .bearer(token)) { res in
                #expect(res.status == .ok && res.headers.contentType?.subType == "csv")
                let rows = TabularFile.csvRows(Data(buffer: res.body))
                #expect(rows.count == 3 && rows.dropFirst().map(\.cells[0]).sorted() == ["3375011203900002", "3375014506850001"])
            }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/export?format=pdf", headers: .bearer(token)) { res in
                #expect(res.status == .unprocessableEntity && res.body.string.contains("format_invalid"))
            }
        }
    }

    @Test("another Pemda's operator cannot import into or export a program", arguments: TestDatabase.available)
    func scope(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, jambi) = try await app.makeUser("op.jambi", .operator, "15.71")
            let (_, rt) = try await app.makeUser("rt.medono", .rt, "33.75.01.1002", rt: "003", rw: "005")
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports", headers: .bearer(jambi), beforeRequest: { req in
                req.body = ByteBuffer(string: Self.roster)
            }) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports", headers: .bearer(rt), beforeRequest: { req in
                req.body = ByteBuffer(string: Self.roster)
            }) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.GET, "/api/v1/programs/\(program.id!)/export", headers: .bearer(jambi)) { res in
                #expect(res.status == .notFound)
            }
            let workers = try await WorkerModel.query(on: app.db).count()
            #expect(workers == 0)
        }
    }

    @Test("a DTKS extract with only NIK and name goes into the registry over the API", arguments: TestDatabase.available)
    func registry(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            try await app.testing().test(.POST, "/api/v1/registry/imports", headers: .bearer(token), beforeRequest: { req in
                req.body = ByteBuffer(string: "NIK,Nama\n3375014506850001,Siti Aminah\n337501450685,Pendek\n")
            }) { res in
                #expect(res.status == .ok)
                let result = try res.content.decode(ImportResultDTO.self)
                #expect(result.summary.inserted == 1 && result.rejections.map(\.code) == ["nik_wrong_length"])
            }
            #expect(try await WorkerModel.query(on: app.db).filter(\.$nik == "3375014506850001").first()?.name == "Siti Aminah")
        }
    }
}
