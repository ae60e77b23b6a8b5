import Foundation
import ZIPFoundation

/// The parts of an XLSX file, each expanded in 64 KB pieces with its bytes
/// counted as they arrive: a part is refused as soon as it passes its size
/// bound or expands more than `maxRatio` times its stored size, whatever
/// the archive declares. Nothing is held whole: small parts come back as
/// `Data` (at most `maxOtherPartBytes`), the worksheet and shared strings
/// go to a temporary file that the XML parser then reads in pieces.
struct XLSXPackage {
    static let bufferSize = 64 * 1024

    private let archive: Archive
    private let storedBytes: Int64
    let limits: TabularFile.Limits

    init(data: Data, limits: TabularFile.Limits) throws {
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw TabularFileError.corrupt("struktur zip tidak terbaca")
        }
        storedBytes = Int64(data.count)
        self.limits = limits
    }

    func contains(_ path: String) -> Bool { archive[path] != nil }

    /// A small part, or nil when the archive has none by that name.
    func data(_ path: String) throws -> Data? {
        var out = Data()
        let found = try expand(path, limit: limits.maxOtherPartBytes) { out.append($0) }
        return found ? out : nil
    }

    /// A large part written to a temporary file the caller removes, or nil.
    func file(_ path: String, limit: Int64) throws -> URL? {
        guard archive[path] != nil else { return nil }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("payung-xlsx-\(UUID().uuidString).xml")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw TabularFileError.unreadable("berkas sementara tidak dapat dibuat")
        }
        do {
            defer { try? handle.close() }
            _ = try expand(path, limit: limit) { try handle.write(contentsOf: $0) }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }

    /// Streams one part to `sink`, checking every piece against the bounds
    /// and the whole against its CRC. False when the part does not exist.
    func expand(_ path: String, limit: Int64, into sink: (Data) throws -> Void) throws -> Bool {
        guard let entry = archive[path] else { return false }
        guard entry.type == .file else { throw TabularFileError.corrupt("\(path) bukan berkas") }
        // The declared size refuses early; it is not trusted to be true.
        guard entry.uncompressedSize <= UInt64(limit) else { throw TabularFileError.expandsPast(path, bytes: limit) }
        // The stored size cannot honestly exceed the file that holds it.
        let stored = max(1, min(Int64(clamping: entry.compressedSize), storedBytes))
        let ratioLimit = stored.multipliedReportingOverflow(by: limits.maxRatio)
        let expandable = ratioLimit.overflow ? Int64.max : ratioLimit.partialValue
        var expanded: Int64 = 0
        var doctype = DoctypeScanner()
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: Self.bufferSize, skipCRC32: false) { piece in
                expanded += Int64(piece.count)
                if expanded > limit { throw TabularFileError.expandsPast(path, bytes: limit) }
                if expanded > limits.ratioGraceBytes, expanded > expandable {
                    throw TabularFileError.expandsTooMuch(path, ratio: limits.maxRatio)
                }
                // OOXML forbids DTDs (ECMA-376 part 2, 8.1.4); refusing them keeps entity expansion out.
                if doctype.found(in: piece) { throw TabularFileError.corrupt("\(path) memuat DTD") }
                try sink(piece)
            }
        } catch let error as TabularFileError {
            throw error
        } catch {
            throw TabularFileError.corrupt("\(path) tidak dapat dibuka")
        }
        guard checksum == entry.checksum else { throw TabularFileError.corrupt("\(path) tidak utuh") }
        return true
    }
}

/// Finds `<!DOCTYPE` in a part read piece by piece, across piece boundaries.
private struct DoctypeScanner {
    private static let needle = Array("<!DOCTYPE".utf8)
    private var tail: [UInt8] = []

    mutating func found(in piece: Data) -> Bool {
        let needle = Self.needle, n = needle.count
        let across = tail + piece.prefix(n - 1)
        tail = Array((tail + piece.suffix(n - 1)).suffix(n - 1))
        if across.count >= n, (0...(across.count - n)).contains(where: { across[$0..<$0 + n].elementsEqual(needle) }) { return true }
        return piece.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 1
            // `!` is rare in sheet XML: find each, then look around it.
            while i < bytes.count, let p = memchr(bytes.baseAddress! + i, 0x21, bytes.count - i) {
                let hit = bytes.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                if bytes[hit - 1] == 0x3C, hit - 1 + n <= bytes.count, bytes[(hit - 1)..<(hit - 1 + n)].elementsEqual(needle) { return true }
                i = hit + 1
            }
            return false
        }
    }
}
