import Foundation
import NIOCore

/// The values of one row being written by `BulkInsert`, in column order,
/// encoded as each database stores them: for SQLite bound straight into the
/// prepared statement (UUIDs as upper-case text, dates as seconds since
/// 1970, booleans as 0/1, as Fluent writes them); for PostgreSQL appended
/// to the `COPY ... FROM STDIN` text buffer.
struct BulkRow {
    enum Target {
        case copy
        case sqlite(SQLiteBulkStatement.Binder)
    }

    private let target: Target
    /// Values written so far in this row.
    private(set) var column: Int32 = 0
    private var buffer: ByteBuffer
    private var cachedDate: (Date, String)?

    init(copyCapacity: Int) {
        target = .copy
        buffer = ByteBufferAllocator().buffer(capacity: copyCapacity)
    }

    init(binder: SQLiteBulkStatement.Binder) {
        target = .sqlite(binder)
        buffer = ByteBuffer()
    }

    mutating func text(_ value: String?) {
        switch target {
        case .copy:
            separate()
            guard var value else { buffer.writeStaticString("\\N"); return }
            value.withUTF8 { Self.appendEscaped($0, to: &buffer) }
        case .sqlite(let binder):
            column += 1
            guard var value else { binder.bindNull(column); return }
            value.withUTF8 { binder.bindText(column, $0) }
        }
    }

    mutating func int(_ value: Int64?) {
        switch target {
        case .copy:
            separate()
            if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("\\N") }
        case .sqlite(let binder):
            column += 1
            if let value { binder.bindInt(column, value) } else { binder.bindNull(column) }
        }
    }

    mutating func int(_ value: Int?) { int(value.map(Int64.init)) }

    mutating func bool(_ value: Bool) {
        switch target {
        case .copy:
            separate()
            buffer.writeStaticString(value ? "t" : "f")
        case .sqlite(let binder):
            column += 1
            binder.bindInt(column, value ? 1 : 0)
        }
    }

    mutating func uuid(_ value: UUID?) {
        guard let value else { text(nil); return }
        switch target {
        case .copy:
            separate()
            _ = value.withUppercaseText { buffer.writeBytes($0) }
        case .sqlite(let binder):
            column += 1
            value.withUppercaseText { binder.bindText(column, $0) }
        }
    }

    mutating func date(_ value: Date) {
        switch target {
        case .copy:
            separate()
            if cachedDate?.0 != value { cachedDate = (value, Self.timestamp(value)) }
            buffer.writeString(cachedDate!.1)
        case .sqlite(let binder):
            column += 1
            binder.bindDouble(column, value.timeIntervalSince1970)
        }
    }

    /// Ends a COPY line.
    mutating func endCopyLine() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        column = 0
    }

    /// Starts the next SQLite row.
    mutating func resetColumns() { column = 0 }

    mutating func takeCopyBuffer() -> ByteBuffer {
        let full = buffer
        buffer.clear()
        return full
    }

    private mutating func separate() {
        if column > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        column += 1
    }

    /// COPY text format: backslash, tab, newline and carriage return escaped.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout ByteBuffer) {
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
            buffer.writeBytes(bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension UUID {
    /// The 36-character upper-case form (as `uuidString`) without allocating a string.
    func withUppercaseText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            let hex: StaticString = "0123456789ABCDEF"
            withUnsafeBytes(of: uuid) { bytes in
                hex.withUTF8Buffer { digits in
                    var at = 0
                    for (i, byte) in bytes.enumerated() {
                        if i == 4 || i == 6 || i == 8 || i == 10 { text[at] = UInt8(ascii: "-"); at += 1 }
                        text[at] = digits[Int(byte >> 4)]
                        text[at + 1] = digits[Int(byte & 0x0F)]
                        at += 2
                    }
                }
            }
            return body(UnsafeBufferPointer(text))
        }
    }
}
