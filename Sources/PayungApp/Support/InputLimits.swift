import Foundation
import PayungCore
import Vapor

/// Length and count limits of every text and list a client sends, in one
/// place: each decoded input is walked field by field, so a new form or
/// DTO is bounded as soon as it is decoded through `decodeBounded`.
/// Bodies are already capped in bytes (1 MB for JSON and forms); these caps
/// keep a single field from filling a column, a log line or a page.
enum InputLimits {
    /// The longest text any field takes unless named below.
    static let defaultTextLength = 1_000
    /// The most items any list takes unless named below (a bulk action's ids).
    static let defaultListCount = 1_000

    /// Per-field text limits, by field name as it is sent.
    static let textLengths: [String: Int] = [
        "nik": 40, "kk": 40, "name": 120, "displayName": 120, "birthPlace": 80, "village": 20, "rt": 5, "rw": 5,
        "street": 200, "phone": 30, "occupation": 60, "disability": 100, "relation": 40, "heirName": 120,
        "heirRelation": 40, "birthDate": 12, "schoolLevel": 10, "action": 30, "reason": 500, "note": 1_000, "account": 2_000,
        "kpj": 30, "startDate": 12, "username": 60, "password": 200, "oldPassword": 200, "newPassword": 200,
        "confirmPassword": 200, "code": 60, "regency": 10, "region": 20, "role": 30, "startMonth": 7, "endMonth": 7,
        "legalBasis": 300, "description": 500, "kind": 30, "format": 10, "status": 30, "q": ProposalSearch.maxLength,
        "csrf": 100, "next": 300, "pemda": 10,
    ]

    /// Per-field list limits.
    static let listCounts: [String: Int] = [
        "heirs": 10, "children": 20, "grants": 20, "occupations": 200, "benefits": 5, "regionQuotas": 500, "ids": 1_000,
    ]

    /// Throws `text_too_long` or `list_too_long` naming the first field over its limit.
    static func check(_ value: Any) throws {
        try walk(value, field: nil, depth: 0)
    }

    private static func walk(_ value: Any, field: String?, depth: Int) throws {
        guard depth < 8 else { return }
        switch value {
        case let text as String:
            let limit = field.flatMap { textLengths[$0] } ?? defaultTextLength
            if text.count > limit {
                throw AppError.invalid("text_too_long", "Isian \"\(field ?? "teks")\" terlalu panjang: maksimal \(limit) karakter.")
            }
            return
        case is File, is ByteBuffer, is Data, is UUID, is Date, is Bool, is any Numeric:
            return
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let some = mirror.children.first { try walk(some.value, field: field, depth: depth) }
        case .collection, .set:
            let limit = field.flatMap { listCounts[$0] } ?? defaultListCount
            if mirror.children.count > limit {
                throw AppError.invalid("list_too_long", "Daftar \"\(field ?? "isian")\" terlalu panjang: maksimal \(limit).")
            }
            for child in mirror.children { try walk(child.value, field: field, depth: depth + 1) }
        case .dictionary:
            if mirror.children.count > defaultListCount {
                throw AppError.invalid("list_too_long", "Terlalu banyak isian: maksimal \(defaultListCount).")
            }
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                if pair.count == 2 {
                    try walk(pair[0], field: "key", depth: depth + 1)
                    try walk(pair[1], field: (pair[0] as? String) ?? field, depth: depth + 1)
                }
            }
        case .struct, .class:
            for child in mirror.children {
                // Property wrappers and stored names may carry a leading underscore.
                let name = child.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 }
                try walk(child.value, field: name ?? field, depth: depth + 1)
            }
        default:
            return
        }
    }
}

extension ContentContainer {
    /// Decodes `T` and checks every text and list in it against `InputLimits`.
    func decodeBounded<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try decode(T.self)
        try InputLimits.check(value)
        return value
    }
}
