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
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
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
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var inQuotes = false
            let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if inQuotes {
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
                } else if byte == quote, field.isEmpty {
                    inQuotes = true
                } else if byte == delimiter {
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                } else if byte == lf || byte == cr {
                    if byte == cr, position < bytes.count, bytes[position] == lf { position += 1 }
                    line += 1
                    fields.append(String(decoding: field, as: UTF8.self))
                    return Row(line: startLine, fields: fields)
                } else {
                    field.append(byte)
                }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            return Row(line: startLine, fields: fields)
        }
    }
}
