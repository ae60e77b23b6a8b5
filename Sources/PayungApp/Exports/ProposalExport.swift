import Fluent
import Foundation
import PayungCore
import SQLKit

/// What to export and how.
struct ExportRequest: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        /// Every proposal of the program, any status.
        case proposals
        /// Those holding a slot: approved, registered, active.
        case participants
    }
    enum Format: String, CaseIterable, Sendable { case xlsx, csv }

    var kind: Kind
    /// nil: every program the caller may read (the list page without a program filter).
    var programID: UUID?
    var format: Format
    var statuses: [ProposalStatus] = []
    /// Only this kelurahan or kecamatan (the list's filter).
    var region: RegionCode? = nil
    /// Name or last NIK digits, as on the list (never a full NIK: that is a POST).
    var search: ProposalSearch? = nil
    /// Region scopes the caller may read (nil: the whole program, for the server's CLI).
    var scopes: [AccessScope]? = nil
    /// Show full NIKs (only for roles that may export personal data).
    var fullNIK = true
}

/// Streams a proposal list to XLSX or CSV in pages, so that a million rows
/// never sit in memory: Indonesian headers, NIK as text, numbers as
/// numbers, dates as dates.
struct ProposalExport {
    let db: any Database
    static let pageSize = 5_000

    static let headers = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kode Kelurahan", "Kelurahan", "RT", "RW", "Alamat",
                          "No HP", "Jenis Pekerjaan", "Penghasilan", "Desil", "Status", "No KPJ", "Tanggal Mulai", "Tanggal Usulan",
                          "Program"]

    struct Row: Decodable {
        let id: UUID
        let nik: String
        let name: String
        let sex: String
        let birth_date: String
        let village_code: String
        let village_name: String?
        let rt: String?
        let rw: String?
        let street: String?
        let phone: String?
        let occupation: String?
        let monthly_income: Int64?
        let welfare_decile: Int?
        let status: String
        let kpj: String?
        let bpjs_start_date: String?
        let created_at: Date
        let program_name: String
    }

    /// Writes the file and returns the number of rows.
    @discardableResult
    func write(_ request: ExportRequest, to url: URL, progress: ImportProgress? = nil) async throws -> Int {
        var statuses = request.statuses
        if statuses.isEmpty, request.kind == .participants { statuses = ProposalStatus.allCases.filter(\.holdsQuota) }
        let xlsx = request.format == .xlsx ? try XLSXWriter(url: url, sheetName: request.kind == .participants ? "Peserta" : "Usulan", headers: Self.headers) : nil
        let csv = request.format == .csv ? try CSVWriter(url: url, headers: Self.headers) : nil
        var after: UUID?
        var count = 0
        while true {
            var query = db.sql.select()
                .column(SQLColumn("id", table: "p")).column(SQLColumn("nik", table: "w")).column(SQLColumn("name", table: "w"))
                .column(SQLColumn("sex", table: "w")).column(SQLColumn("birth_date", table: "w")).column(SQLColumn("village_code", table: "p"))
                .column(SQLColumn("name", table: "r"), as: "village_name").column(SQLColumn("rt", table: "p")).column(SQLColumn("rw", table: "p"))
                .column(SQLColumn("street", table: "w")).column(SQLColumn("phone", table: "w")).column(SQLColumn("name", table: "o"), as: "occupation")
                .column(SQLColumn("monthly_income", table: "w")).column(SQLColumn("welfare_decile", table: "w"))
                .column(SQLColumn("status", table: "p")).column(SQLColumn("kpj", table: "p")).column(SQLColumn("bpjs_start_date", table: "p"))
                .column(SQLColumn("created_at", table: "p")).column(SQLColumn("name", table: "g"), as: "program_name")
                .from(SQLAlias(SQLIdentifier("proposals"), as: SQLIdentifier("p")))
                .join(SQLAlias(SQLIdentifier("programs"), as: SQLIdentifier("g")), on: SQLColumn("program_id", table: "p"), .equal, SQLColumn("id", table: "g"))
                .join(SQLAlias(SQLIdentifier("workers"), as: SQLIdentifier("w")), on: SQLColumn("worker_id", table: "p"), .equal, SQLColumn("id", table: "w"))
                .join(SQLAlias(SQLIdentifier("regions"), as: SQLIdentifier("r")), method: SQLJoinMethod.left, on: SQLColumn("village_code", table: "p"), .equal, SQLColumn("code", table: "r"))
                .join(SQLAlias(SQLIdentifier("occupations"), as: SQLIdentifier("o")), method: SQLJoinMethod.left, on: SQLColumn("occupation_code", table: "w"), .equal, SQLColumn("code", table: "o"))
            if let programID = request.programID { query = query.where(SQLColumn("program_id", table: "p"), .equal, SQLBind(programID)) }
            if let region = request.region {
                query = query.where(SQLRaw("(p.village_code = '\(region.dotted)' OR p.village_code LIKE '\(region.dotted).%')"))
            }
            switch request.search {
            case .fullNIK(let nik)?: query = query.where(SQLColumn("nik", table: "w"), .equal, SQLBind(nik))
            case .lastDigits(let digits)?: query = query.where(SQLColumn("nik", table: "w"), .like, SQLBind("%" + digits))
            case .name(let name)?:
                let pattern = "%" + name.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                query = query.where(SQLQueryString("LOWER(w.name) LIKE \(bind: pattern) ESCAPE '\\'"))
            case nil: break
            }
            if !statuses.isEmpty { query = query.where(SQLColumn("status", table: "p"), .in, SQLBind.group(statuses.map(\.rawValue))) }
            if let scopes = request.scopes {
                guard !scopes.isEmpty else { break }
                query = query.where(SQLRaw("(" + ProposalQueries.scopeCondition(scopes).replacingOccurrences(of: "proposals.", with: "p.") + ")"))
            }
            if let after { query = query.where(SQLColumn("id", table: "p"), .greaterThan, SQLBind(after)) }
            let rows = try await query.orderBy(SQLColumn("id", table: "p")).limit(Self.pageSize).all(decoding: Row.self)
            for r in rows {
                let cells: [ExportCell] = [
                    .text(request.fullNIK ? r.nik : NIK.mask(r.nik)), .text(r.name), .text(r.sex == "P" ? "Perempuan" : "Laki-laki"),
                    CalendarDate(iso: r.birth_date).map { .date($0) } ?? .empty, .text(r.village_code), .text(r.village_name ?? ""),
                    .text(r.rt ?? ""), .text(r.rw ?? ""), .text(r.street ?? ""), .text(r.phone ?? ""), .text(r.occupation ?? ""),
                    r.monthly_income.map { .number($0) } ?? .empty, r.welfare_decile.map { .number(Int64($0)) } ?? .empty,
                    .text(ProposalStatus(rawValue: r.status)?.indonesianName ?? r.status), .text(r.kpj ?? ""),
                    r.bpjs_start_date.flatMap(CalendarDate.init(iso:)).map { .date($0) } ?? .empty, .date(CalendarDate(r.created_at)),
                    .text(r.program_name),
                ]
                try xlsx?.append(cells)
                try csv?.append(cells)
            }
            count += rows.count
            progress?(count, count)
            guard rows.count == Self.pageSize, let last = rows.last else { break }
            after = last.id
        }
        try xlsx?.finish()
        try csv?.finish()
        return count
    }
}
