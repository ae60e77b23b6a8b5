import PayungCore

/// A region as read from a reference file, before it reaches the database.
struct RegionRecord: Hashable, Sendable {
    let code: RegionCode
    let name: String
}
