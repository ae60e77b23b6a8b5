import Foundation
import PayungCore
import Vapor

/// A tariff page's form as posted: every field as text (at most 400 of
/// them, each bounded by `InputLimits`), read into a version or a discount
/// with what could not be read marked at its field.
struct TariffFormFields: Decodable {
    let values: [String: String]

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [String: String] = [:]
        for key in container.allKeys.prefix(400) where key.stringValue.count <= 40 {
            if let value = try? container.decode(String.self, forKey: key) { values[key.stringValue] = value }
        }
        self.values = values
    }

    /// The field's text, nil when absent or blank.
    subscript(_ name: String) -> String? { values[name]?.nilIfBlank }

    static let bracketRows = TariffLimits.brackets

    /// The bracket rows that hold anything, by row number.
    private var filledRows: [Int] {
        Self.bracketRows.filter { n in ["lower", "upper", "basis"].contains { self["\($0)\(n)"] != nil } }
    }

    var version: TariffVersionFields {
        var f = TariffVersionFields()
        f.name = values["name"] ?? ""
        f.legalBasis = values["legalBasis"] ?? ""
        f.from = values["from"] ?? ""
        f.through = self["through"]
        func integer(_ field: String, _ why: String) -> Int? {
            guard let text = self[field] else { return nil }
            guard text.count <= 6, let n = Int(text.trimmingCharacters(in: .whitespaces)) else { f.errors[field] = why; return nil }
            return n
        }
        f.jkk = integer("jkkBasisPoints", "JKK ditulis sebagai bilangan bulat basis poin, mis. 100 untuk 1%.")
        f.jht = integer("jhtBasisPoints", "JHT ditulis sebagai bilangan bulat basis poin, mis. 200 untuk 2%.")
        if let text = self["jkm"] {
            if let r = Rupiah(parsing: text) { f.jkm = r.amount } else { f.errors["jkm"] = "JKM ditulis seperti 6800 atau Rp6.800." }
        }
        for n in filledRows {
            var bracket = TariffVersionFields.Bracket(row: n)
            var readable = true
            for (part, keyPath) in [("lower", \TariffVersionFields.Bracket.lower), ("upper", \.upper), ("basis", \.basis)] {
                guard let text = self["\(part)\(n)"] else { continue }
                if let r = Rupiah(parsing: text) { bracket[keyPath: keyPath] = r.amount } else { readable = false }
            }
            if !readable { f.errors["bracket\(n)"] = "Rentang \(n): tulis rupiah seperti 1000000 atau Rp1.000.000." }
            f.brackets.append(bracket)
        }
        return f
    }

    /// The version form again, with what was entered and what is wrong.
    func versionForm(action: String, errors: [String: String]) -> TariffController.VersionForm {
        var form = TariffController.VersionForm()
        form.action = action
        form.name = values["name"] ?? ""; form.legalBasis = values["legalBasis"] ?? ""
        form.from = values["from"] ?? ""; form.through = values["through"] ?? ""
        form.jkkBasisPoints = values["jkkBasisPoints"] ?? ""; form.jkm = values["jkm"] ?? ""; form.jhtBasisPoints = values["jhtBasisPoints"] ?? ""
        form.supersedes = values["supersedes"] ?? ""
        let shown = max(5, (filledRows.last ?? 0) + 1)
        form.rows = (1...min(shown, Self.bracketRows.upperBound)).map { n in
            .init(n: n, lower: values["lower\(n)"] ?? "", upper: values["upper\(n)"] ?? "", basis: values["basis\(n)"] ?? "",
                  error: errors["bracket\(n)"])
        }
        form.errors = errors
        let order = ["name", "legalBasis", "from", "through", "jkkBasisPoints", "jkm", "jhtBasisPoints"]
        form.firstInvalid = order.first { errors[$0] != nil }
            ?? form.rows.first { $0.error != nil }.map { "lower\($0.n)" } ?? (errors["brackets"] != nil ? "lower1" : nil)
        form.rows = form.rows.map { row in
            var row = row
            row.focus = form.firstInvalid == "lower\(row.n)"
            return row
        }
        return form
    }

    var discount: TariffDiscountInput {
        TariffDiscountInput(name: values["name"] ?? "", legalBasis: values["legalBasis"] ?? "", from: values["from"] ?? "",
                            through: values["through"] ?? "",
                            sectors: WorkSector.allCases.filter { self["sector_\($0.rawValue)"] == "1" }.map(\.rawValue),
                            offBasisPoints: self["offBasisPoints"].flatMap { $0.count <= 6 ? Int($0) : nil } ?? -1)
    }

    func discountForm(errors: [String: String]) -> TariffController.DiscountForm {
        var form = TariffController.DiscountForm()
        form.name = values["name"] ?? ""; form.legalBasis = values["legalBasis"] ?? ""
        form.from = values["from"] ?? ""; form.through = values["through"] ?? ""; form.offBasisPoints = values["offBasisPoints"] ?? ""
        form.transport = self["sector_transport"] == "1"; form.other = self["sector_other"] == "1"
        form.errors = errors
        form.firstInvalid = ["name", "legalBasis", "from", "through", "sectors", "offBasisPoints"].first { errors[$0] != nil }
        return form
    }
}
