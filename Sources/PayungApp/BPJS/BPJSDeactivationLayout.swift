import Foundation

/// The columns of a BPJS deactivation batch (participants whose
/// participation ended, for BPJS to stop invoicing them): a
/// `BPJSColumnLayout` over the deactivation fields. The default is
/// documented in docs/BPJS-BATCH.md, "Deactivation batch".
typealias BPJSDeactivationLayout = BPJSColumnLayout<BPJSDeactivationField>

/// What a deactivation batch column can hold.
enum BPJSDeactivationField: String, BPJSLayoutField {
    case proposalID = "proposal_id", kpj, nik, name, birthDate = "birth_date"
    case village, villageName = "village_name", district, regency
    /// BPJS's start of membership (`bpjs_start_date`).
    case startDate = "start_date"
    /// The day participation ended (date of death, of moving away).
    case endedOn = "ended_on"
    /// The last covered month, `YYYY-MM`.
    case lastMonth = "last_month"
    /// The end reason in words ("Meninggal dunia"); `reason_code` is its stable code (`death`).
    case reason, reasonCode = "reason_code"
    case segment

    static let standardLayout = BPJSDeactivationLayout(columns: [
        .init(header: "ID_USULAN", field: .proposalID), .init(header: "KPJ", field: .kpj), .init(header: "NIK", field: .nik),
        .init(header: "NAMA", field: .name), .init(header: "TANGGAL_LAHIR", field: .birthDate),
        .init(header: "KODE_KELURAHAN", field: .village), .init(header: "KELURAHAN", field: .villageName),
        .init(header: "KECAMATAN", field: .district), .init(header: "TANGGAL_BERHENTI", field: .endedOn),
        .init(header: "BULAN_TERAKHIR", field: .lastMonth), .init(header: "ALASAN", field: .reason),
        .init(header: "KODE_ALASAN", field: .reasonCode), .init(header: "SEGMEN", field: .segment),
    ])
}
