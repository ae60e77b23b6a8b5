import Foundation

extension String {
    /// Trimmed of whitespace and newlines, without Foundation's slow path
    /// when there is nothing to trim (nearly every cell of a large import).
    public var trimmedQuickly: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        func plain(_ b: UInt8) -> Bool { b > 32 && b < 128 }
        if plain(first), plain(last) { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
