import Fluent
import Foundation
import PayungCore
import SQLKit

/// The deactivation batch: every ended participation of a program that BPJS
/// registered (it has a KPJ), one row per worker, in the configured layout,
/// so BPJS stops invoicing them. A participation carried over into the next
/// program (`continued_from`) keeps its KPJ running and is left out.
struct BPJSDeactivationExport {
    let db: any Database

    /// One ended participation, as the batch shows it.
    struct Ended: Sendable {
        let proposalID: UUID
        let kpj: String
        let nik: String
        let name: String
        let birthDate: CalendarDate?
        let village: String
        let startDate: CalendarDate?
        let endedOn: CalendarDate
        let lastMonth: YearMonth
        let reason: EndReason?
        let reasonCode: String
        let segment: String
    }

    private struct Row: Decodable {
        let id: UUID
        let nik: String
        let name: String
        let birth_date: String?
        let village_code: String
        let kpj: String
        let bpjs_start_date: String?
        let end_reason: String?
        let ended_on: String?
    }

    /// When an ended participation stopped, as the coverage plan counts it
    /// (`CoverageRun.endMonths`): the day recorded with it, else the day of
    /// its "end" event, else the program's last day. The last covered month
    /// is that day's month, except that a program's end covers to the
    /// program's last month.
    static func stop(reason: EndReason?, endedOn: CalendarDate?, eventDay: CalendarDate?, programEnd: YearMonth)
        -> (day: CalendarDate, lastMonth: YearMonth) {
        let day = endedOn ?? eventDay ?? programEnd.lastDay
        return (day, reason == .programEnd ? programEnd : day.yearMonth)
    }

    /// `since` as given (`YYYY-MM-DD`), nil when left out.
    static func since(_ text: String?) throws -> CalendarDate? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard text.count == 10, let day = CalendarDate(iso: text) else {
            throw AppError.invalid("since_invalid", "Tanggal \"sejak\" tidak terbaca; tulis seperti 2026-03-01.")
        }
        return day
    }

    /// The ended participations of `program`, ordered by kelurahan then NIK;
    /// with `since`, only those that ended on or after that day.
    func participations(of program: ProgramModel, since: CalendarDate? = nil) async throws -> [Ended] {
        let rows = try await db.sql.raw("""
            SELECT p.id, w.nik, w.name, w.birth_date, p.village_code, p.kpj, p.bpjs_start_date, p.end_reason, p.ended_on
            FROM proposals p JOIN workers w ON w.id = p.worker_id
            WHERE p.program_id = \(bind: program.id!) AND p.status = \(bind: ProposalStatus.ended.rawValue)
              AND p.kpj IS NOT NULL AND p.kpj <> ''
              AND NOT EXISTS (SELECT 1 FROM proposals c WHERE c.continued_from = p.id)
            ORDER BY p.village_code, w.nik
            """).all(decoding: Row.self)
        let undated = rows.filter { $0.ended_on.flatMap(CalendarDate.init(iso:)) == nil }.map(\.id)
        var eventDays: [UUID: CalendarDate] = [:]
        for chunk in undated.chunked(into: 500) {
            for event in try await ProposalEventModel.query(on: db).filter(\.$proposalID ~~ Array(chunk))
                .filter(\.$action == ProposalAction.end.rawValue).all() {
                let day = CalendarDate(event.at)
                if eventDays[event.proposalID].map({ $0 < day }) ?? true { eventDays[event.proposalID] = day }
            }
        }
        let programEnd = YearMonth(iso: program.endMonth)!
        let stopped = rows.compactMap { r -> (Row, CalendarDate, YearMonth)? in
            let stop = Self.stop(reason: r.end_reason.flatMap(EndReason.init(rawValue:)), endedOn: r.ended_on.flatMap(CalendarDate.init(iso:)),
                                 eventDay: eventDays[r.id], programEnd: programEnd)
            if let since, stop.day < since { return nil }
            return (r, stop.day, stop.lastMonth)
        }
        let segments = try await segments(of: stopped.map { ($0.0.id, $0.2) }, program: program.id!)
        return stopped.map { r, day, lastMonth in
            Ended(proposalID: r.id, kpj: r.kpj, nik: r.nik, name: r.name, birthDate: r.birth_date.flatMap(CalendarDate.init(iso:)),
                  village: r.village_code, startDate: r.bpjs_start_date.flatMap(CalendarDate.init(iso:)), endedOn: day, lastMonth: lastMonth,
                  reason: r.end_reason.flatMap(EndReason.init(rawValue:)), reasonCode: r.end_reason ?? "", segment: segments[r.id] ?? BPJSSegment.sg.rawValue)
        }
    }

    /// The BPJS segment each participation was last covered under (its
    /// latest planned month up to its last month); SG when none was planned.
    private func segments(of stopped: [(UUID, YearMonth)], program: UUID) async throws -> [UUID: String] {
        struct Planned: Decodable { let proposal_id: UUID; let month: String; let segment: String? }
        let last = Dictionary(stopped, uniquingKeysWith: { a, _ in a })
        var found: [UUID: (month: String, segment: String)] = [:]
        for chunk in stopped.map(\.0).chunked(into: 500) {
            let planned = try await db.sql.select().column("proposal_id").column("month").column("segment").from("coverage_months")
                .where("program_id", .equal, SQLBind(program)).where("proposal_id", .in, SQLBind.group(Array(chunk)))
                .all(decoding: Planned.self)
            for p in planned {
                guard let segment = p.segment, !segment.isEmpty, let end = last[p.proposal_id], p.month <= end.iso else { continue }
                if found[p.proposal_id].map({ $0.month < p.month }) ?? true { found[p.proposal_id] = (p.month, segment) }
            }
        }
        return found.mapValues(\.segment)
    }

    /// Writes the batch to `url`; returns the number of participants.
    @discardableResult
    func write(program: ProgramModel, layout: BPJSDeactivationLayout, since: CalendarDate? = nil, format: ExportRequest.Format,
               to url: URL) async throws -> Int {
        let ended = try await participations(of: program, since: since)
        let names = try await regionNames(of: ended.map(\.village))
        let headers = layout.columns.map(\.header)
        let xlsx = format == .xlsx ? try XLSXWriter(url: url, sheetName: "Penonaktifan", headers: headers) : nil
        let csv = format == .csv ? try CSVWriter(url: url, headers: headers) : nil
        for e in ended {
            let village = RegionCode(e.village)
            let cells: [ExportCell] = layout.columns.map { column in
                switch column.field {
                case .proposalID: .text(e.proposalID.uuidString)
                case .kpj: .text(e.kpj)
                case .nik: .text(e.nik)
                case .name: .text(e.name.uppercased())
                case .birthDate: e.birthDate.map { .date($0) } ?? .empty
                case .village: .text(e.village)
                case .villageName: .text(names[e.village] ?? "")
                case .district: .text(village?.parent.flatMap { names[$0.dotted] } ?? "")
                case .regency: .text(village?.ancestor(at: .regency).flatMap { names[$0.dotted] } ?? "")
                case .startDate: e.startDate.map { .date($0) } ?? .empty
                case .endedOn: .date(e.endedOn)
                case .lastMonth: .text(e.lastMonth.iso)
                case .reason: .text(e.reason?.indonesianName ?? "")
                case .reasonCode: .text(e.reasonCode)
                case .segment: .text(e.segment)
                }
            }
            try xlsx?.append(cells)
            try csv?.append(cells)
        }
        try xlsx?.finish()
        try csv?.finish()
        return ended.count
    }

    /// Names of the kelurahan, their kecamatan and kabupaten/kota.
    private func regionNames(of villages: [String]) async throws -> [String: String] {
        let codes = Set(villages.flatMap { code -> [String] in
            guard let v = RegionCode(code) else { return [] }
            return [v.dotted] + [v.parent, v.ancestor(at: .regency)].compactMap { $0?.dotted }
        })
        var names: [String: String] = [:]
        for chunk in Array(codes).chunked(into: 500) {
            for region in try await RegionModel.query(on: db).filter(\.$id ~~ Array(chunk)).all() { names[region.id!] = region.name }
        }
        return names
    }

    /// What the audit trail says of a download or a CLI export.
    static func auditEntry(program: ProgramModel, count: Int, since: CalendarDate?, format: ExportRequest.Format) -> AuditEntry {
        AuditEntry(action: "bpjs.export_deactivation", entity: "program", entityID: program.id!.uuidString, regionCode: program.regencyCode,
                   note: "\(count) participants ended\(since.map { " since \($0.iso)" } ?? ""), \(format.rawValue)")
    }
}
