/// What an actor may try to do. Routes name the action; `AccessPolicy`
/// decides. Record actions are judged against the record's location, the
/// others against a region.
public enum Action: String, Sendable, CaseIterable, Codable {
    /// See a personal record (worker, proposal) with its NIK masked.
    case readRecord = "read_record"
    /// See or export a full NIK and personal details (logged each time).
    case readFullNIK = "read_full_nik"
    /// Create, correct and submit proposals.
    case propose
    case verifyKelurahan = "verify_kelurahan"
    case verifyKecamatan = "verify_kecamatan"
    /// Approve within quota and budget.
    case approve
    /// Record BPJS registration (KPJ number, start date).
    case register
    /// Bulk imports and exports of personal data.
    case importExport = "import_export"
    /// Death and accident claims: assemble, verify, submit (the agency);
    /// decide and pay (BPJS, by `ClaimWorkflow`).
    case manageClaims = "manage_claims"
    /// Report a death or an accident of a participant in one's region, and
    /// bring its documents and heirs (RT heads and kelurahan too).
    case reportClaim = "report_claim"
    /// Prepare a month's bill (the maker); record payments.
    case prepareBills = "prepare_bills"
    /// Issue a prepared bill (the checker: never the one who prepared it, `MakerChecker`).
    case issueBills = "issue_bills"
    /// Aggregated figures (no personal data).
    case readAggregates = "read_aggregates"
    /// Programs, occupations and other settings.
    case manageSettings = "manage_settings"
    /// Users, roles and tokens.
    case manageUsers = "manage_users"
    /// The audit trail.
    case readAudit = "read_audit"
}

/// The regulation-free core of access control: which role may do what.
/// Source of the principle: UU 27/2022 on personal data protection (least
/// access to personal data, accountability).
public enum AccessPolicy {
    /// Actions each role may take inside its scope.
    public static let actions: [Role: Set<Action>] = [
        .rt: [.readRecord, .readFullNIK, .propose, .reportClaim],
        .kelurahan: [.readRecord, .readFullNIK, .verifyKelurahan, .readAggregates, .reportClaim],
        .kecamatan: [.readRecord, .readFullNIK, .verifyKecamatan, .readAggregates],
        .operator: [.readRecord, .readFullNIK, .approve, .register, .importExport, .manageClaims, .reportClaim,
                    .readAggregates, .manageSettings, .prepareBills],
        .kepalaDinas: [.readRecord, .approve, .readAggregates, .issueBills],
        .bpjs: [.readRecord, .readFullNIK, .register, .manageClaims, .reportClaim, .readAggregates],
        .sponsor: [.readAggregates],
        .admin: [.manageUsers, .manageSettings, .readAggregates],
        .auditor: [.readRecord, .readFullNIK, .readAggregates, .readAudit],
    ]

    /// Actions that change nothing; an auditor's reads are logged.
    public static let readOnly: Set<Action> = [.readRecord, .readFullNIK, .readAggregates, .readAudit]

    /// May `actor` do `action` on a personal record at `location`?
    public static func may(_ actor: Actor, _ action: Action, at location: RecordLocation) -> Bool {
        actor.grants.contains { grant in
            actions[grant.role, default: []].contains(action) && grant.covers(location)
        }
    }

    /// May `actor` do `action` over `region` (manage users of a village, read
    /// the figures of a district)? True when a grant with the action covers it.
    public static func may(_ actor: Actor, _ action: Action, in region: RegionCode) -> Bool {
        actor.grants.contains { grant in
            actions[grant.role, default: []].contains(action) && region.isWithin(grant.region)
                && (grant.role != .rt || region.level == .village)
        }
    }

    /// The Pemdas (regencies) where `actor` may do `action` over the whole
    /// Pemda: where a registry roster may go. Sorted.
    public static func pemdas(of actor: Actor, for action: Action) -> [RegionCode] {
        Set(actor.grants.filter { actions[$0.role, default: []].contains(action) && $0.region.level == .regency }.map(\.region))
            .sorted()
    }

    /// May `actor` do `action` anywhere at all (to show a menu entry)?
    public static func mayAnywhere(_ actor: Actor, _ action: Action) -> Bool {
        actor.grants.contains { actions[$0.role, default: []].contains(action) }
    }

    /// Where `actor` may do `action`: the scopes a list query filters by, in
    /// SQL. Empty means nowhere: the query must return nothing.
    public static func scopes(of actor: Actor, for action: Action) -> [AccessScope] {
        let scopes = actor.grants
            .filter { actions[$0.role, default: []].contains(action) }
            .map { AccessScope(region: $0.region, rt: $0.rt, rw: $0.rw) }
        // A wider scope makes narrower ones redundant.
        return Array(Set(scopes)).filter { scope in
            !scopes.contains { other in other != scope && other.rt == nil && scope.region.isWithin(other.region) }
        }.sorted { ($0.region, $0.rt ?? "", $0.rw ?? "") < ($1.region, $1.rt ?? "", $1.rw ?? "") }
    }
}

/// A region (and for RT heads an RT/RW) inside which an action is allowed.
public struct AccessScope: Sendable, Hashable {
    public let region: RegionCode
    public let rt: String?
    public let rw: String?

    public init(region: RegionCode, rt: String? = nil, rw: String? = nil) {
        self.region = region
        self.rt = rt
        self.rw = rw
    }
}

/// Someone acting: a signed-in user or an API token's owner.
public struct Actor: Sendable, Hashable {
    public let userID: String
    public let username: String
    public let grants: [RoleGrant]

    public init(userID: String, username: String, grants: [RoleGrant]) {
        self.userID = userID
        self.username = username
        self.grants = grants
    }

    public var roles: Set<Role> { Set(grants.map(\.role)) }
}
