import Foundation

extension Array where Element: Sendable {
    /// `compactMap` over the machine's cores, keeping the order: for pure
    /// work over large inputs (a million import rows).
    func concurrentCompactMap<T: Sendable>(_ transform: @escaping @Sendable (Element) -> T?) async -> [T] {
        let parts = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / 5_000))
        guard parts > 1 else { return compactMap(transform) }
        let size = (count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for part in 0..<parts {
                let slice = self[(part * size)..<Swift.min(count, (part + 1) * size)]
                group.addTask { (part, slice.compactMap(transform)) }
            }
            var results = [[T]](repeating: [], count: parts)
            for await (part, values) in group { results[part] = values }
            return results.flatMap { $0 }
        }
    }
}
