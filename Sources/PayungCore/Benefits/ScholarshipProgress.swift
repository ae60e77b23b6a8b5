/// Where each year of a child's scholarship stands on a day (issue 14): the
/// schedule (`ScholarshipSchedule`) says which school years are owed; each
/// year still needs proof of enrolment before BPJS pays it (Permenaker
/// 5/2021: the scholarship is claimed per school year with proof the child
/// is still in school).
public enum ScholarshipProgress {
    public enum State: String, Sendable, Hashable, Codable {
        /// The school year has not started.
        case upcoming
        /// Started, no proof of enrolment yet.
        case proofMissing = "proof_missing"
        /// Proof received: BPJS owes the year.
        case due
        case paid

        public var indonesianName: String {
            switch self {
            case .upcoming: "Belum mulai"
            case .proofMissing: "Bukti sekolah belum ada"
            case .due: "Jatuh tempo, menunggu pembayaran BPJS"
            case .paid: "Dibayar"
            }
        }
    }

    public struct Year: Sendable, Hashable {
        public let year: ScholarshipSchedule.Year
        public let state: State
    }

    /// - Parameters:
    ///   - proofs: school years (the July they start) with proof of enrolment.
    ///   - paid: school years BPJS paid.
    public static func years(_ schedule: ScholarshipSchedule.ChildSchedule, proofs: Set<Int>, paid: Set<Int>,
                             today: CalendarDate) -> [Year] {
        schedule.years.map { y in
            let state: State
            if paid.contains(y.schoolYear) {
                state = .paid
            } else if ScholarshipSchedule.schoolYear(of: today) < y.schoolYear {
                state = .upcoming
            } else {
                state = proofs.contains(y.schoolYear) ? .due : .proofMissing
            }
            return Year(year: y, state: state)
        }
    }
}

/// A case that has not moved for too long at one step (issue 14: "a list of
/// cases stuck longer than N days at any step, for the agency and BPJS").
public enum ClaimQueue {
    /// Statuses at which a case waits for someone (not paid, rejected or closed).
    public static let open: [ClaimStatus] = [.reported, .documentsComplete, .verified, .submitted, .approved]

    public static let defaultStuckDays = 14

    /// Whole days a case has stood at its status.
    public static func daysAtStep(since day: CalendarDate, today: CalendarDate) -> Int {
        max(0, today.daysSince1900 - day.daysSince1900)
    }

    public static func isStuck(status: ClaimStatus, since day: CalendarDate, today: CalendarDate, days: Int = defaultStuckDays) -> Bool {
        open.contains(status) && daysAtStep(since: day, today: today) > days
    }

    /// Who must act next, in words.
    public static func waitingFor(_ status: ClaimStatus) -> String? {
        switch status {
        case .reported: "Dinas/BPJS: melengkapi dokumen"
        case .documentsComplete: "Dinas: verifikasi"
        case .verified: "Dinas: mengajukan ke BPJS"
        case .submitted: "BPJS: memutuskan"
        case .approved: "BPJS: membayar ke ahli waris"
        case .paid: "Dinas/BPJS: menutup kasus"
        case .rejected: "Dinas/BPJS: menutup kasus"
        case .closed: nil
        }
    }
}
