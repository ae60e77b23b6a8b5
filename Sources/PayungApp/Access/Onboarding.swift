import Fluent
import Foundation
import PayungCore
import SQLKit
import Vapor

/// What happened to one row of an onboarding sheet.
struct OnboardingRowResult: Content {
    enum Outcome: String, Codable { case created, unchanged, rejected }
    let line: Int
    let name: String
    let outcome: Outcome
    var username: String? = nil
    /// "Kelurahan Medono", "Kecamatan Pekalongan Barat".
    var place: String? = nil
    /// "Ketua RT", "Verifikator Kelurahan".
    var role: String? = nil
    var rt: String? = nil
    var rw: String? = nil
    /// Shown once, to the admin who imported: never stored in clear.
    var code: String? = nil
    /// A refused row: the column at fault as the sheet titles it, and a stable reason.
    var column: String? = nil
    var reason: String? = nil
    var message: String
}

struct OnboardingResult: Content {
    let created: Int
    let unchanged: Int
    let rejected: Int
    let rows: [OnboardingRowResult]
}

/// Onboards a Pemda's RT heads and verifiers from a sheet: one account per
/// row with a one-time activation code. Idempotent: an RT that already has
/// a head, or a kelurahan or kecamatan verifier already there under the
/// same name or phone, changes nothing and gets no new code. Scoped to the
/// admin's Pemda (a kelurahan elsewhere is a refused row); refused rows are
/// reported one by one and do not stop the others, as in the proposal
/// imports; everything is written in one transaction.
struct Onboarding {
    let db: any Database
    let now: Date

    /// Rows of one sheet, header included.
    static let maxRows = 20_001
    static let limits: TabularFile.Limits = {
        var limits = TabularFile.Limits.standard
        limits.maxRows = maxRows
        limits.maxColumns = 200
        limits.maxCells = 200 * maxRows
        return limits
    }()

    /// Someone already holding an RT, kelurahan or kecamatan grant.
    struct Holder {
        let username: String
        let displayName: String
        let phone: String?
        let pending: Bool
    }

    func run(_ file: TabularFile, pemda: RegionCode, manager: Actor?, by actor: AuditActor) async throws -> OnboardingResult {
        guard let header = file.rows.first else {
            throw AppError.invalid("sheet_empty", "Lembar kosong: baris pertama harus judul kolom (Nama, Telepon, Kelurahan, RT, RW, Peran).")
        }
        let sheet = try OnboardingSheet(header: header)
        guard file.rows.count <= Self.maxRows else {
            throw AppError.invalid("sheet_too_large", "Paling banyak 20.000 orang per berkas.")
        }
        if let manager, !AccessPolicy.may(manager, .manageUsers, in: pemda) { throw UserError.outsideScope }
        let regions = try await OnboardingRegions(pemda: pemda, on: db)
        let now = self.now

        return try await db.transaction { tx in
            var results: [OnboardingRowResult] = []
            var generator = SystemRandomNumberGenerator()
            var seen = Set<String>()
            var existing = try await Self.holders(in: pemda, on: tx)
            var taken = Set(try await tx.sql.select().column("username").from(UserModel.schema).all()
                .map { try $0.decode(column: "username", as: String.self) })
            var users: [[any SQLExpression]] = [], grants: [RoleGrantModel] = [], codes: [ActivationCodeModel] = []
            for row in file.rows.dropFirst() where !row.cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                let name = String(sheet.cell(row, "name").prefix(120))
                let request: OnboardingRequest
                do {
                    request = try regions.judge(row, in: sheet)
                } catch let refusal as OnboardingRefusal {
                    results.append(.init(line: row.line, name: name, outcome: .rejected, column: sheet.title(refusal.field),
                                         reason: refusal.reason, message: refusal.message))
                    continue
                }
                let grant = request.grant, key = Self.grantKey(grant)
                let place = grant.region.placeName(request.regionName)
                var result = OnboardingRowResult(line: row.line, name: name, outcome: .created, place: place,
                                                 role: request.kind.role.indonesianName, rt: grant.rt, rw: grant.rw, message: "")
                // An RT has one head; a kelurahan or kecamatan may have several verifiers, told apart by name or phone.
                let person = request.kind == .rt ? key : key + "|" + OnboardingRegions.key(request.name)
                guard seen.insert(person).inserted else {
                    results.append(.init(line: row.line, name: name, outcome: .rejected, column: sheet.title("name"), reason: "duplicate_row",
                                         message: "Baris ganda: \(grant.label(regionName: request.regionName)) sudah ada di baris sebelumnya."))
                    continue
                }
                if let holder = Self.match(request, among: existing[key] ?? []) {
                    result = OnboardingRowResult(line: row.line, name: name, outcome: .unchanged, username: holder.username, place: place,
                                                 role: result.role, rt: grant.rt, rw: grant.rw, message: Self.unchangedMessage(holder, request))
                    results.append(result)
                    continue
                }
                var username = request.kind.username(place: request.regionName, rt: grant.rt, rw: grant.rw)
                // Taken (a second verifier, a replaced head, a namesake kelurahan elsewhere): numbered.
                let base = username
                var suffix = 2
                while taken.contains(username) { username = "\(base)\(suffix)"; suffix += 1 }
                guard UserError.validUsername(username) != nil else {
                    results.append(.init(line: row.line, name: name, outcome: .rejected, column: sheet.title("village"), reason: "username_unavailable",
                                         message: "Nama pengguna tidak dapat dibuat dari nama wilayah."))
                    continue
                }
                taken.insert(username)
                let id = UUID()
                users.append([SQLBind(id), SQLBind(username), SQLBind(request.name), SQLBind(PendingActivation.marker), SQLBind(true),
                              SQLBind(0), SQLBind(now), SQLBind(request.phone)])
                grants.append(RoleGrantModel(userID: id, grant: grant))
                let plain = ActivationCode.make(using: &generator)
                codes.append(ActivationCodeModel(userID: id, plain: plain, now: now, by: actor.username))
                existing[key, default: []].append(Holder(username: username, displayName: request.name, phone: request.phone, pending: true))
                result.username = username
                result.code = plain
                result.message = "Akun dibuat."
                results.append(result)
            }
            do {
                try await Self.insert(users: users, grants: grants, codes: codes, on: tx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another import or a new user took a username meanwhile: nothing was kept.
                throw AppError(code: "onboarding_conflict", message: "Pada saat yang sama ada akun lain yang dibuat dengan nama pengguna yang sama; "
                               + "tidak ada yang disimpan. Impor ulang berkasnya.", kind: .conflict)
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

    /// Multi-row inserts, 500 rows at a time: a thousand accounts in a few
    /// statements instead of four thousand round trips.
    static func insert(users: [[any SQLExpression]], grants: [RoleGrantModel], codes: [ActivationCodeModel], on db: any Database) async throws {
        let chunk = 500
        for start in stride(from: 0, to: users.count, by: chunk) {
            var insert = db.sql.insert(into: UserModel.schema)
                .columns("id", "username", "display_name", "password_hash", "is_active", "failed_logins", "created_at", "phone")
            for values in users[start..<min(start + chunk, users.count)] { insert = insert.values(values) }
            try await insert.run()
        }
        for start in stride(from: 0, to: grants.count, by: chunk) {
            try await Array(grants[start..<min(start + chunk, grants.count)]).create(on: db)
        }
        for start in stride(from: 0, to: codes.count, by: chunk) {
            try await Array(codes[start..<min(start + chunk, codes.count)]).create(on: db)
        }
    }

    /// The account a row stands for, if it exists: an RT's head whoever it
    /// is; a verifier with the same name or the same phone.
    static func match(_ request: OnboardingRequest, among holders: [Holder]) -> Holder? {
        if request.kind == .rt { return holders.first }
        let name = OnboardingRegions.key(request.name)
        return holders.first { holder in
            OnboardingRegions.key(holder.displayName) == name || (request.phone != nil && holder.phone == request.phone)
        }
    }

    static func unchangedMessage(_ holder: Holder, _ request: OnboardingRequest) -> String {
        let state = holder.pending ? "belum aktivasi; buat kode baru di halaman penggunanya bila kodenya hilang"
                                   : "sudah aktif"
        if OnboardingRegions.key(holder.displayName) == OnboardingRegions.key(request.name) {
            return "Sudah punya akun, \(state). Tidak ada kode baru."
        }
        if request.kind == .rt {
            return "RT ini sudah punya akun atas nama \(holder.displayName), \(state). Tidak ada akun atau kode baru; "
                + "nonaktifkan akun lama di halaman pengguna bila ketua RT-nya berganti."
        }
        return "Nomor telepon ini sudah dipakai akun \(holder.displayName) di wilayah yang sama, \(state). Tidak ada akun atau kode baru."
    }

    static func grantKey(_ grant: RoleGrant) -> String {
        "\(grant.role.rawValue)|\(grant.region.dotted)|\(grant.rt ?? "")|\(grant.rw ?? "")"
    }

    /// Who already holds each RT, kelurahan and kecamatan grant in the Pemda.
    static func holders(in pemda: RegionCode, on db: any Database) async throws -> [String: [Holder]] {
        struct Row: Decodable {
            let role: String; let region_code: String; let rt: String?; let rw: String?
            let username: String; let display_name: String; let phone: String?; let password_hash: String
        }
        let rows = try await db.sql.raw("""
            SELECT g.role, g.region_code, g.rt, g.rw, u.username, u.display_name, u.phone, u.password_hash
            FROM role_grants g JOIN users u ON u.id = g.user_id
            WHERE g.region_code LIKE \(bind: pemda.dotted + ".%") AND g.role IN ('rt', 'kelurahan', 'kecamatan')
            AND u.is_active = \(bind: true)
            ORDER BY u.created_at, u.username
            """).all(decoding: Row.self)
        var result: [String: [Holder]] = [:]
        for row in rows {
            result["\(row.role)|\(row.region_code)|\(row.rt ?? "")|\(row.rw ?? "")", default: []].append(Holder(
                username: row.username, displayName: row.display_name, phone: row.phone, pending: PendingActivation.isPending(row.password_hash)))
        }
        return result
    }
}
