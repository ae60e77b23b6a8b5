import Fluent
import Foundation
import PayungCore
import SQLKit

/// Synthetic "KTP" photos for the demo's proposals under verification, so a
/// verifier's page shows the photo it would in real life. The image is a
/// drawn card (no person, no real data): a PNG made here, stored uncompressed.
enum DemoDocuments {
    static func attach(on db: any Database, now: Date) async throws -> Int {
        struct Row: Decodable { let worker_id: UUID }
        let rows = try await db.sql.raw("""
            SELECT DISTINCT p.worker_id FROM proposals p
            WHERE p.status IN ('submitted', 'verified_kelurahan', 'verified_kecamatan')
            AND NOT EXISTS (SELECT 1 FROM worker_documents d WHERE d.worker_id = p.worker_id AND d.kind = 'ktp')
            """).all(decoding: Row.self)
        let image = card()
        for row in rows.prefix(200) {
            let doc = WorkerDocumentModel()
            doc.id = UUID()
            doc.workerID = row.worker_id
            doc.kind = "ktp"
            doc.contentType = "image/png"
            doc.data = image
            doc.uploadedAt = now
            doc.uploadedBy = "demo"
            try await doc.create(on: db)
        }
        return min(rows.count, 200)
    }

    /// A 240 x 150 card: a blue header band, a grey photo box, text lines.
    static func card(width: Int = 240, height: Int = 150) -> Data {
        var raw = Data(capacity: (width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0) // filter: none
            for x in 0..<width {
                let pixel: (UInt8, UInt8, UInt8)
                if y < 28 { pixel = (30, 90, 160) }
                else if x >= 170, x < 225, y >= 45, y < 120 { pixel = (170, 175, 180) }
                else if x >= 15, x < 150, [50, 66, 82, 98, 114].contains(where: { y >= $0 && y < $0 + 6 }) { pixel = (120, 130, 145) }
                else { pixel = (205, 225, 240) }
                raw.append(contentsOf: [pixel.0, pixel.1, pixel.2])
            }
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(contentsOf: bigEndian(UInt32(width)))
        header.append(contentsOf: bigEndian(UInt32(height)))
        header.append(contentsOf: [8, 2, 0, 0, 0]) // 8-bit RGB
        png.append(chunk("IHDR", header))
        png.append(chunk("IDAT", zlibStored(raw)))
        png.append(chunk("IEND", Data()))
        return png
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        var out = Data(bigEndian(UInt32(body.count)))
        let typed = Data(type.utf8) + body
        out.append(typed)
        out.append(contentsOf: bigEndian(crc32(typed)))
        return out
    }

    /// zlib with "stored" (uncompressed) deflate blocks of at most 65,535 bytes.
    private static func zlibStored(_ data: Data) -> Data {
        var out = Data([0x78, 0x01])
        var offset = 0
        let bytes = [UInt8](data)
        repeat {
            let size = min(65_535, bytes.count - offset)
            let last: UInt8 = offset + size >= bytes.count ? 1 : 0
            out.append(last)
            out.append(contentsOf: [UInt8(size & 0xFF), UInt8(size >> 8), UInt8(~size & 0xFF), UInt8((~size >> 8) & 0xFF)])
            out.append(contentsOf: bytes[offset..<(offset + size)])
            offset += size
        } while offset < bytes.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        out.append(contentsOf: bigEndian((b << 16) | a))
        return out
    }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
