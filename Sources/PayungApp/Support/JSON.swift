/// A JSON value built in code: the OpenAPI document and its schemas.
indirect enum JSON: Encodable, Sendable, Equatable,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSON])
    case object([String: JSON])
    case null

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        case .null: try container.encodeNil()
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let dict) = self { return dict[key] }
        return nil
    }
}

/// JSON Schema fragments for the OpenAPI document.
enum Schema {
    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }
    static func string(_ description: String? = nil, format: String? = nil, example: String? = nil, values: [String]? = nil) -> JSON {
        var s: [String: JSON] = ["type": "string"]
        if let description { s["description"] = .string(description) }
        if let format { s["format"] = .string(format) }
        if let example { s["example"] = .string(example) }
        if let values { s["enum"] = .array(values.map(JSON.string)) }
        return .object(s)
    }
    static func integer(_ description: String? = nil) -> JSON {
        description.map { ["type": "integer", "format": "int64", "description": .string($0)] } ?? ["type": "integer", "format": "int64"]
    }
    static let boolean: JSON = ["type": "boolean"]
    static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }
    static func object(_ properties: [String: JSON], required: [String] = []) -> JSON {
        var s: [String: JSON] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { s["required"] = .array(required.map(JSON.string)) }
        return .object(s)
    }
}
