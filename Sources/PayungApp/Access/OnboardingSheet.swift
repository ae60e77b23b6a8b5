import Fluent
import Foundation
import PayungCore

/// The columns of an onboarding sheet, found by their header words.
struct OnboardingSheet {
    /// Header words accepted for each column (lowercased, letters only).
    static let headers: [(field: String, title: String, words: [String])] = [
        ("name", "Nama", ["nama", "namalengkap", "name"]),
        ("phone", "Telepon", ["telepon", "hp", "nohp", "nomorhp", "telp", "notelp", "phone", "wa", "nowa", "nomortelepon"]),
        ("district", "Kecamatan", ["kecamatan", "district"]),
        ("village", "Kelurahan", ["kelurahan", "desa", "kelurahandesa", "village"]),
        ("rt", "RT", ["rt"]),
        ("rw", "RW", ["rw"]),
        ("role", "Peran", ["peran", "jabatan", "role"]),
    ]

    let column: [String: Int]
    let titles: [String: String]

    init(header: TabularFile.Row) throws {
        var column: [String: Int] = [:], titles: [String: String] = [:]
        for (i, cell) in header.cells.enumerated() {
            let key = cell.lowercased().filter { $0.isLetter }
            if let entry = Self.headers.first(where: { $0.words.contains(key) }), column[entry.field] == nil {
                column[entry.field] = i
                titles[entry.field] = String(cell.trimmingCharacters(in: .whitespaces).prefix(40))
            }
        }
        for needed in ["name", "role"] where column[needed] == nil {
            throw AppError.invalid("column_missing", "Kolom \(needed == "name" ? "Nama" : "Peran") tidak ada di baris judul.")
        }
        guard column["village"] != nil || column["district"] != nil else {
            throw AppError.invalid("column_missing", "Kolom Kelurahan (atau Kecamatan) tidak ada di baris judul.")
        }
        self.column = column
        self.titles = titles
    }

    func cell(_ row: TabularFile.Row, _ field: String) -> String {
        guard let i = column[field], i < row.cells.count else { return "" }
        return row.cells[i].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The column as the sheet titles it ("No HP"), or Payung's word for it.
    func title(_ field: String) -> String {
        titles[field] ?? Self.headers.first { $0.field == field }?.title ?? field
    }
}

/// A row refused, with the column at fault and a stable reason code.
struct OnboardingRefusal: Error {
    let field: String
    let reason: String
    let message: String
}

/// One row understood: who, which grant, where.
struct OnboardingRequest {
    let name: String
    let phone: String?
    let kind: OnboardingRole
    let grant: RoleGrant
    let regionName: String
}

/// The Pemda's kecamatan and kelurahan by name and by code, read once.
struct OnboardingRegions {
    let pemda: RegionCode
    private var byCode: [String: RegionModel] = [:]
    private var villages: [String: [RegionModel]] = [:]
    private var districts: [String: [RegionModel]] = [:]

    init(pemda: RegionCode, on db: any Database) async throws {
        self.pemda = pemda
        let regions = try await RegionModel.query(on: db).filter(\.$id >= pemda.dotted + ".").filter(\.$id < pemda.dotted + "/").all()
        for r in regions {
            byCode[r.id!] = r
            if r.level == RegionLevel.village.rawValue { villages[Self.key(r.name), default: []].append(r) }
            if r.level == RegionLevel.district.rawValue { districts[Self.key(r.name), default: []].append(r) }
        }
    }

    static func key(_ name: String) -> String { name.lowercased().filter { $0.isLetter || $0.isNumber } }

    /// Reads one row; throws `OnboardingRefusal` with the column at fault.
    func judge(_ row: TabularFile.Row, in sheet: OnboardingSheet) throws -> OnboardingRequest {
        let name = sheet.cell(row, "name")
        guard !name.isEmpty, name.count <= 120 else {
            throw OnboardingRefusal(field: "name", reason: "name_invalid", message: "Nama kosong atau lebih dari 120 huruf.")
        }
        guard !name.lowercased().hasPrefix("(contoh)") else {
            throw OnboardingRefusal(field: "name", reason: "example_row", message: "Baris contoh dari templat: hapus atau ganti dengan data sebenarnya.")
        }
        let roleText = sheet.cell(row, "role")
        guard let kind = OnboardingRole(written: roleText) else {
            throw OnboardingRefusal(field: "role", reason: "role_unknown",
                                    message: "Peran \"\(roleText.prefix(30))\" tidak dikenal: tulis Ketua RT, Kelurahan atau Kecamatan.")
        }
        var phone: String?
        let phoneText = sheet.cell(row, "phone")
        if !phoneText.isEmpty {
            guard let parsed = PhoneNumber(phoneText) else {
                throw OnboardingRefusal(field: "phone", reason: "phone_invalid", message: PhoneNumber.invalidMessage)
            }
            phone = parsed.digits
        }
        let place = try region(of: row, kind: kind, in: sheet)
        guard let code = RegionCode(place.id!) else {
            throw OnboardingRefusal(field: "village", reason: "region_unknown", message: "Wilayah tidak dikenal.")
        }
        var rt: String?, rw: String?
        if kind == .rt {
            guard let r = OnboardingRole.neighbourhood(sheet.cell(row, "rt")) else {
                throw OnboardingRefusal(field: "rt", reason: "rt_invalid", message: "RT wajib untuk Ketua RT: angka 1 sampai 999.")
            }
            guard let w = OnboardingRole.neighbourhood(sheet.cell(row, "rw")) else {
                throw OnboardingRefusal(field: "rw", reason: "rw_invalid", message: "RW wajib untuk Ketua RT: angka 1 sampai 999.")
            }
            rt = r; rw = w
        }
        let grant = try RoleGrant(role: kind.role, region: code, rt: rt, rw: rw)
        return OnboardingRequest(name: name, phone: phone, kind: kind, grant: grant, regionName: place.name)
    }

    /// The row's kelurahan (by code or name, with its kecamatan when the
    /// name repeats), or for a kecamatan verifier the kecamatan.
    private func region(of row: TabularFile.Row, kind: OnboardingRole, in sheet: OnboardingSheet) throws -> RegionModel {
        let villageText = sheet.cell(row, "village"), districtText = sheet.cell(row, "district")
        if kind == .kecamatan, villageText.isEmpty || !districtText.isEmpty {
            let found = matches(districtText, names: districts, level: .district, within: nil)
            guard found.count == 1 else {
                throw OnboardingRefusal(field: "district", reason: "district_unknown",
                                        message: districtText.isEmpty ? "Kecamatan wajib diisi untuk verifikator kecamatan."
                                                                      : "Kecamatan \"\(districtText.prefix(60))\" tidak ada di wilayah Pemda ini.")
            }
            return found[0]
        }
        var district: RegionModel?
        if !districtText.isEmpty {
            let found = matches(districtText, names: districts, level: .district, within: nil)
            guard found.count == 1 else {
                throw OnboardingRefusal(field: "district", reason: "district_unknown",
                                        message: "Kecamatan \"\(districtText.prefix(60))\" tidak ada di wilayah Pemda ini.")
            }
            district = found[0]
        }
        let found = matches(villageText, names: villages, level: .village, within: district?.id)
        guard found.count == 1, let village = found.first else {
            if villageText.isEmpty {
                throw OnboardingRefusal(field: "village", reason: "village_missing", message: "Kelurahan wajib diisi.")
            }
            throw OnboardingRefusal(field: "village", reason: found.isEmpty ? "village_unknown" : "village_ambiguous",
                                    message: found.isEmpty ? "Kelurahan \"\(villageText.prefix(60))\" tidak ada di wilayah Pemda ini."
                                                           : "Ada \(found.count) kelurahan bernama \"\(villageText.prefix(60))\": isi kolom Kecamatan atau tulis kodenya.")
        }
        if kind == .kecamatan, let parent = village.parentCode.flatMap({ byCode[$0] }) { return parent }
        return village
    }

    private func matches(_ text: String, names: [String: [RegionModel]], level: RegionLevel, within parent: String?) -> [RegionModel] {
        if let code = RegionCode(text), let region = byCode[code.dotted], region.level == level.rawValue { return [region] }
        var name = Self.key(text)
        for prefix in ["kelurahan", "desa", "kecamatan", "kel", "kec"] where name.hasPrefix(prefix) && names[name] == nil {
            name = String(name.dropFirst(prefix.count))
        }
        let found = names[name] ?? []
        return parent.map { p in found.filter { $0.parentCode == p } } ?? found
    }
}
