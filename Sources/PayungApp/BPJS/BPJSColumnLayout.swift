import Foundation

/// The fields a kind of BPJS file can carry, the columns it has when no
/// layout file is given, and the fields every layout must have.
protocol BPJSLayoutField: RawRepresentable, Codable, CaseIterable, Sendable where RawValue == String {
    static var standardLayout: BPJSColumnLayout<Self> { get }
    static var requiredFields: [Self] { get }
}

extension BPJSLayoutField {
    static var requiredFields: [Self] { [] }
}

/// The columns of a file Payung writes for BPJS or reads from it. BPJS
/// Ketenagakerjaan publishes no file specification for collective (*wadah*)
/// registration, deactivation or invoices, so each Pemda can give the
/// columns its BPJS branch uses, as JSON:
/// `{"columns":[{"header":"NIK","field":"nik"}, ...]}`. The defaults are
/// documented in docs/BPJS-BATCH.md and docs/BILLING.md.
struct BPJSColumnLayout<Field: BPJSLayoutField>: Codable, Sendable {
    struct Column: Codable, Sendable {
        let header: String
        let field: Field
    }

    let columns: [Column]

    static var standard: Self { Field.standardLayout }

    /// More columns than anyone's branch asks for is a mistake, not a layout.
    static var maxColumns: Int { 60 }

    /// The layout in the JSON file at `path`, or the standard one when no path is given.
    static func load(path: String?) throws -> Self {
        guard let path else { return .standard }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 64 * 1024 else { throw TabularFileError.unreadable(path) }
        return try decode(data)
    }

    static func decode(_ data: Data) throws -> Self {
        guard let layout = try? JSONDecoder().decode(Self.self, from: data), !layout.columns.isEmpty, layout.columns.count <= maxColumns,
              layout.columns.allSatisfy({ !$0.header.trimmingCharacters(in: .whitespaces).isEmpty && $0.header.count <= 80 }),
              Field.requiredFields.allSatisfy({ f in layout.columns.contains { $0.field.rawValue == f.rawValue } }) else {
            let required = Field.requiredFields.isEmpty ? "" : ", wajib memuat \(Field.requiredFields.map(\.rawValue).joined(separator: ", "))"
            throw TabularFileError(code: "layout_invalid",
                                   message: "Tata letak kolom tidak valid: harus JSON {\"columns\":[{\"header\":\"NIK\",\"field\":\"nik\"}, ...]} "
                                       + "dengan 1 sampai \(maxColumns) kolom\(required). Field: \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return layout
    }
}
