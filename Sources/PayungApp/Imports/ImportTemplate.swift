import Foundation
import PayungCore
import Vapor

/// A downloadable sheet per import kind: the columns Payung reads, in its
/// own header words, with one example row marked "(contoh)" that the import
/// refuses (its NIK is not valid), so a filled template imports as it is.
enum ImportTemplate {
    static func fields(_ kind: ImportJob.Kind) -> [ImportField] {
        switch kind {
        case .proposals:
            [.nik, .name, .kk, .birthPlace, .sex, .village, .rt, .rw, .street, .phone, .occupation, .monthlyIncome, .disability,
             .welfareDecile, .heirName, .heirRelation, .heirPhone]
        case .registry:
            [.nik, .name, .kk, .birthPlace, .birthDate, .sex, .village, .rt, .rw, .street, .phone, .monthlyIncome, .disability, .welfareDecile]
        case .history:
            [.nik, .name, .village, .rt, .rw, .occupation, .kpj, .startDate, .endDate]
        case .bpjsResult:
            [.proposalID, .nik, .name, .kpj, .startDate, .rejection]
        case .bpjsActive:
            [.nik, .kpj, .segment]
        }
    }

    static func example(_ field: ImportField) -> ExportCell {
        switch field {
        case .nik: .text("(contoh) 3375014506850001")
        case .name: .text("Siti Contoh")
        case .kk: .text("3375010101200001")
        case .birthPlace: .text("Pekalongan")
        case .birthDate: .date(CalendarDate(year: 1985, month: 6, day: 5)!)
        case .sex: .text("P")
        case .village: .text("Medono")
        case .rt: .text("003")
        case .rw: .text("005")
        case .street: .text("Jl. Contoh No. 1")
        case .phone, .heirPhone: .text("0812-3456-7890")
        case .occupation: .text("Buruh batik")
        case .monthlyIncome: .number(1_500_000)
        case .disability: .text("")
        case .welfareDecile: .number(2)
        case .heirName: .text("Ahmad Contoh")
        case .heirRelation: .text("Suami")
        case .kpj: .text("23012345678")
        case .startDate: .date(CalendarDate(year: 2026, month: 1, day: 1)!)
        case .endDate: .empty
        case .rejection: .empty
        case .segment: .text("SG")
        case .proposalID: .text("")
        }
    }

    static func response(_ kind: ImportJob.Kind, format: ExportRequest.Format, _ req: Request) async throws -> Response {
        let fields = fields(kind)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-template-\(UUID().uuidString).\(format.rawValue)")
        let headers = fields.map(\.indonesianHeader)
        let example = fields.map(example)
        switch format {
        case .xlsx:
            let writer = try XLSXWriter(url: url, sheetName: "Templat", headers: headers)
            try writer.append(example)
            try writer.finish()
        case .csv:
            let writer = try CSVWriter(url: url, headers: headers)
            try writer.append(example)
            try writer.finish()
        }
        let response = try await req.fileio.asyncStreamFile(at: url.path) { _ in try? FileManager.default.removeItem(at: url) }
        response.headers.contentType = format == .xlsx
            ? HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "templat-\(kind.rawValue).\(format.rawValue)")
        return response
    }
}
