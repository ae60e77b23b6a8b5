import Foundation

/// A small RFC 4180 reader: quoted fields with delimiters, doubled quotes and
/// line breaks inside, CRLF or LF line ends, a UTF-8 byte-order mark. Rows
/// carry the line number they start on, so import reports can name it.
///
/// A field longer than `maxFieldBytes` (a quote left open swallows the rest
/// of the file) is not kept: the reader skips to its end, keeps an empty
/// field and marks the row `overlong`; fields past `maxFields` in a row are
/// skipped and the row marked `tooWide`. So memory stays bounded.
struct CSVReader: Sequence {
    struct Row {
        /// 1-based line number in the file where the row starts.
        let line: Int
        let fields: [String]
        /// A field of this row was longer than `maxFieldBytes` and was dropped.
        var overlong = false
        /// The row had more than `maxFields` fields; the rest were dropped.
        var tooWide = false
    }

    let bytes: [UInt8]
    let delimiter: UInt8
    let maxFieldBytes: Int
    let maxFields: Int

    init(data: Data, delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = .max, maxFields: Int = .max) {
        self.init(bytes: [UInt8](data), delimiter: delimiter, maxFieldBytes: maxFieldBytes, maxFields: maxFields)
    }

    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = .max, maxFields: Int = .max) {
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
    }

    func makeIterator() -> Iterator { Iterator(bytes: bytes, delimiter: delimiter, maxFieldBytes: maxFieldBytes, maxFields: maxFields) }

    struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        let delimiter: UInt8
        let maxFieldBytes: Int
        let maxFields: Int
        var position = 0
        var line = 1
        var overlong = false

        init(bytes: [UInt8], delimiter: UInt8, maxFieldBytes: Int = .max, maxFields: Int = .max) {
            self.bytes = bytes
            self.delimiter = delimiter
            self.maxFieldBytes = maxFieldBytes
            self.maxFields = maxFields
        }

        mutating func next() -> Row? {
            guard position < bytes.count else { return nil }
            return bytes.withUnsafeBufferPointer { nextRow($0) }
        }

        private mutating func nextRow(_ bytes: UnsafeBufferPointer<UInt8>) -> Row {
            let startLine = line
            overlong = false
            var tooWide = false
            var fields: [String] = []
            let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            while true {
                // One field: unquoted ones are cut straight from the bytes.
                if fields.count == maxFields {
                    // Too many fields: read the rest of the row, keep none of it.
                    tooWide = true
                    if position < bytes.count, bytes[position] == quote { _ = quotedField(bytes) }
                    while position < bytes.count, bytes[position] != delimiter, bytes[position] != lf, bytes[position] != cr {
                        position += 1
                    }
                } else if position < bytes.count, bytes[position] == quote {
                    fields.append(quotedField(bytes))
                } else {
                    let start = position
                    while position < bytes.count, bytes[position] != delimiter, bytes[position] != lf, bytes[position] != cr {
                        position += 1
                    }
                    if position - start > maxFieldBytes {
                        overlong = true
                        fields.append("")
                    } else {
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
                    }
                }
                guard position < bytes.count else { return Row(line: startLine, fields: fields, overlong: overlong, tooWide: tooWide) }
                let byte = bytes[position]
                position += 1
                if byte == delimiter { continue }
                if byte == cr, position < bytes.count, bytes[position] == lf { position += 1 }
                line += 1
                return Row(line: startLine, fields: fields, overlong: overlong, tooWide: tooWide)
            }
        }

        /// A field starting with a quote: doubled quotes and line breaks
        /// inside; anything after the closing quote up to the delimiter is kept.
        private mutating func quotedField(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            var field: [UInt8] = []
            var inQuotes = true
            var length = 0
            position += 1
            while position < bytes.count {
                let byte = bytes[position]
                var kept: UInt8?
                if inQuotes {
                    position += 1
                    if byte == quote {
                        if position < bytes.count, bytes[position] == quote {
                            kept = quote
                            position += 1
                        } else {
                            inQuotes = false
                        }
                    } else {
                        if byte == lf { line += 1 }
                        kept = byte
                    }
                } else if byte == delimiter || byte == lf || byte == cr {
                    break
                } else {
                    position += 1
                    kept = byte
                }
                if let kept {
                    // Past the bound: keep scanning to the field's end, keep nothing more.
                    length += 1
                    if length <= maxFieldBytes { field.append(kept) }
                }
            }
            if length > maxFieldBytes {
                overlong = true
                return ""
            }
            return String(decoding: field, as: UTF8.self)
        }
    }
}
