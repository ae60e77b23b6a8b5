/// How people name a region in a sentence: "Kelurahan Medono", "Desa
/// Sukamaju", "Kecamatan Pekalongan Barat", "Kota Pekalongan". The register's
/// names (Kepmendagri 300.2.2-2138/2025) carry "Kota"/"Kabupaten" for
/// regencies and nothing for districts and villages; the level word comes
/// from the code (a village segment starting with 1 is a kelurahan).
extension RegionCode {
    public func placeName(_ registered: String) -> String {
        switch level {
        case .province:
            return registered.hasPrefix("Provinsi") ? registered : "Provinsi \(registered)"
        case .regency:
            return registered
        case .district:
            return registered.hasPrefix("Kecamatan") ? registered : "Kecamatan \(registered)"
        case .village:
            let word = isKelurahan ? "Kelurahan" : "Desa"
            return registered.hasPrefix(word) ? registered : "\(word) \(registered)"
        }
    }
}

extension RoleGrant {
    /// "Ketua RT 003/RW 005, Kelurahan Medono" or "Operator Dinas, Kota
    /// Pekalongan": the grant in words, given the region's registered name.
    public func label(regionName: String?) -> String {
        let place = regionName.map { region.placeName($0) } ?? region.dotted
        if let rt, let rw { return "Ketua RT \(rt)/RW \(rw), \(place)" }
        return "\(role.indonesianName), \(place)"
    }
}
