/// How dangerous an occupation is at work, for the waitlist ranking and,
/// later, the JKK rate group. BPJS groups BPU work-accident risk in five
/// levels (PP 44/2015, annex I) [?: the mapping of each informal occupation to
/// a level is not published; Payung keeps it editable].
public enum RiskClass: Int, Sendable, Codable, CaseIterable, Comparable {
    case veryLow = 1, low, medium, high, veryHigh

    public static func < (lhs: RiskClass, rhs: RiskClass) -> Bool { lhs.rawValue < rhs.rawValue }

    public var indonesianName: String {
        switch self {
        case .veryLow: "Sangat rendah"
        case .low: "Rendah"
        case .medium: "Sedang"
        case .high: "Tinggi"
        case .veryHigh: "Sangat tinggi"
        }
    }
}

/// A kind of work (*jenis pekerjaan*) a program may cover.
public struct Occupation: Sendable, Hashable, Codable {
    /// Stable short code, `snake_case`: `becak_driver`.
    public let code: String
    /// Name on screen, in Bahasa Indonesia.
    public let name: String
    public let description: String
    public let risk: RiskClass

    public init(code: String, name: String, description: String, risk: RiskClass) {
        self.code = code
        self.name = name
        self.description = description
        self.risk = risk
    }
}

/// The starting catalogue: every occupation named in the program reports
/// (Kota Pekalongan "Batik Berlian" 2022-2024, Kota Jambi 2025, village
/// outreach). Admins extend and edit it.
public enum OccupationCatalogue {
    public static let seed: [Occupation] = [
        .init(code: "blind_masseur", name: "Tukang pijat tunanetra", description: "Pemijat penyandang disabilitas netra", risk: .low),
        .init(code: "becak_driver", name: "Tukang becak", description: "Pengemudi becak kayuh atau motor", risk: .high),
        .init(code: "angkot_driver", name: "Sopir angkot setoran", description: "Pengemudi angkutan kota dengan setoran harian", risk: .high),
        .init(code: "construction_labourer", name: "Buruh bangunan", description: "Kuli bangunan harian", risk: .veryHigh),
        .init(code: "street_hawker", name: "Pedagang asongan", description: "Penjual keliling di jalan dan terminal", risk: .medium),
        .init(code: "porter", name: "Kuli panggul", description: "Buruh angkut di pasar, pelabuhan atau stasiun", risk: .high),
        .init(code: "gravedigger", name: "Penggali kubur", description: "Penggali dan perawat makam", risk: .high),
        .init(code: "traffic_volunteer", name: "Relawan pengatur lalu lintas", description: "Pak ogah, sukarelawan pengatur lalu lintas", risk: .veryHigh),
        .init(code: "ojek_pangkalan", name: "Ojek pangkalan", description: "Ojek pengkolan atau pangkalan", risk: .high),
        .init(code: "ojek_online", name: "Ojek online", description: "Pengemudi ojek daring", risk: .high),
        .init(code: "disabled_worker", name: "Penyandang disabilitas yang bekerja", description: "Pekerja penyandang disabilitas", risk: .medium),
        .init(code: "extreme_poor", name: "Warga miskin ekstrem yang bekerja", description: "Pekerja dari rumah tangga miskin ekstrem", risk: .medium),
        .init(code: "waste_picker", name: "Pemulung", description: "Pengumpul barang bekas", risk: .high),
        .init(code: "batik_labourer", name: "Buruh batik", description: "Pekerja pembatikan, pewarnaan dan pencucian kain", risk: .medium),
        .init(code: "tyre_repairer", name: "Tukang tambal ban", description: "Penambal ban di pinggir jalan", risk: .medium),
        .init(code: "marbot", name: "Marbot", description: "Penjaga dan perawat masjid atau musala", risk: .low),
        .init(code: "lebe", name: "Lebe non-PNS", description: "Petugas keagamaan desa bukan pegawai negeri", risk: .low),
        .init(code: "daily_labourer", name: "Buruh harian lepas", description: "Pekerja harian tanpa majikan tetap", risk: .high),
        .init(code: "itinerant_trader", name: "Pedagang keliling", description: "Pedagang yang berpindah tempat", risk: .medium),
        .init(code: "motorbike_mechanic", name: "Montir sepeda motor", description: "Bengkel kecil sepeda motor", risk: .medium),
        .init(code: "parking_attendant", name: "Juru parkir", description: "Tukang parkir di tepi jalan", risk: .high),
        .init(code: "garbage_collector", name: "Petugas pengangkut sampah", description: "Pengangkut sampah lingkungan", risk: .high),
        .init(code: "micro_business", name: "Pelaku usaha mikro", description: "Pemilik usaha mikro tanpa pegawai", risk: .low),
        .init(code: "fisher", name: "Nelayan kecil", description: "Nelayan dengan perahu kecil", risk: .veryHigh),
        .init(code: "farm_labourer", name: "Buruh tani", description: "Pekerja pertanian harian", risk: .high),
        .init(code: "domestic_worker", name: "Pekerja rumah tangga", description: "Asisten rumah tangga", risk: .low),
    ]
}

extension OccupationCatalogue {
    /// Names people write for catalogue entries, from the program reports
    /// and the sheets RT heads send (*kuli bangunan*, *marbot mushola*,
    /// *tukang parkir*...). Matched ignoring case, spacing and punctuation.
    /// Admins add more (an import's mapping step can save one).
    public static let seedAliases: [String: [String]] = [
        "construction_labourer": ["Kuli bangunan", "Tukang bangunan", "Buruh proyek", "Kuli proyek"],
        "marbot": ["Marbot masjid", "Marbot mushola", "Marbot musholla", "Marbot musala", "Penjaga masjid", "Takmir masjid"],
        "parking_attendant": ["Tukang parkir", "Jukir", "Juru parkir liar"],
        "angkot_driver": ["Sopir angkot", "Supir angkot", "Sopir angkutan kota"],
        "ojek_pangkalan": ["Tukang ojek", "Ojek", "Ojek pengkolan", "Ojek konvensional"],
        "ojek_online": ["Ojol", "Driver ojol", "Ojek daring", "Driver online"],
        "daily_labourer": ["Buruh harian", "Buruh lepas", "Buruh serabutan", "Serabutan"],
        "becak_driver": ["Becak", "Penarik becak", "Abang becak", "Pengayuh becak"],
        "street_hawker": ["Asongan", "Pengasong"],
        "porter": ["Kuli angkut", "Buruh angkut", "Kuli pasar", "Buruh gendong", "Porter"],
        "blind_masseur": ["Pijat tunanetra", "Tukang pijat", "Pemijat tunanetra"],
        "gravedigger": ["Penggali makam", "Tukang gali kubur"],
        "garbage_collector": ["Tukang sampah", "Pengangkut sampah", "Petugas kebersihan"],
        "tyre_repairer": ["Tambal ban"],
        "waste_picker": ["Pengepul barang bekas", "Pemulung sampah"],
        "itinerant_trader": ["Bakul keliling", "Penjual keliling"],
        "motorbike_mechanic": ["Montir", "Tukang bengkel", "Bengkel motor"],
        "batik_labourer": ["Pembatik", "Pekerja batik", "Tukang batik"],
        "fisher": ["Nelayan"],
        "farm_labourer": ["Petani penggarap", "Buruh sawah"],
        "domestic_worker": ["PRT", "ART", "Asisten rumah tangga"],
        "traffic_volunteer": ["Pak ogah", "Supeltas", "Relawan lalu lintas"],
        "micro_business": ["UMKM", "Usaha mikro", "Pedagang kecil"],
    ]
}

