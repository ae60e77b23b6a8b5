import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// A one-time activation code of a user (only its SHA-256 is stored).
final class ActivationCodeModel: Model, @unchecked Sendable {
    static let schema = "activation_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}
}

struct CreateActivationCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("activation_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .create()
        try await database.sql.create(index: "activation_codes_user_idx").on("activation_codes").column("user_id").run()
        try await database.schema("users").field("phone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("activation_codes").delete()
        try await database.schema("users").deleteField("phone").update()
    }
}

/// A password hash no password matches: an onboarded account waits for its
/// activation code. (`UserDirectory.signIn` refuses it like a wrong password.)
enum PendingActivation {
    static let marker = "!activation-pending"
    static func isPending(_ hash: String) -> Bool { hash.hasPrefix("!") }
}

/// What happened to one row of an onboarding sheet.
struct OnboardingRowResult: Content {
    enum Outcome: String, Codable { case created, unchanged, rejected }
    let line: Int
    let name: String
    let outcome: Outcome
    var username: String? = nil
    var place: String? = nil
    var role: String? = nil
    /// Shown once, to the admin who imported: never stored in clear.
    var code: String? = nil
    var message: String
}

struct OnboardingResult: Content {
    let created: Int
    let unchanged: Int
    let rejected: Int
    let rows: [OnboardingRowResult]
}

/// Onboards a Pemda's RT heads and verifiers from a sheet: one account per
/// row with a one-time activation code. Idempotent (a row whose role and
/// region already have an account changes nothing), scoped to the admin's
/// Pemda, bad rows reported one by one, one transaction.
struct Onboarding {
    let db: any Database
    let now: Date

    /// Header words accepted for each column (lowercased, letters only).
    static let headers: [String: [String]] = [
        "name": ["nama", "namalengkap", "name"],
        "phone": ["telepon", "hp", "nohp", "nomorhp", "telp", "notelp", "phone", "wa", "nowa"],
        "village": ["kelurahan", "desa", "kelurahandesa", "village"],
        "district": ["kecamatan", "district"],
        "rt": ["rt"],
        "rw": ["rw"],
        "role": ["peran", "jabatan", "role"],
    ]

    func run(_ sheet: TabularFile, pemda: RegionCode, manager: Actor?, by actor: AuditActor) async throws -> OnboardingResult {
        guard let header = sheet.rows.first else {
            throw AppError.invalid("sheet_empty", "Lembar kosong: baris pertama harus judul kolom (Nama, Telepon, Kelurahan, RT, RW, Peran).")
        }
        var column: [String: Int] = [:]
        for (i, cell) in header.cells.enumerated() {
            let key = cell.lowercased().filter { $0.isLetter }
            if let field = Self.headers.first(where: { $0.value.contains(key) })?.key, column[field] == nil { column[field] = i }
        }
        for needed in ["name", "role"] where column[needed] == nil {
            throw AppError.invalid("column_missing", "Kolom \(needed == "name" ? "Nama" : "Peran") tidak ada di baris judul.")
        }
        guard column["village"] != nil || column["district"] != nil else {
            throw AppError.invalid("column_missing", "Kolom Kelurahan (atau Kecamatan) tidak ada di baris judul.")
        }
        guard sheet.rows.count <= 20_001 else {
            throw AppError.invalid("sheet_too_large", "Paling banyak 20.000 orang per berkas.")
        }
        if let manager, !AccessPolicy.may(manager, .manageUsers, in: pemda) { throw UserError.outsideScope }

        // The Pemda's kecamatan and kelurahan by name and by code.
        let regions = try await RegionModel.query(on: db).filter(\.$id >= pemda.dotted + ".").filter(\.$id < pemda.dotted + "/").all()
        var byCodeIndex: [String: RegionModel] = [:]
        var villageIndex: [String: [RegionModel]] = [:]
        var districtIndex: [String: [RegionModel]] = [:]
        for r in regions {
            byCodeIndex[r.id!] = r
            let key = Self.key(r.name)
            if r.level == RegionLevel.village.rawValue { villageIndex[key, default: []].append(r) }
            if r.level == RegionLevel.district.rawValue { districtIndex[key, default: []].append(r) }
        }
        let columns = column
        @Sendable func cell(_ row: TabularFile.Row, _ field: String) -> String {
            guard let i = columns[field], i < row.cells.count else { return "" }
            return row.cells[i].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let (byCode, villagesByName, districtsByName) = (byCodeIndex, villageIndex, districtIndex)

        return try await db.transaction { tx in
            var results: [OnboardingRowResult] = []
            var generator = SystemRandomNumberGenerator()
            var seenGrants = Set<String>()
            let existing = try await Self.existingGrants(in: pemda, on: tx)
            var takenUsernames = Set(try await tx.sql.select().column("username").from("users").all()
                .map { try $0.decode(column: "username", as: String.self) })
            for row in sheet.rows.dropFirst() where !row.cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                let name = String(cell(row, "name").prefix(121))
                func reject(_ message: String) { results.append(.init(line: row.line, name: name, outcome: .rejected, message: message)) }
                guard !name.isEmpty, name.count <= 120 else { reject("Nama kosong atau lebih dari 120 huruf."); continue }
                guard let kind = OnboardingRole(written: cell(row, "role")) else {
                    reject("Peran \"\(cell(row, "role").prefix(30))\" tidak dikenal: tulis Ketua RT, Kelurahan atau Kecamatan."); continue
                }
                var phone: String?
                let phoneText = cell(row, "phone")
                if !phoneText.isEmpty {
                    guard let parsed = PhoneNumber(phoneText) else { reject(PhoneNumber.invalidMessage); continue }
                    phone = parsed.digits
                }
                // The region: a kelurahan (by code or name, with its kecamatan when the name repeats) or a kecamatan.
                let villageText = cell(row, "village"), districtText = cell(row, "district")
                var region: RegionModel?
                if kind == .kecamatan, villageText.isEmpty || !districtText.isEmpty {
                    region = Self.find(districtText, byCode: byCode, byName: districtsByName, level: .district, within: nil)
                    guard region != nil else { reject("Kecamatan \"\(districtText.prefix(60))\" tidak ada di wilayah Pemda ini."); continue }
                } else {
                    let district = districtText.isEmpty ? nil : Self.find(districtText, byCode: byCode, byName: districtsByName, level: .district, within: nil)
                    let matches = Self.matches(villageText, byCode: byCode, byName: villagesByName, level: .village, within: district?.id)
                    guard matches.count == 1, let village = matches.first else {
                        reject(matches.isEmpty ? "Kelurahan \"\(villageText.prefix(60))\" tidak ada di wilayah Pemda ini."
                                               : "Ada \(matches.count) kelurahan bernama \"\(villageText.prefix(60))\": isi kolom Kecamatan atau tulis kodenya.")
                        continue
                    }
                    region = kind == .kecamatan ? village.parentCode.flatMap { byCode[$0] } : village
                }
                guard let place = region, let code = RegionCode(place.id!) else { reject("Wilayah tidak dikenal."); continue }
                var rt: String?, rw: String?
                if kind == .rt {
                    guard let r = OnboardingRole.neighbourhood(cell(row, "rt")), let w = OnboardingRole.neighbourhood(cell(row, "rw")) else {
                        reject("RT dan RW wajib untuk Ketua RT (angka 1 sampai 999)."); continue
                    }
                    rt = r; rw = w
                }
                let grant = try RoleGrant(role: kind.role, region: code, rt: rt, rw: rw)
                let grantKey = Self.grantKey(grant)
                let placeName = code.placeName(place.name)
                guard seenGrants.insert(grantKey).inserted else { reject("Baris ganda: \(grant.label(regionName: place.name)) sudah ada di baris sebelumnya."); continue }
                if let holder = existing[grantKey] {
                    results.append(.init(line: row.line, name: name, outcome: .unchanged, username: holder.username, place: placeName,
                                         role: kind.role.indonesianName,
                                         message: holder.pending ? "Sudah ada, belum aktivasi. Cetak ulang kodenya di halaman pengguna."
                                                                 : "Sudah ada dan sudah aktif."))
                    continue
                }
                var username = kind.username(place: place.name, rt: rt, rw: rw)
                if takenUsernames.contains(username) { username += "." + pemda.compact }
                var suffix = 2
                let base = username
                while takenUsernames.contains(username) { username = "\(base)\(suffix)"; suffix += 1 }
                guard UserError.validUsername(username) != nil else { reject("Nama pengguna tidak dapat dibuat dari nama wilayah."); continue }
                takenUsernames.insert(username)
                let user = UserModel(username: username, displayName: name, passwordHash: PendingActivation.marker, createdAt: now)
                try await user.create(on: tx)
                if let phone { try await tx.sql.update("users").set("phone", to: phone).where("id", .equal, user.id!).run() }
                try await RoleGrantModel(userID: user.id!, grant: grant).create(on: tx)
                let plain = ActivationCode.make(using: &generator)
                try await Self.storeCode(plain, for: user.id!, now: now, by: actor.username, on: tx)
                results.append(.init(line: row.line, name: name, outcome: .created, username: username, place: placeName,
                                     role: kind.role.indonesianName, code: plain, message: "Akun dibuat."))
            }
            let created = results.filter { $0.outcome == .created }.count
            let unchanged = results.filter { $0.outcome == .unchanged }.count
            let rejected = results.filter { $0.outcome == .rejected }.count
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.onboard", entity: "user", regionCode: pemda.dotted,
                note: "\(created) accounts created, \(unchanged) unchanged, \(rejected) rows refused"), by: actor)
            return OnboardingResult(created: created, unchanged: unchanged, rejected: rejected, rows: results)
        }
    }

    /// Issues a new code for one user (the old ones stop working).
    static func reissue(userID: UUID, now: Date, by actor: AuditActor, on db: any Database) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let plain = ActivationCode.make(using: &generator)
        try await db.transaction { tx in
            try await tx.sql.update("activation_codes").set("used_at", to: now)
                .where("user_id", .equal, userID).where("used_at", .is, SQLLiteral.null).run()
            try await storeCode(plain, for: userID, now: now, by: actor.username, on: tx)
            try await AuditTrail(db: tx, now: now).record(AuditEntry(
                action: "user.activation_code", entity: "user", entityID: userID.uuidString,
                regionCode: try await AccessQueries(db: tx).grants(of: userID).map(\.regionCode).min { $0.count < $1.count }), by: actor)
        }
        return plain
    }

    static func storeCode(_ plain: String, for userID: UUID, now: Date, by who: String, on db: any Database) async throws {
        let row = ActivationCodeModel()
        row.id = UUID()
        row.userID = userID
        row.codeHash = hash(ActivationCode.normalise(plain) ?? plain)
        row.expiresAt = now.addingTimeInterval(Double(ActivationCode.validDays) * 86_400)
        row.createdAt = now
        row.createdBy = who
        try await row.create(on: db)
    }

    static func hash(_ compact: String) -> String {
        SHA256.hash(data: Data(compact.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func key(_ name: String) -> String { name.lowercased().filter { $0.isLetter || $0.isNumber } }

    static func grantKey(_ grant: RoleGrant) -> String {
        "\(grant.role.rawValue)|\(grant.region.dotted)|\(grant.rt ?? "")|\(grant.rw ?? "")"
    }

    static func matches(_ text: String, byCode: [String: RegionModel], byName: [String: [RegionModel]], level: RegionLevel,
                        within parent: String?) -> [RegionModel] {
        if let code = RegionCode(text), let region = byCode[code.dotted], region.level == level.rawValue { return [region] }
        var name = key(text)
        for prefix in ["kelurahan", "desa", "kecamatan", "kel", "kec"] where name.hasPrefix(prefix) && byName[name] == nil {
            name = String(name.dropFirst(prefix.count))
        }
        let found = byName[name] ?? []
        return parent.map { p in found.filter { $0.parentCode == p } } ?? found
    }

    static func find(_ text: String, byCode: [String: RegionModel], byName: [String: [RegionModel]], level: RegionLevel,
                     within parent: String?) -> RegionModel? {
        let found = matches(text, byCode: byCode, byName: byName, level: level, within: parent)
        return found.count == 1 ? found[0] : nil
    }

    /// Who already holds each RT, kelurahan and kecamatan grant in the Pemda.
    static func existingGrants(in pemda: RegionCode, on db: any Database) async throws -> [String: (username: String, pending: Bool)] {
        struct Row: Decodable { let role: String; let region_code: String; let rt: String?; let rw: String?; let username: String; let password_hash: String }
        let rows = try await db.sql.raw("""
            SELECT g.role, g.region_code, g.rt, g.rw, u.username, u.password_hash FROM role_grants g JOIN users u ON u.id = g.user_id
            WHERE g.region_code LIKE \(bind: pemda.dotted + ".%") AND g.role IN ('rt', 'kelurahan', 'kecamatan')
            """).all(decoding: Row.self)
        var result: [String: (String, Bool)] = [:]
        for row in rows {
            result["\(row.role)|\(row.region_code)|\(row.rt ?? "")|\(row.rw ?? "")"] = (row.username, PendingActivation.isPending(row.password_hash))
        }
        return result
    }
}
