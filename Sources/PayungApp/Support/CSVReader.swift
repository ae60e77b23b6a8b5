import Foundation

/// A small RFC 4180 reader: quoted fields with delimiters, doubled quotes and
/// line breaks inside, CRLF or LF line ends, a UTF-8 byte-order mark. Rows
/// carry the line number they start on, so import reports can name it.
struct CSVReader: Sequence {
    struct Row {
        /// 1-based line number in the file where the row starts.
        let line: Int
        let fields: [String]
    }

    let bytes: [UInt8]
    let delimiter: UInt8

    init(data: Data, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.init(bytes: [UInt8](data), delimiter: delimiter)
    }

    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.delimiter = delimiter
    }

    func makeIterator() -> Iterator { Iterator(bytes: bytes, delimiter: delimiter) }

    struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        let delimiter: UInt8
        var position = 0
        var line = 1

        init(bytes: [UInt8], delimiter: UInt8) {
            self.bytes = bytes
            self.delimiter = delimiter
        }

        mutating func next() -> Row? {
            guard position < bytes.count else { return nil }
            return bytes.withUnsafeBufferPointer { nextRow($0) }
        }

        private mutating func nextRow(_ bytes: UnsafeBufferPointer<UInt8>) -> Row {
            let startLine = line
            var fields: [String] = []
            let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            while true {
                // One field: unquoted ones are cut straight from the bytes.
                if position < bytes.count, bytes[position] == quote {
                    fields.append(quotedField(bytes))
                } else {
                    let start = position
                    while position < bytes.count, bytes[position] != delimiter, bytes[position] != lf, bytes[position] != cr {
                        position += 1
                    }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
                }
                guard position < bytes.count else { return Row(line: startLine, fields: fields) }
                let byte = bytes[position]
                position += 1
                if byte == delimiter { continue }
                if byte == cr, position < bytes.count, bytes[position] == lf { position += 1 }
                line += 1
                return Row(line: startLine, fields: fields)
            }
        }

        /// A field starting with a quote: doubled quotes and line breaks
        /// inside; anything after the closing quote up to the delimiter is kept.
        private mutating func quotedField(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            var field: [UInt8] = []
            var inQuotes = true
            position += 1
            while position < bytes.count {
                let byte = bytes[position]
                if inQuotes {
                    position += 1
                    if byte == quote {
                        if position < bytes.count, bytes[position] == quote {
                            field.append(quote)
                            position += 1
                        } else {
                            inQuotes = false
                        }
                    } else {
                        if byte == lf { line += 1 }
                        field.append(byte)
                    }
                } else if byte == delimiter || byte == lf || byte == cr {
                    break
                } else {
                    position += 1
                    field.append(byte)
                }
            }
            return String(decoding: field, as: UTF8.self)
        }
    }
}
