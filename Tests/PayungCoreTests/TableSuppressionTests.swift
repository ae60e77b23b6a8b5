import Testing
@testable import PayungCore

@Suite("Publishing counts: small cells hidden, and enough others that none can be recomputed from the totals")
struct TableSuppressionTests {
    typealias Cell = TableSuppression.Cell

    @Test("a small cell hides a partner in its row and its column, and the corner closes the rectangle")
    func oneSmallCell() {
        // Kecamatan x sex, with a 3 in the middle.
        let counts = [[40, 52], [3, 61], [28, 30]]
        let hidden = TableSuppression.hidden(counts)
        #expect(hidden.contains(Cell(row: 1, column: 0)))
        #expect(TableSuppression.recoverable(counts, hidden: hidden).isEmpty, "\(hidden.sorted())")
        // Every line holding a hidden cell holds two or more.
        let table = TableSuppression.withTotals(counts)
        for r in table.indices { let n = hidden.filter { $0.row == r }.count; #expect(n == 0 || n >= 2, "row \(r)") }
        for c in table[0].indices { let n = hidden.filter { $0.column == c }.count; #expect(n == 0 || n >= 2, "column \(c)") }
        // Large counts elsewhere stay visible.
        #expect(!hidden.contains(Cell(row: 0, column: 1)) && !hidden.contains(Cell(row: 3, column: 2)))
    }

    @Test("random tables: no hidden count can be recomputed by row and column sums, and no visible count is under the threshold")
    func randomTables() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let rows = Int.random(in: 1...6, using: &generator), columns = Int.random(in: 1...5, using: &generator)
            let counts = (0..<rows).map { _ in (0..<columns).map { _ in Bool.random() ? Int.random(in: 0...6) : Int.random(in: 0...80) } }
            let hidden = TableSuppression.hidden(counts)
            let table = TableSuppression.withTotals(counts)
            #expect(TableSuppression.recoverable(counts, hidden: hidden).isEmpty, "\(counts) hidden \(hidden.sorted())")
            for (r, row) in table.enumerated() {
                for (c, v) in row.enumerated() where v > 0 && v < SmallCounts.threshold {
                    #expect(hidden.contains(Cell(row: r, column: c)), "\(counts): \(v) at \(r),\(c) shown")
                }
            }
        }
    }

    @Test("nothing small, nothing hidden")
    func nothingSmall() {
        #expect(TableSuppression.hidden([[10, 20], [30, 0]]).isEmpty)
        #expect(TableSuppression.hidden([]).isEmpty)
    }
}
