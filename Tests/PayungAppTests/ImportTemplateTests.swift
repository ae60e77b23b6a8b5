import Fluent
import Foundation
import PayungCore
import Testing
import VaporTesting
@testable import PayungApp

@Suite("Import templates: the columns Payung reads, and a filled template imports")
struct ImportTemplateTests {
    @Test("the proposal template, filled with two workers, imports them; its example row is refused", arguments: [TestDatabase.sqlite])
    func roundTrip(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.loadPilotRegions()
            let program = try await app.makeProgram()
            let (_, token) = try await app.makeUser("op.pekalongan", .operator, "33.75")
            let op = try await BrowserSession.login(app, "op.pekalongan")
            var template = ""
            try await app.testing().test(.GET, "/impor/templat/proposals.csv", headers: op.headers) { res in
                #expect(res.status == .ok)
                // Excel reads UTF-8 CSV by its byte-order mark.
                #expect(res.body.string.hasPrefix("\u{FEFF}"))
                template = String(res.body.string.drop { $0 == "\u{FEFF}" })
            }
            var xlsxRows: [TabularFile.Row] = []
            try await app.testing().test(.GET, "/impor/templat/history.xlsx", headers: op.headers) { res in
                xlsxRows = (try? TabularFile.read(data: Data(buffer: res.body), fileName: "t.xlsx").rows) ?? []
            }
            #expect(xlsxRows.first?.cells.contains("No KPJ") == true)
            try await app.testing().test(.GET, "/impor/templat/rahasia.csv", headers: op.headers) { res in #expect(res.status == .notFound) }
            let header = try #require(template.split(separator: "\r\n").first ?? template.split(separator: "\n").first)
            #expect(header.hasPrefix("NIK,Nama"))
            let columns = header.split(separator: ",").map(String.init)
            func row(_ values: [String: String]) -> String { columns.map { values[$0] ?? "" }.joined(separator: ",") }
            let filled = template.trimmingCharacters(in: .newlines) + "\r\n"
                + row(["NIK": testNIK(serial: 41), "Nama": "Sri Wahyuni", "Kelurahan": "Medono", "RT": "3", "RW": "5",
                       "Jenis Pekerjaan": "Buruh batik", "Ahli Waris": "Budi", "Hubungan Ahli Waris": "Suami", "No HP": "0812-3456-7890"]) + "\r\n"
                + row(["NIK": testNIK(serial: 42), "Nama": "Rina Astuti", "Kelurahan": "Medono", "RT": "3", "RW": "5",
                       "Jenis Pekerjaan": "Buruh batik", "Ahli Waris": "Joko", "Hubungan Ahli Waris": "Suami"]) + "\r\n"
            try await app.testing().test(.POST, "/api/v1/programs/\(program.id!)/imports", headers: .bearer(token), beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: filled)
            }) { res in
                #expect(res.status == .ok, "\(res.body.string.prefix(400))")
                let result = try? res.content.decode(ImportResultDTO.self)
                #expect(result?.summary.inserted == 2)
                #expect(result?.rejections.count == 1 && result?.rejections.first?.line == 2)
            }
        }
    }
}
