import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Import and export pages")
struct ImportWebTests {
    func multipart(_ fields: [String: String], file: Data, name: String, boundary: String = "payungimport") -> ByteBuffer {
        var body = ByteBuffer()
        for (k, v) in fields { body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n") }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    /// Polls the job page until the import has finished, as the page's refresh does.
    func finished(_ app: Application, _ browser: BrowserSession, _ location: String) async throws -> String {
        for _ in 0..<100 {
            var body = ""
            var refreshing = false
            try await app.testing().test(.GET, location, headers: browser.headers) { res in
                body = res.body.string
                refreshing = res.headers.first(name: "Refresh") != nil
            }
            if !refreshing { return body }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("import did not finish")
        return ""
    }

    @Test("upload, dry run with per-row reasons and a report, then apply", arguments: TestDatabase.available)
    func uploadPreviewApply(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let file = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "proposals-libreoffice.xlsx"))
            var headers = op.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            var location = ""
            try await app.testing().test(.POST, "/impor", headers: headers,
                                         body: multipart(["_csrf": op.csrf, "kind": "proposals", "programID": program.id!.uuidString, "dryRun": "1"],
                                                         file: file, name: "usulan.xlsx")) { res in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            let preview = try await finished(app, op, location)
            #expect(preview.contains("Uji coba: belum ada yang disimpan"))
            #expect(preview.contains("notasi ilmiah") && preview.contains("Pesulap"))
            #expect(try await WorkerModel.query(on: app.db).count() == 0)
            try await app.testing().test(.GET, location + "/laporan.xlsx", headers: op.headers) { res in
                #expect(res.status == .ok && res.body.readableBytes > 1000)
            }
            var applied = ""
            try await app.testing().test(.POST, location + "/terapkan", headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf], as: .urlEncodedForm)
            }) { res in applied = res.headers.first(name: .location) ?? "" }
            let done = try await finished(app, op, applied)
            #expect(done.contains("Tersimpan"))
            #expect(try await WorkerModel.query(on: app.db).count() == 1)
            // The proposal's history starts with the import: file, line, who.
            let proposal = try #require(try await ProposalModel.query(on: app.db).first())
            let run = try #require(try await ImportRunModel.find(proposal.importRunID, on: app.db))
            #expect(run.fileName == "usulan.xlsx" && run.inserted == 1 && run.rejected == 5 && run.actorUsername == "op.pekalongan")
            #expect(proposal.importLine == 4)
            try await app.testing().test(.GET, "/usulan/\(proposal.id!)", headers: op.headers) { res in
                #expect(res.body.string.contains("Impor") && res.body.string.contains("berkas usulan.xlsx, baris 4"))
            }
            // Someone else cannot see this job.
            try await app.makeUser("op2.pekalongan", .operator, "33.75")
            let other = try await BrowserSession.login(app, "op2.pekalongan")
            try await app.testing().test(.GET, applied, headers: other.headers) { res in #expect(res.status == .notFound) }
            // ... but the import itself is in the history of everyone who sees the program, and of no one else.
            try await app.testing().test(.GET, "/impor", headers: other.headers) { res in
                #expect(res.body.string.contains("Riwayat impor") && res.body.string.contains("usulan.xlsx") && res.body.string.contains("op.pekalongan"))
            }
            try await app.makeUser("op.jambi", .operator, "15.71")
            let jambi = try await BrowserSession.login(app, "op.jambi")
            try await app.testing().test(.GET, "/impor", headers: jambi.headers) { res in
                #expect(res.body.string.contains("Belum ada impor") && !res.body.string.contains("usulan.xlsx"))
            }
            // The list downloads as XLSX with the NIK intact.
            try await app.testing().test(.GET, "/usulan/ekspor?format=xlsx&program=\(program.id!)", headers: op.headers) { res in
                #expect(res.status == .ok)
                let rows = try TabularFile.read(data: Data(buffer: res.body), fileName: "x.xlsx").rows
                #expect(rows.count == 2 && rows[1].cells[0] == "3375014506850001")
            }
        }
    }

    @Test("unknown headers lead to the column-mapping step", arguments: TestDatabase.available)
    func mapping(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            try await app.makeUser("op.pekalongan", .operator, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            let csv = Data("Kode Orang;Sebutan;Kerja;Lokasi;Ahli\n3375014506850001;Siti;batik_labourer;33.75.01.1002;Ahmad\n".utf8)
            var headers = op.headers
            headers.add(name: .contentType, value: "multipart/form-data; boundary=payungimport")
            var location = ""
            try await app.testing().test(.POST, "/impor", headers: headers,
                                         body: multipart(["_csrf": op.csrf, "kind": "proposals", "programID": program.id!.uuidString, "dryRun": "1"],
                                                         file: csv, name: "aneh.csv")) { res in location = res.headers.first(name: .location) ?? "" }
            let failed = try await finished(app, op, location)
            #expect(failed.contains("Pilih kolom") && failed.contains("Kode Orang"))
            var mapped = ""
            try await app.testing().test(.POST, location + "/pemetaan", headers: op.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": op.csrf, "map_0": "nik", "map_1": "name", "map_2": "occupation", "map_3": "village", "map_4": "heirName"],
                                       as: .urlEncodedForm)
            }) { res in mapped = res.headers.first(name: .location) ?? "" }
            let preview = try await finished(app, op, mapped)
            #expect(preview.contains("<dt>Baru</dt><dd>1</dd>"))
        }
    }
}
