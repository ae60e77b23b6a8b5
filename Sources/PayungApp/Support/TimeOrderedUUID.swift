import Foundation

/// UUID version 7 (RFC 9562, section 5.7): 48 bits of Unix milliseconds,
/// then a 12-bit counter (method 1 of section 6.2), then 62 random bits.
/// Ids made in a row sort in the order they were made, so a bulk import
/// appends to the primary-key index instead of touching a random page for
/// every row (SQLite and PostgreSQL both keep UUID keys in a B-tree). Any
/// UUID is still a valid id; Fluent's own `UUID()` (version 4) stays for
/// single records.
struct TimeOrderedUUIDs {
    private var lastMillis: UInt64 = 0
    private var counter: UInt64 = 0
    /// SplitMix64 seeded once from the system generator: a system call
    /// per id was a measurable share of a million-row import, and the
    /// random bits only need to keep ids of different runs apart.
    private var state: UInt64 = { var system = SystemRandomNumberGenerator(); return system.next() }()

    private mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(now: Date = Date()) -> UUID {
        var millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        if millis <= lastMillis {
            // Same millisecond (or the clock went back): count on; when the
            // 12-bit counter is spent, borrow the next millisecond.
            millis = lastMillis
            counter += 1
            if counter > 0xFFF {
                millis += 1
                counter = 0
            }
        } else {
            counter = 0
        }
        lastMillis = millis
        let tail = random()
        let high = (millis << 16) | 0x7000 | counter
        let low = (tail & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let h = high.bigEndian, l = low.bigEndian
        return withUnsafeBytes(of: (h, l)) { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
