import Foundation

extension Array where Element: Sendable {
    /// Splits the array into one part per core (parts of at least
    /// `minimumPart` elements), transforms the parts concurrently and joins
    /// the results in order: for pure work over large inputs (a million
    /// import rows). `transform` gets each part whole, so it can keep
    /// per-part state such as caches.
    func concurrentParts<T: Sendable>(minimumPart: Int = 5_000,
                                      _ transform: @escaping @Sendable (ArraySlice<Element>) -> [T]) async -> [T] {
        let parts = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / minimumPart))
        guard parts > 1 else { return transform(self[...]) }
        let size = (count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for part in 0..<parts {
                let slice = self[(part * size)..<Swift.min(count, (part + 1) * size)]
                group.addTask { (part, transform(slice)) }
            }
            var results = [[T]](repeating: [], count: parts)
            for await (part, values) in group { results[part] = values }
            return results.flatMap { $0 }
        }
    }

    /// `compactMap` over the machine's cores, keeping the order.
    func concurrentCompactMap<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T?) async -> [T] {
        await concurrentParts { $0.compactMap(transform) }
    }
}
