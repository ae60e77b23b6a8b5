/// What a person does in the program. Each role is held over a region scope
/// (`RoleGrant`); one person may hold several.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    /// Ketua RT: proposes the workers of one RT in one kelurahan/desa.
    case rt
    /// Kelurahan/desa officer: first verification, one village.
    case kelurahan
    /// Kecamatan officer: second verification, one district.
    case kecamatan
    /// City agency (Dinas) operator: approves, registers, imports, exports.
    case `operator`
    /// Head of the city agency: approves and follows the figures.
    case kepalaDinas = "kepala_dinas"
    /// BPJS branch liaison: registration and claims data of the regency.
    case bpjs
    /// Sponsor (CSR, Baznas, Korpri, donor): aggregates of what it funds only.
    case sponsor
    /// Administrator: users and settings, no personal records.
    case admin
    /// Auditor: reads everything in scope, every read logged; changes nothing.
    case auditor

    public var indonesianName: String {
        switch self {
        case .rt: "Ketua RT"
        case .kelurahan: "Verifikator kelurahan/desa"
        case .kecamatan: "Verifikator kecamatan"
        case .operator: "Operator Dinas"
        case .kepalaDinas: "Kepala Dinas"
        case .bpjs: "Petugas BPJS Ketenagakerjaan"
        case .sponsor: "Penyandang dana"
        case .admin: "Admin"
        case .auditor: "Auditor"
        }
    }

    /// The region level a grant of this role is held over. Agency, BPJS,
    /// sponsor, admin and auditor roles cover a whole regency (the Pemda) or,
    /// for a multi-Pemda deployment's admin or auditor, a province.
    public var scopeLevels: Set<RegionLevel> {
        switch self {
        case .rt, .kelurahan: [.village]
        case .kecamatan: [.district]
        case .operator, .kepalaDinas, .bpjs, .sponsor: [.regency]
        case .admin, .auditor: [.regency, .province]
        }
    }
}
