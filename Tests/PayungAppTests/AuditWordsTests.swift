import Foundation
import PayungCore
import Testing
@testable import PayungApp

@Suite("The audit trail in words")
struct AuditWordsTests {
    /// Every `action: "…"` the sources record, and the actions built from
    /// proposal actions, have words on the auditor's page.
    @Test("every recorded action has its words")
    func everyActionNamed() throws {
        let sources = URL(fileURLWithPath: packageRoot).appendingPathComponent("Sources")
        var literals = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /action: "([a-z_]+(?:\.[a-z_]+)?)"/) { literals.insert(String(match.output.1)) }
            for match in text.matches(of: /action: [a-z]+ \? "([a-z_.]+)" : "([a-z_.]+)"/) {
                literals.insert(String(match.output.1)); literals.insert(String(match.output.2))
            }
        }
        #expect(literals.count > 25, "the scan found the recorded actions")
        let built = ProposalAction.allCases.map { "proposal.\($0.rawValue)" } + ["export.proposals", "export.participants"]
            + ClaimAction.allCases.map { "claim.\($0.rawValue)" } + ["claim.payment_scholarship", "claim.payment_medical"]
        let missing = (literals.union(built)).filter { AuditWords.actions[$0] == nil && ProposalAction(rawValue: $0) == nil }
        #expect(missing.isEmpty, "no words for \(missing.sorted())")
    }

    @Test("changes of coded lists read as words")
    func changes() {
        #expect(AuditWords.change("status", old: "submitted", new: "verified_kelurahan") == "Status: Diajukan → Terverifikasi kelurahan")
        #expect(AuditWords.change("reason", old: nil, new: "not_vulnerable") == "Alasan: – → Tidak termasuk pekerja rentan")
        #expect(AuditWords.action("session.login") == "Masuk")
    }
}
