import Fluent
import Foundation
import PayungCore
import SQLKit

/// What an import needs to judge a row without a query per row: region
/// codes, village names, occupations, and what the database already holds
/// about the NIKs in the file.
struct ImportContext {
    /// The Pemda's own record of a NIK.
    struct ExistingWorker {
        let id: UUID
        let fields: PersonFields
        /// Program id -> status of this person's proposals.
        var proposals: [UUID: ProposalStatus]
    }

    /// Regencies and districts nationwide (NIK warnings) and the villages of the Pemda.
    var knownRegions: Set<RegionCode> = []
    /// Normalised village name -> codes, within the Pemda.
    var villagesByName: [String: [RegionCode]] = [:]
    /// Normalised occupation code or name -> code.
    var occupations: [String: String] = [:]
    var occupationNames: [String: String] = [:]
    var programNames: [UUID: String] = [:]
    /// The importing Pemda's records of the file's NIKs.
    var existing: [String: ExistingWorker] = [:]
    /// NIKs of the file that are participants in another Pemda's program:
    /// only that fact, nothing of the other record.
    var participantsElsewhere: Set<String> = []
    var bpjsActive: [String: String?] = [:]

    /// Loads what the rows of an import into `pemda` need. Records held by
    /// other Pemdas are read only to learn whether the person participates
    /// there; they never leave this function.
    static func load(db: any Database, pemda regency: RegionCode, niks: [String]) async throws -> ImportContext {
        var context = ImportContext()
        struct Code: Decodable { let code: String; let name: String; let level: String }
        var query = db.sql.select().columns("code", "name", "level").from("regions")
            .where("level", .in, ["regency", "district"])
        query = query.orWhere(SQLRaw("(level = 'village' AND code LIKE '\(regency.dotted).%')"))
        for row in try await query.all(decoding: Code.self) {
            guard let code = RegionCode(row.code) else { continue }
            context.knownRegions.insert(code)
            if row.level == "village" { context.villagesByName[ImportField.normalise(row.name), default: []].append(code) }
        }
        for o in try await OccupationModel.query(on: db).all() {
            context.occupations[ImportField.normalise(o.id!)] = o.id!
            context.occupations[ImportField.normalise(o.name)] = o.id!
            context.occupationNames[o.id!] = o.name
        }
        for (alias, code) in try await OccupationAliasQueries(db: db).all() where context.occupations[alias] == nil {
            context.occupations[alias] = code
        }
        for p in try await ProgramModel.query(on: db).all() { context.programNames[p.id!] = p.name }
        // One query finds which NIKs of the file the table holds at all; only
        // those are loaded whole, 5,000 per query (under SQLite's 32,766 and
        // PostgreSQL's 65,535 binds). A first import asks once and loads nothing.
        let unique = Array(Set(niks))
        // Several Pemdas may hold a record of one NIK: the same NIK can come back more than once.
        let known = Array(Set(try await present(unique, in: "workers", column: "nik", on: db)))
        for chunk in known.chunked(into: 5_000) {
            let workers = try await WorkerModel.query(on: db).filter(\.$nik ~~ Array(chunk)).all()
            let proposals = try await ProposalModel.query(on: db).filter(\.$workerID ~~ workers.map { $0.id! }).all()
            var byWorker: [UUID: [UUID: ProposalStatus]] = [:]
            for p in proposals { byWorker[p.workerID, default: [:]][p.programID] = p.statusValue }
            for w in workers {
                if w.pemdaCode == regency.dotted {
                    context.existing[w.nik] = ExistingWorker(id: w.id!, fields: w.personFields, proposals: byWorker[w.id!] ?? [:])
                } else if (byWorker[w.id!] ?? [:]).values.contains(where: \.isParticipating) {
                    context.participantsElsewhere.insert(w.nik)
                }
            }
        }
        for chunk in try await present(unique, in: "bpjs_active_participants", column: "nik", on: db).chunked(into: 5_000) {
            for b in try await BPJSActiveParticipantModel.query(on: db).filter(\.$id ~~ Array(chunk)).all() {
                context.bpjsActive[b.id!] = b.segment
            }
        }
        return context
    }

    /// The values of `candidates` found in `table.column`, in one query with
    /// one bind: a JSON array read by `json_each` on SQLite, a `text[]` on
    /// PostgreSQL. `candidates` must hold no duplicates. Table and column
    /// are the code's own constants.
    static func present(_ candidates: [String], in table: String, column: String, on db: any Database) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        struct Found: Decodable { let value: String }
        let query: SQLQueryString
        if db.kind == .postgresql {
            query = "SELECT t.\(ident: column) AS value FROM unnest(\(bind: candidates)::text[]) AS c(value) JOIN \(ident: table) t ON t.\(ident: column) = c.value"
        } else {
            let json = jsonArray(candidates)
            // The JSON as the outer loop, probing the index per value (an
            // `IN (SELECT ...)` would first copy a million values into a temporary index).
            query = "SELECT t.\(ident: column) AS value FROM json_each(\(bind: json)) AS c JOIN \(ident: table) t ON t.\(ident: column) = c.value"
        }
        return try await db.sql.raw(query).all(decoding: Found.self).map(\.value)
    }

    /// `["a","b"]`, escaped by hand: `JSONEncoder` took a second for a million NIKs.
    static func jsonArray(_ strings: [String]) -> String {
        var out = "["
        out.reserveCapacity(strings.count * 19 + 2)
        for (i, string) in strings.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            if string.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                out += string
            } else {
                for scalar in string.unicodeScalars {
                    switch scalar {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                    default: out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// The catalogue name closest to an occupation nobody knows ("kuli
    /// banguna" -> "Buruh bangunan"), for a "did you mean" message.
    func occupationSuggestion(for text: String) -> String? {
        let key = ImportField.normalise(text)
        guard let nearest = NearestName.nearest(to: key, among: Array(occupations.keys)), let code = occupations[nearest] else { return nil }
        return occupationNames[code]
    }

    /// A village from a code or, within the Pemda, a name.
    func village(_ raw: String) -> (RegionCode?, String?) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return (nil, nil) }
        if let code = RegionCode(text) { return (code, nil) }
        let matches = villagesByName[ImportField.normalise(text)] ?? []
        if matches.count == 1 { return (matches[0], nil) }
        if matches.isEmpty { return (nil, "Kelurahan/desa \"\(text)\" tidak ditemukan di wilayah program; pakai kode wilayah (mis. 33.75.01.1002).") }
        return (nil, "Nama kelurahan/desa \"\(text)\" ada lebih dari satu (\(matches.map(\.dotted).joined(separator: ", "))); pakai kode wilayah.")
    }
}
