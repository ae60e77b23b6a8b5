/// Hides the cells of a published table of counts so that no person can be
/// singled out (DOMAIN.md, "Publishing figures"; UU 27/2022): counts under
/// the threshold are hidden (primary suppression), then enough other cells
/// that every row and every column holding a hidden cell, the totals
/// included, holds at least two (complementary suppression), so no hidden
/// count is the difference between a published total and the published
/// cells of its line. Totals under the threshold are hidden like any cell.
///
/// The table is given without totals; the totals row and column are added
/// here (index `rows` and `columns`), as they will be published.
public enum TableSuppression {
    public struct Cell: Hashable, Sendable, Comparable {
        public let row: Int
        public let column: Int

        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }

        public static func < (a: Cell, b: Cell) -> Bool { (a.row, a.column) < (b.row, b.column) }
    }

    /// The counts with their totals: `counts[r][c]`, row totals at column
    /// `columns`, column totals at row `rows`, the grand total in the corner.
    public static func withTotals(_ counts: [[Int]]) -> [[Int]] {
        let columns = counts.map(\.count).max() ?? 0
        var table = counts.map { row in row + Array(repeating: 0, count: columns - row.count) }
        for r in table.indices { table[r].append(table[r].reduce(0, +)) }
        table.append((0...columns).map { c in table.reduce(0) { $0 + $1[c] } })
        return table
    }

    /// The hidden cells of the table with its totals (see `withTotals`).
    public static func hidden(_ counts: [[Int]], threshold: Int = SmallCounts.threshold) -> Set<Cell> {
        let table = withTotals(counts)
        let rows = table.count, columns = table.first?.count ?? 0
        guard rows > 0, columns > 0 else { return [] }
        var hidden = Set<Cell>()
        for r in 0..<rows { for c in 0..<columns where table[r][c] > 0 && table[r][c] < threshold { hidden.insert(Cell(row: r, column: c)) } }
        // Lines: each row and each column, totals included.
        let lines: [[Cell]] = (0..<rows).map { r in (0..<columns).map { Cell(row: r, column: $0) } }
            + (0..<columns).map { c in (0..<rows).map { Cell(row: $0, column: c) } }
        var changed = true
        var rounds = 0
        while changed && rounds < rows * columns + 1 {
            changed = false
            rounds += 1
            for line in lines {
                let inLine = line.filter { hidden.contains($0) }
                guard inLine.count == 1 else { continue }
                // The smallest other count of the line, inner cells before totals, non-zero before zero.
                let candidates = line.filter { !hidden.contains($0) }
                func key(_ cell: Cell) -> (Int, Int, Int, Cell) {
                    let isTotal = cell.row == rows - 1 || cell.column == columns - 1
                    let value = table[cell.row][cell.column]
                    return (isTotal ? 1 : 0, value == 0 ? 1 : 0, value, cell)
                }
                guard let pick = candidates.min(by: { key($0) < key($1) }) else { continue }
                hidden.insert(pick)
                changed = true
            }
        }
        return hidden
    }

    /// What a reader can work out from the published cells by the row and
    /// column sums alone: solves, again and again, any line with a single
    /// unknown. The hidden cells it recovers (none, when suppression works).
    public static func recoverable(_ counts: [[Int]], hidden: Set<Cell>) -> Set<Cell> {
        let table = withTotals(counts)
        let rows = table.count, columns = table.first?.count ?? 0
        var unknown = hidden
        var recovered = Set<Cell>()
        var progress = true
        while progress {
            progress = false
            let lines: [[Cell]] = (0..<rows).map { r in (0..<columns).map { Cell(row: r, column: $0) } }
                + (0..<columns).map { c in (0..<rows).map { Cell(row: $0, column: c) } }
            for line in lines {
                let open = line.filter { unknown.contains($0) }
                if open.count == 1 {
                    unknown.remove(open[0])
                    recovered.insert(open[0])
                    progress = true
                }
            }
        }
        return recovered
    }
}
