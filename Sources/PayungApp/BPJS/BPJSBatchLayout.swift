import Foundation
import PayungCore

/// The columns of a BPJS registration batch. BPJS Ketenagakerjaan publishes
/// no file specification for collective (wadah) registration, so the layout
/// is configurable: a JSON list of `{"header": "...", "field": "..."}`.
/// The default is documented in docs/BPJS-BATCH.md.
struct BPJSBatchLayout: Codable, Sendable {
    enum Field: String, Codable, CaseIterable, Sendable {
        case proposalID = "proposal_id", nik, name, birthPlace = "birth_place", birthDate = "birth_date", sex, address
        case village, villageName = "village_name", district, regency, occupation, income, segment, startMonth = "start_month"
    }

    struct Column: Codable, Sendable {
        let header: String
        let field: Field
    }

    let columns: [Column]

    static let standard = BPJSBatchLayout(columns: [
        .init(header: "ID_USULAN", field: .proposalID), .init(header: "NIK", field: .nik), .init(header: "NAMA", field: .name),
        .init(header: "TEMPAT_LAHIR", field: .birthPlace), .init(header: "TANGGAL_LAHIR", field: .birthDate),
        .init(header: "JENIS_KELAMIN", field: .sex), .init(header: "ALAMAT", field: .address),
        .init(header: "KODE_KELURAHAN", field: .village), .init(header: "KELURAHAN", field: .villageName),
        .init(header: "KECAMATAN", field: .district), .init(header: "KAB_KOTA", field: .regency),
        .init(header: "PEKERJAAN", field: .occupation), .init(header: "PENGHASILAN", field: .income),
        .init(header: "SEGMEN", field: .segment), .init(header: "BULAN_MULAI", field: .startMonth),
    ])

    static func load(path: String?) throws -> BPJSBatchLayout {
        guard let path else { return .standard }
        guard let data = FileManager.default.contents(atPath: path) else { throw TabularFileError.unreadable(path) }
        do { return try JSONDecoder().decode(BPJSBatchLayout.self, from: data) } catch {
            throw TabularFileError(code: "layout_invalid",
                                   message: "Tata letak kolom tidak valid: harus JSON {\"columns\":[{\"header\":\"NIK\",\"field\":\"nik\"}, ...]}. Field: \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }
}

/// BPJS segment codes for collectively registered vulnerable workers
/// (*wadah*) [N/?]: SG vulnerable workers paid by APBD, SC by CSR, SB by
/// banks, SD village workers paid by APBDes, SA village workers paid by
/// APBD, SL other sources.
enum BPJSSegment: String, CaseIterable, Sendable {
    case sg = "SG", sc = "SC", sb = "SB", sd = "SD", sa = "SA", sl = "SL"
}
