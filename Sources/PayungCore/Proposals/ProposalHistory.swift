/// A proposal's history as sentences people read: "Kelurahan Medono
/// memverifikasi", "Ketua RT 003/RW 005 mengajukan", "Operator Dinas
/// mengembalikan untuk perbaikan: Foto KTP buram".
public enum ProposalHistory {
    /// The verb of a recorded event, in the active voice. `create` is the
    /// proposer's first save.
    public static func verb(_ action: String) -> String {
        switch action {
        case "create": "membuat usulan"
        case ProposalAction.submit.rawValue: "mengajukan"
        case ProposalAction.verify.rawValue: "memverifikasi"
        case ProposalAction.return.rawValue: "mengembalikan untuk perbaikan"
        case ProposalAction.reject.rawValue: "menolak"
        case ProposalAction.approve.rawValue: "menyetujui"
        case ProposalAction.register.rawValue: "mencatat pendaftaran BPJS"
        case ProposalAction.activate.rawValue: "mengaktifkan kepesertaan"
        case ProposalAction.end.rawValue: "mengakhiri kepesertaan"
        case "import": "mengimpor dari berkas"
        case "continue": "melanjutkan ke program berikutnya"
        default: "mengubah status"
        }
    }

    /// "Kelurahan Medono memverifikasi: catatan", from who acted (their
    /// role and region in words), the action and its reason in words.
    public static func sentence(actor: String, action: String, reason: String?, note: String?) -> String {
        let why = [reason, note].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ", ")
        return "\(actor) \(verb(action))" + (why.isEmpty ? "" : ": \(why)")
    }

    /// Who acted when no account does (a command, an import, the system).
    public static func actorWords(_ username: String) -> String {
        username == "system" ? "Sistem" : username
    }

    /// A reason code in words, whichever list it comes from.
    public static func reasonWords(_ code: String?) -> String? {
        guard let code, !code.isEmpty else { return nil }
        return RejectionReason(rawValue: code)?.indonesianName ?? EndReason(rawValue: code)?.indonesianName
            ?? code.replacingOccurrences(of: "_", with: " ")
    }
}

extension RoleGrant {
    /// Who acted, as the history names them: "Ketua RT 003/RW 005 Medono",
    /// "Kelurahan Medono", "Kecamatan Pekalongan Barat", "Operator Dinas
    /// Kota Pekalongan", "BPJS Ketenagakerjaan Kota Pekalongan".
    public func actorName(regionName: String?) -> String {
        let place = regionName ?? region.dotted
        switch role {
        case .rt: return "Ketua RT \(rt ?? "?")/RW \(rw ?? "?") \(place)"
        case .kelurahan, .kecamatan: return regionName.map { region.placeName($0) } ?? place
        default: return "\(role.indonesianName) \(regionName.map { region.placeName($0) } ?? place)"
        }
    }
}
