import Foundation
import PayungCore

/// The columns of a BPJS registration batch: a `BPJSColumnLayout` over the
/// registration fields. The default is documented in docs/BPJS-BATCH.md.
typealias BPJSBatchLayout = BPJSColumnLayout<BPJSBatchField>

/// What a registration batch column can hold.
enum BPJSBatchField: String, BPJSLayoutField {
    case proposalID = "proposal_id", nik, name, birthPlace = "birth_place", birthDate = "birth_date", sex, address
    case village, villageName = "village_name", district, regency, occupation, income, segment, startMonth = "start_month"

    static let standardLayout = BPJSBatchLayout(columns: [
        .init(header: "ID_USULAN", field: .proposalID), .init(header: "NIK", field: .nik), .init(header: "NAMA", field: .name),
        .init(header: "TEMPAT_LAHIR", field: .birthPlace), .init(header: "TANGGAL_LAHIR", field: .birthDate),
        .init(header: "JENIS_KELAMIN", field: .sex), .init(header: "ALAMAT", field: .address),
        .init(header: "KODE_KELURAHAN", field: .village), .init(header: "KELURAHAN", field: .villageName),
        .init(header: "KECAMATAN", field: .district), .init(header: "KAB_KOTA", field: .regency),
        .init(header: "PEKERJAAN", field: .occupation), .init(header: "PENGHASILAN", field: .income),
        .init(header: "SEGMEN", field: .segment), .init(header: "BULAN_MULAI", field: .startMonth),
    ])
}

/// BPJS segment codes for collectively registered vulnerable workers
/// (*wadah*) [N/?]: SG vulnerable workers paid by APBD, SC by CSR, SB by
/// banks, SD village workers paid by APBDes, SA village workers paid by
/// APBD, SL other sources.
enum BPJSSegment: String, CaseIterable, Sendable {
    case sg = "SG", sc = "SC", sb = "SB", sd = "SD", sa = "SA", sl = "SL"
}
