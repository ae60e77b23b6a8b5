import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

struct SponsorInput: Content {
    let pemda: String
    let kind: String
    let name: String
    var contact: String?
    var segment: String?
}

struct PledgeInput: Content {
    let programID: UUID
    let fromMonth: String
    let throughMonth: String
    var amount: Int64?
    var participants: Int?
    var months: Int?
    /// A kelurahan or kecamatan code the pledge is for.
    var region: String?
    var occupation: String?
}

struct SponsorDTO: Content {
    struct Pledge: Content {
        let id: UUID
        let programID: UUID
        let fromMonth: String
        let throughMonth: String
        let amount: Int64?
        let participants: Int?
        let months: Int?
        let region: String?
        let occupation: String?
        /// What the pledge has paid for so far (person-months and rupiah).
        let usedPersonMonths: Int
        let usedRupiah: Int64
    }
    let id: UUID
    let pemda: String
    let kind: String
    let kindName: String
    let name: String
    let contact: String?
    let segment: String
    let pledges: [Pledge]
}

/// A sponsor's statement: what its money covered, by kecamatan and by
/// occupation, as counts (small ones hidden) and rupiah; never a name or NIK.
struct SponsorStatementDTO: Content {
    struct Line: Content {
        let label: String
        /// nil: fewer than 5 people (or hidden with such a cell).
        let people: Int?
        let personMonths: Int?
        let rupiah: Int64
    }
    let sponsor: String
    let people: Int
    let personMonths: Int
    let rupiah: Int64
    let byDistrict: [Line]
    let byOccupation: [Line]
}

/// Sponsors (*penyandang dana*) and their pledges, run by the Pemda's
/// operator; statements for staff and for the sponsor's own users.
struct SponsorService {
    let db: any Database
    let now: Date

    func create(_ input: SponsorInput, actor: Actor, by auditActor: AuditActor) async throws -> SponsorModel {
        guard let pemda = RegionCode(input.pemda), pemda.level == .regency else {
            throw AppError.invalid("pemda_invalid", "Pemda ditulis sebagai kode kabupaten/kota, mis. 33.75.")
        }
        guard AccessPolicy.may(actor, .manageSettings, in: pemda) else { throw AccessError.forbidden }
        guard let kind = PayerKind(rawValue: input.kind) else {
            throw AppError.invalid("payer_kind_invalid", "Jenis penyandang dana: \(PayerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        guard (2...120).contains(name.count) else { throw AppError.invalid("sponsor_name_invalid", "Nama penyandang dana 2 sampai 120 huruf.") }
        let segment = try input.segment.map { raw in
            guard let s = PayungCore.BPJSSegment(rawValue: raw.uppercased()) else {
                throw AppError.invalid("segment_invalid", "Segmen BPJS: \(PayungCore.BPJSSegment.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return s
        } ?? kind.defaultSegment
        return try await db.transaction { tx in
            if try await SponsorModel.query(on: tx).filter(\.$pemdaCode == pemda.dotted).filter(\.$name == name).first() != nil {
                throw AppError(code: "sponsor_exists", message: "Penyandang dana \(name) sudah ada.", kind: .conflict)
            }
            let sponsor = SponsorModel()
            sponsor.id = UUID()
            sponsor.pemdaCode = pemda.dotted
            sponsor.kind = kind.rawValue
            sponsor.name = name
            sponsor.contact = input.contact?.trimmingCharacters(in: .whitespaces).nilIfBlank.map { String($0.prefix(200)) }
            sponsor.segment = segment.rawValue
            sponsor.createdAt = now
            try await sponsor.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "sponsor.create", entity: "sponsor", entityID: sponsor.id!.uuidString, regionCode: pemda.dotted,
                changes: ["name": .init(old: nil, new: name), "kind": .init(old: nil, new: kind.rawValue)]), by: auditActor)
            return sponsor
        }
    }

    func pledge(_ sponsorID: UUID, _ input: PledgeInput, actor: Actor, by auditActor: AuditActor) async throws -> PledgeModel {
        guard let sponsor = try await SponsorModel.find(sponsorID, on: db), let pemda = RegionCode(sponsor.pemdaCode),
              AccessPolicy.may(actor, .manageSettings, in: pemda) else { throw AppError.notFound("Penyandang dana") }
        guard let program = try await ProgramModel.find(input.programID, on: db), program.regencyCode == sponsor.pemdaCode,
              let start = YearMonth(iso: program.startMonth), let end = YearMonth(iso: program.endMonth) else {
            throw AppError.invalid("pledge_program_invalid", "Program tidak ada di Pemda penyandang dana ini.")
        }
        guard let from = YearMonth(iso: input.fromMonth), let through = YearMonth(iso: input.throughMonth), from <= through,
              from >= start, through <= end else {
            throw AppError.invalid("pledge_period_invalid", "Masa komitmen harus di dalam periode program (\(start.indonesian) sampai \(end.indonesian)).")
        }
        switch (input.amount, input.participants, input.months) {
        case (let amount?, nil, nil):
            guard (1...BudgetPlan.maxBudget).contains(amount) else { throw AppError.invalid("pledge_amount_invalid", "Nilai komitmen Rp1 sampai Rp10^15.") }
        case (nil, let n?, let m?):
            guard (1...BudgetPlan.maxWorkers).contains(n), (1...BudgetPlan.maxMonths).contains(m) else {
                throw AppError.invalid("pledge_size_invalid", "Komitmen: 1 sampai 10.000.000 peserta x 1 sampai 120 bulan.")
            }
        default:
            throw AppError.invalid("pledge_size_required", "Isi nilai rupiah, atau jumlah peserta dan jumlah bulan (salah satu).")
        }
        var region: RegionCode?
        if let raw = input.region?.nilIfBlank {
            guard let code = RegionCode(raw), code.isWithin(pemda), code.level == .district || code.level == .village else {
                throw AppError.invalid("pledge_region_invalid", "Wilayah komitmen harus kecamatan atau kelurahan di Pemda ini.")
            }
            region = code
        }
        let pledge = PledgeModel()
        pledge.id = UUID()
        pledge.sponsorID = sponsorID
        pledge.programID = program.id!
        pledge.fromMonth = from.iso
        pledge.throughMonth = through.iso
        pledge.amount = input.amount
        pledge.participants = input.participants
        pledge.months = input.months
        pledge.regionCode = region?.dotted
        pledge.occupationCode = input.occupation?.nilIfBlank.map { String($0.prefix(60)) }
        pledge.createdAt = now
        pledge.createdBy = auditActor.username
        try await db.transaction { tx in
            try await pledge.create(on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "sponsor.pledge", entity: "sponsor", entityID: sponsorID.uuidString, regionCode: sponsor.pemdaCode,
                note: "program \(program.code), \(from.iso)..\(through.iso), "
                    + (input.amount.map { "Rp\($0)" } ?? "\(input.participants ?? 0) x \(input.months ?? 0) months")), by: auditActor)
        }
        return pledge
    }

    func dto(_ sponsor: SponsorModel) async throws -> SponsorDTO {
        let pledges = try await PledgeModel.query(on: db).filter(\.$sponsorID == sponsor.id!).sort(\.$createdAt).all()
        struct Used: Decodable { let pledge_id: UUID; let n: Int; let rupiah: Int64 }
        let used = pledges.isEmpty ? [] : try await db.sql.raw("""
            SELECT pledge_id, COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS rupiah FROM coverage_months
            WHERE pledge_id IN (\(binds: pledges.map { $0.id! })) GROUP BY pledge_id
            """).all(decoding: Used.self)
        let byPledge = Dictionary(uniqueKeysWithValues: used.map { ($0.pledge_id, $0) })
        let kind = PayerKind(rawValue: sponsor.kind)
        return SponsorDTO(id: sponsor.id!, pemda: sponsor.pemdaCode, kind: sponsor.kind, kindName: kind?.indonesianName ?? sponsor.kind,
                          name: sponsor.name, contact: sponsor.contact, segment: sponsor.segment,
                          pledges: pledges.map { p in
                              .init(id: p.id!, programID: p.programID, fromMonth: p.fromMonth, throughMonth: p.throughMonth, amount: p.amount,
                                    participants: p.participants, months: p.months, region: p.regionCode, occupation: p.occupationCode,
                                    usedPersonMonths: byPledge[p.id!]?.n ?? 0, usedRupiah: byPledge[p.id!]?.rupiah ?? 0)
                          })
    }

    /// The statement: aggregates only, small counts hidden.
    func statement(_ sponsor: SponsorModel) async throws -> SponsorStatementDTO {
        struct Row: Decodable { let district: String; let occupation: String?; let people: Int; let n: Int; let rupiah: Int64 }
        let rows = try await db.sql.raw("""
            SELECT SUBSTR(village_code, 1, 8) AS district, occupation_code AS occupation, COUNT(DISTINCT nik) AS people,
                   COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS rupiah
            FROM coverage_months WHERE sponsor_id = \(bind: sponsor.id!) GROUP BY SUBSTR(village_code, 1, 8), occupation_code
            """).all(decoding: Row.self)
        struct Total: Decodable { let people: Int; let n: Int; let rupiah: Int64? }
        let total = try await db.sql.raw("""
            SELECT COUNT(DISTINCT nik) AS people, COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS rupiah FROM coverage_months
            WHERE sponsor_id = \(bind: sponsor.id!)
            """).first(decoding: Total.self)
        let districtNames = try await RegionQueries(db: db).names(of: Array(Set(rows.map(\.district))))
        let occupationNames = Dictionary(uniqueKeysWithValues: try await OccupationModel.query(on: db).all().map { ($0.id!, $0.name) })
        func lines(_ key: (Row) -> String, _ label: (String) -> String) async throws -> [SponsorStatementDTO.Line] {
            // People are counted per group across the rows of that group (a person has one district and one occupation).
            let groups = Dictionary(grouping: rows, by: key).sorted { $0.key < $1.key }
            let people = groups.map { $0.value.reduce(0) { $0 + $1.people } }
            let hidden = SmallCounts.hidden(people)
            return groups.enumerated().map { i, group in
                SponsorStatementDTO.Line(label: label(group.key), people: hidden.contains(i) ? nil : people[i],
                                         personMonths: hidden.contains(i) ? nil : group.value.reduce(0) { $0 + $1.n },
                                         rupiah: group.value.reduce(0) { $0 + $1.rupiah })
            }
        }
        return SponsorStatementDTO(
            sponsor: sponsor.name, people: total?.people ?? 0, personMonths: total?.n ?? 0, rupiah: total?.rupiah ?? 0,
            byDistrict: try await lines({ $0.district }) { code in
                districtNames[code].flatMap { name in RegionCode(code).map { $0.placeName(name) } } ?? code
            },
            byOccupation: try await lines({ $0.occupation ?? "" }) { code in occupationNames[code] ?? "Tidak diketahui" })
    }

    /// The sponsor the actor may read: staff of its Pemda, or its own users.
    func readable(_ id: UUID, actor: Actor) async throws -> SponsorModel {
        guard let sponsor = try await SponsorModel.find(id, on: db), let pemda = RegionCode(sponsor.pemdaCode) else {
            throw AppError.notFound("Penyandang dana")
        }
        if AccessPolicy.may(actor, .manageSettings, in: pemda) || AccessPolicy.may(actor, .approve, in: pemda)
            || AccessPolicy.may(actor, .readAudit, in: pemda) { return sponsor }
        if let userID = UUID(uuidString: actor.userID),
           try await SponsorUserModel.query(on: db).filter(\.$userID == userID).filter(\.$sponsorID == id).first() != nil {
            return sponsor
        }
        throw AppError.notFound("Penyandang dana")
    }
}
