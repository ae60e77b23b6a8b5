import PayungCore

/// The audit trail in words for the auditor's page: every action the code
/// records, and the kinds of data, in Bahasa Indonesia; the code stays
/// beside them in small print. A test checks that every action written in
/// the sources has its words here.
enum AuditWords {
    static let actions: [String: String] = [
        "session.login": "Masuk", "session.login_failed": "Gagal masuk", "session.logout": "Keluar",
        "user.create": "Membuat pengguna", "user.grant_add": "Menambah peran", "user.grant_remove": "Menghapus peran",
        "user.activate": "Mengaktifkan pengguna", "user.deactivate": "Menonaktifkan pengguna",
        "user.password_set": "Mengganti kata sandi", "token.create": "Membuat token API", "token.revoke": "Mencabut token API",
        "audit.read": "Membaca jejak audit", "regions.import": "Memuat daftar wilayah",
        "proposal.create": "Membuat usulan", "proposal.update": "Memperbaiki usulan", "proposal.view": "Melihat usulan",
        "proposal.view_full_nik": "Melihat NIK lengkap", "proposal.search_nik": "Mencari NIK lengkap",
        "proposal.check_match": "Pemeriksaan NIK menemukan data", "proposal.submit": "Mengajukan usulan",
        "proposal.verify": "Memverifikasi usulan", "proposal.return": "Mengembalikan usulan untuk perbaikan",
        "proposal.reject": "Menolak usulan", "proposal.approve": "Menyetujui usulan", "proposal.register": "Mencatat pendaftaran BPJS",
        "proposal.activate": "Mengaktifkan kepesertaan", "proposal.end": "Mengakhiri kepesertaan",
        "worker.update": "Mengubah data pekerja", "document.upload": "Mengunggah foto dokumen", "document.view": "Melihat foto dokumen",
        "program.create": "Membuat program", "program.continue": "Melanjutkan program", "program.settings": "Mengubah pengaturan program",
        "occupation.create": "Menambah jenis pekerjaan", "occupation.update": "Mengubah jenis pekerjaan",
        "occupation.alias_add": "Menambah nama lain pekerjaan",
        "import": "Mengimpor berkas", "create": "Membuat usulan", "import.proposals": "Mengimpor usulan", "import.registry": "Mengimpor data DTKS/registri",
        "import.history": "Mengimpor riwayat peserta",
        "export.proposals": "Mengunduh daftar usulan", "export.participants": "Mengunduh daftar peserta",
        "bpjs.export_batch": "Mengunduh berkas pendaftaran BPJS", "bpjs.import_result": "Mengimpor hasil pendaftaran BPJS",
        "bpjs.import_active": "Mengimpor daftar peserta aktif BPJS",
        "coverage.run": "Menghitung bulan kepesertaan",
        "billing.prepare": "Menyiapkan tagihan bulanan", "billing.issue": "Menerbitkan tagihan bulanan",
        "payment.record": "Mencatat pembayaran ke BPJS", "payment.proof_attach": "Melampirkan bukti bayar", "payment.proof_view": "Melihat bukti bayar",
        "billing.reconcile": "Merekonsiliasi tagihan BPJS", "bpjs.export_deactivation": "Mengunduh berkas penonaktifan BPJS",
        "user.onboard": "Mengimpor akun Ketua RT dan verifikator", "user.activation_code": "Membuat kode aktivasi baru",
        "user.activated": "Mengaktifkan akun dengan kode",
        "sponsor.create": "Menambah penyandang dana", "sponsor.pledge": "Mencatat komitmen penyandang dana",
        "sponsor.link_user": "Menautkan pengguna ke penyandang dana",
        "tariff.version_add": "Menambah versi tarif iuran", "tariff.version_update": "Mengubah versi tarif iuran",
        "tariff.version_delete": "Menghapus versi tarif iuran", "tariff.version_supersede": "Mengakhiri versi tarif karena digantikan",
        "tariff.discount_add": "Menambah keringanan iuran", "tariff.discount_update": "Mengubah keringanan iuran",
        "tariff.discount_delete": "Menghapus keringanan iuran", "tariff.payer_kind": "Mengubah keringanan menurut jenis penyandang dana",
        "claim.report": "Melaporkan kematian/kecelakaan", "claim.read": "Membaca kasus klaim", "claim.heir_add": "Mencatat ahli waris",
        "claim.document_add": "Mengunggah dokumen klaim", "claim.document_view": "Melihat dokumen klaim",
        "claim.complete_documents": "Menandai dokumen klaim lengkap", "claim.verify": "Memverifikasi kasus klaim",
        "claim.submit": "Mengajukan klaim ke BPJS", "claim.approve": "BPJS menyetujui klaim", "claim.reject": "BPJS menolak klaim",
        "claim.pay": "BPJS membayar klaim", "claim.close": "Menutup kasus klaim",
        "claim.payment_scholarship": "BPJS membayar beasiswa", "claim.payment_medical": "BPJS membayar biaya perawatan",
    ]

    static let entities: [String: String] = [
        "proposal": "Usulan", "worker": "Pekerja", "workers": "Pekerja", "user": "Pengguna", "api_token": "Token API",
        "program": "Program", "occupation": "Jenis pekerjaan", "regions": "Wilayah", "audit_events": "Jejak audit",
        "bpjs_active_participants": "Peserta aktif BPJS", "import": "Impor", "sponsor": "Penyandang dana",
        "tariff_version": "Versi tarif iuran", "tariff_discount": "Keringanan iuran", "payer_kind_setting": "Keringanan menurut penyandang dana",
        "claim": "Kasus klaim",
    ]

    static func action(_ code: String) -> String {
        actions[code] ?? code.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: "_", with: " ")
    }

    static func entity(_ code: String) -> String { entities[code] ?? code }

    /// "status: Diajukan → Terverifikasi kelurahan": values that are codes
    /// of a known list shown in words.
    static func change(_ field: String, old: String?, new: String?) -> String {
        func words(_ value: String?) -> String {
            guard let value else { return "–" }
            switch field {
            case "status": return ProposalStatus(rawValue: value)?.indonesianName ?? ClaimStatus(rawValue: value)?.indonesianName ?? value
            case "kind": return ClaimKind(rawValue: value)?.indonesianName ?? ClaimDocumentKind(rawValue: value)?.indonesianName ?? value
            case "relation": return HeirRelation.words(for: value)
            case "covered": return value == "true" ? "Ya" : value == "false" ? "Tidak" : value
            case "event_date", "paid_on": return CalendarDate(iso: value)?.indonesian ?? value
            case "amount", "paid_amount": return Int64(value).map { Rupiah($0).formatted } ?? value
            case "reason": return ProposalHistory.reasonWords(value) ?? value
            case "required_documents": return RequiredDocuments(rawValue: value)?.indonesianName ?? value
            case "allocation_order": return AllocationOrder(rawValue: value)?.indonesianName ?? value
            case "month": return YearMonth(iso: value)?.indonesian ?? value
            case "ended_on": return CalendarDate(iso: value)?.indonesian ?? value
            case "total": return Int64(value).map { Rupiah($0).formatted } ?? value
            default: return value
            }
        }
        let label = fields[field] ?? field
        return "\(label): \(words(old)) → \(words(new))"
    }

    static let fields: [String: String] = [
        "status": "Status", "reason": "Alasan", "kpj": "KPJ", "name": "Nama", "phone": "Telepon", "street": "Jalan",
        "required_documents": "Dokumen wajib", "insured_income": "Upah yang didaftarkan", "include_jht": "JHT",
        "allocation_order": "Urutan penyandang dana", "is_active": "Aktif", "risk": "Risiko", "description": "Keterangan",
        "legal_basis": "Dasar hukum", "from_month": "Mulai bulan", "through_month": "Sampai bulan", "jkk_bp": "JKK (basis poin)",
        "jkm": "JKM", "jht_bp": "JHT (basis poin)", "brackets": "Rentang upah", "sectors": "Sektor", "off_bp": "Potongan (basis poin)",
        "excluded_from_discount": "Tidak mendapat keringanan",
        "month": "Bulan", "total": "Jumlah (Rp)", "ended_on": "Tanggal berakhir", "paid_on": "Tanggal bayar",
        "kind": "Jenis", "event_date": "Tanggal kejadian", "covered": "Tertanggung", "relation": "Hubungan", "share_percent": "Bagian (%)",
        "bpjs_claim_number": "Nomor klaim BPJS", "claims_late_payment_counts": "Klaim: tunggakan sesudah kejadian dihitung",
        "death_frees_quota": "Klaim: kuota peserta meninggal dibebaskan", "paid_amount": "Jumlah dibayar", "amount": "Jumlah",
    ]
}
