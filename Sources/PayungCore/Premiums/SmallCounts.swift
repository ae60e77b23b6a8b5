/// Counts of people shown outside the agency (a sponsor's statement, later
/// the public page) hide small groups: a count under 5 could point at a
/// person (UU 27/2022 on personal data; the statistical practice of BPS).
/// When one cell of a table is hidden, the next smallest is hidden too
/// (complementary suppression), so the hidden one cannot be recovered from
/// the total.
public enum SmallCounts {
    public static let threshold = 5

    /// Which cells to hide, by index, given each cell's count of people.
    /// The hidden cells together always count at least `threshold`, so their
    /// sum (the total less the shown cells) points at no one either.
    public static func hidden(_ counts: [Int]) -> Set<Int> {
        var hide = Set(counts.indices.filter { counts[$0] > 0 && counts[$0] < threshold })
        guard !hide.isEmpty else { return hide }
        func sum() -> Int { hide.reduce(0) { $0 + counts[$1] } }
        while hide.count == 1 || sum() < threshold {
            guard let next = counts.indices.filter({ !hide.contains($0) && counts[$0] > 0 }).min(by: { counts[$0] < counts[$1] }) else { break }
            hide.insert(next)
        }
        return hide
    }
}
