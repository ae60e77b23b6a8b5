/// Four eyes on money (DESIGN.md, "Money: the coverage ledger": maker-checker
/// on the server). What one person prepares (a month's bill, later a
/// payment or a month's close), another approves: the preparer can never
/// approve their own work, whatever roles they hold. Checked by the server
/// on every approval, not by hiding a button.
public enum MakerChecker {
    public enum Refusal: Error, Equatable, Sendable {
        case samePerson

        public var code: String { "maker_checker" }
        public var message: String {
            "Yang menyiapkan tidak boleh menyetujui pekerjaannya sendiri. Minta pejabat lain (misalnya Kepala Dinas) menyetujuinya."
        }
    }

    /// Refuses when `approver` is the user who prepared it.
    public static func check(preparedBy maker: String, approvedBy approver: String) throws(Refusal) {
        guard maker.lowercased() != approver.lowercased() else { throw .samePerson }
    }
}
