/// The closest of some names to what someone typed, for "did you mean"
/// suggestions: edit distance over normalised text, bounded so a long
/// input costs little.
public enum NearestName {
    /// The candidate closest to `typed` within `maxDistance` edits (default:
    /// a fifth of the longer text, at least 2), or nil.
    public static func nearest(to typed: String, among candidates: [String], maxDistance: Int? = nil) -> String? {
        let a = Array(typed.utf8.prefix(64))
        var best: (String, Int)?
        for candidate in candidates {
            let b = Array(candidate.utf8.prefix(64))
            let limit = maxDistance ?? max(2, max(a.count, b.count) / 5)
            guard abs(a.count - b.count) <= limit else { continue }
            let d = distance(a, b)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance of two byte strings.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
