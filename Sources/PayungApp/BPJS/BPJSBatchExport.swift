import Fluent
import Foundation
import PayungCore
import SQLKit

/// The registration batch: approved participants not yet registered, one
/// row per worker, in the configured layout.
struct BPJSBatchExport {
    let db: any Database
    let today: CalendarDate

    struct Row: Decodable {
        let id: UUID
        let nik: String
        let name: String
        let birth_place: String?
        let birth_date: String
        let sex: String
        let street: String?
        let village_code: String
        let rt: String?
        let rw: String?
        let occupation: String?
        let monthly_income: Int64?
    }

    @discardableResult
    func write(program: ProgramModel, layout: BPJSBatchLayout, segment: BPJSSegment, format: ExportRequest.Format, to url: URL) async throws -> Int {
        let rows = try await db.sql.select()
            .column(SQLColumn("id", table: "p")).column(SQLColumn("nik", table: "w")).column(SQLColumn("name", table: "w"))
            .column(SQLColumn("birth_place", table: "w")).column(SQLColumn("birth_date", table: "w")).column(SQLColumn("sex", table: "w"))
            .column(SQLColumn("street", table: "w")).column(SQLColumn("village_code", table: "p")).column(SQLColumn("rt", table: "p"))
            .column(SQLColumn("rw", table: "p")).column(SQLColumn("name", table: "o"), as: "occupation").column(SQLColumn("monthly_income", table: "w"))
            .from(SQLAlias(SQLIdentifier("proposals"), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier("workers"), as: SQLIdentifier("w")), on: SQLColumn("worker_id", table: "p"), .equal, SQLColumn("id", table: "w"))
            .join(SQLAlias(SQLIdentifier("occupations"), as: SQLIdentifier("o")), method: SQLJoinMethod.left, on: SQLColumn("occupation_code", table: "w"), .equal, SQLColumn("code", table: "o"))
            .where(SQLColumn("program_id", table: "p"), .equal, SQLBind(program.id!))
            .where(SQLColumn("status", table: "p"), .equal, SQLBind(ProposalStatus.approved.rawValue))
            .orderBy(SQLColumn("village_code", table: "p")).orderBy(SQLColumn("nik", table: "w"))
            .all(decoding: Row.self)
        var names: [String: String] = [:]
        let codes = Set(rows.flatMap { r -> [String] in
            guard let v = RegionCode(r.village_code) else { return [] }
            return [v.dotted, v.parent!.dotted, v.ancestor(at: .regency)!.dotted]
        })
        for chunk in Array(codes).chunked(into: 500) {
            for region in try await RegionModel.query(on: db).filter(\.$id ~~ Array(chunk)).all() { names[region.id!] = region.name }
        }
        // Coverage starts inside the program period, or the batch has no one to propose.
        let start = max(YearMonth(iso: program.startMonth)!, today.yearMonth.advanced(by: 1))
        guard start <= YearMonth(iso: program.endMonth)! else {
            throw AppError(code: "program_ended", message: "Program \(program.name) sudah berakhir: tidak ada awal kepesertaan di dalam periodenya.",
                           kind: .invalidInput)
        }
        let headers = layout.columns.map(\.header)
        let xlsx = format == .xlsx ? try XLSXWriter(url: url, sheetName: "Pendaftaran", headers: headers) : nil
        let csv = format == .csv ? try CSVWriter(url: url, headers: headers) : nil
        for r in rows {
            let village = RegionCode(r.village_code)
            let cells: [ExportCell] = layout.columns.map { column in
                switch column.field {
                case .proposalID: .text(r.id.uuidString)
                case .nik: .text(r.nik)
                case .name: .text(r.name.uppercased())
                case .birthPlace: .text(r.birth_place ?? "")
                case .birthDate: CalendarDate(iso: r.birth_date).map { .date($0) } ?? .empty
                case .sex: .text(r.sex)
                case .address: .text([r.street, r.rt.map { "RT \($0)" }, r.rw.map { "RW \($0)" }].compactMap { $0 }.joined(separator: " "))
                case .village: .text(r.village_code)
                case .villageName: .text(names[r.village_code] ?? "")
                case .district: .text(village?.parent.flatMap { names[$0.dotted] } ?? "")
                case .regency: .text(village?.ancestor(at: .regency).flatMap { names[$0.dotted] } ?? "")
                case .occupation: .text(r.occupation ?? "")
                // Unknown income is declared at the lowest bracket, Rp1,000,000 (Permenaker 5/2021).
                case .income: .number(r.monthly_income ?? 1_000_000)
                case .segment: .text(segment.rawValue)
                case .startMonth: .text(start.iso)
                }
            }
            try xlsx?.append(cells)
            try csv?.append(cells)
        }
        try xlsx?.finish()
        try csv?.finish()
        return rows.count
    }
}
