import Foundation

/// A role held over a region: "operator of Kota Jambi", "ketua RT 003/RW 005
/// of Kelurahan Podosugih".
public struct RoleGrant: Sendable, Hashable, Codable {
    public let role: Role
    public let region: RegionCode
    /// RT and RW numbers, three digits ("003"); only for the `rt` role.
    public let rt: String?
    public let rw: String?

    public init(role: Role, region: RegionCode, rt: String? = nil, rw: String? = nil) throws(AccessError) {
        guard role.scopeLevels.contains(region.level) else {
            throw .scopeLevelMismatch(role: role, region: region)
        }
        if role == .rt {
            guard let rt = rt.flatMap(Self.neighbourhoodNumber), let rw = rw.flatMap(Self.neighbourhoodNumber) else {
                throw .neighbourhoodRequired
            }
            self.rt = rt
            self.rw = rw
        } else {
            guard rt == nil, rw == nil else { throw .neighbourhoodOnlyForRT }
            self.rt = nil
            self.rw = nil
        }
        self.role = role
        self.region = region
    }

    /// RT/RW numbers as written on forms: "3", "03", "003" all mean "003".
    public static func neighbourhoodNumber(_ text: String) -> String? {
        let digits = text.trimmedQuickly
        guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits), value > 0 else { return nil }
        return String(repeating: "0", count: 3 - String(value).count) + String(value)
    }

    /// Whether a record located in `village` (and RT/RW) falls in this grant.
    public func covers(_ location: RecordLocation) -> Bool {
        guard location.village.isWithin(region) else { return false }
        if role == .rt { return location.rt == rt && location.rw == rw }
        return true
    }

    /// "Ketua RT 003/RW 005, 33.75.01.1001".
    public var label: String {
        if let rt, let rw { return "Ketua RT \(rt)/RW \(rw), \(region.dotted)" }
        return "\(role.indonesianName), \(region.dotted)"
    }
}

/// Where a personal record lives: its village and, when known, RT and RW.
public struct RecordLocation: Sendable, Hashable {
    public let village: RegionCode
    public let rt: String?
    public let rw: String?

    public init(village: RegionCode, rt: String? = nil, rw: String? = nil) {
        self.village = village
        self.rt = rt.flatMap(RoleGrant.neighbourhoodNumber)
        self.rw = rw.flatMap(RoleGrant.neighbourhoodNumber)
    }
}
