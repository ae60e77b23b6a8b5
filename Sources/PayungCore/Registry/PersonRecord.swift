/// A field of a person's record as a Pemda holds it. NIK, birth date and sex
/// are not among them: they are read from the NIK and never edited.
public enum PersonField: String, Sendable, CaseIterable, Hashable, Codable {
    case name
    case kk
    case birthPlace = "birth_place"
    case villageCode = "village_code"
    case rt
    case rw
    case street
    case phone
    case occupationCode = "occupation_code"
    case monthlyIncome = "monthly_income"
    case disability
    case welfareDecile = "welfare_decile"

    /// The label a person reads ("Nomor KK", "Desil kesejahteraan").
    public var indonesianName: String {
        switch self {
        case .name: "Nama"
        case .kk: "Nomor KK"
        case .birthPlace: "Tempat lahir"
        case .villageCode: "Kelurahan/desa"
        case .rt: "RT"
        case .rw: "RW"
        case .street: "Alamat jalan"
        case .phone: "Nomor HP"
        case .occupationCode: "Jenis pekerjaan"
        case .monthlyIncome: "Penghasilan per bulan"
        case .disability: "Disabilitas"
        case .welfareDecile: "Desil kesejahteraan"
        }
    }
}

/// The values of a person's record, or of what an input says about one.
/// A field that is absent (or blank) means "nothing said", never "erase".
public struct PersonFields: Sendable, Hashable {
    public private(set) var values: [PersonField: String]

    public init(_ values: [PersonField: String?] = [:]) {
        var kept: [PersonField: String] = [:]
        for (field, value) in values {
            guard let value, !value.trimmedQuickly.isEmpty else { continue }
            kept[field] = value
        }
        self.values = kept
    }

    public subscript(field: PersonField) -> String? {
        get { values[field] }
        set {
            if let newValue, !newValue.trimmedQuickly.isEmpty { values[field] = newValue } else { values[field] = nil }
        }
    }
}

/// One field a merge changed: old value (nil when the record had none) and new.
public struct PersonFieldChange: Sendable, Hashable {
    public let field: PersonField
    public let old: String?
    public let new: String

    public init(field: PersonField, old: String?, new: String) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// Where a change to a person's record comes from.
public enum PersonRecordSource: String, Sendable, CaseIterable {
    /// The proposal form or API (an RT head proposing or correcting).
    case proposal
    /// A proposals sheet imported by the agency.
    case proposalImport = "proposal_import"
    /// A roster of people (DTKS/DTSEN extract) imported into the registry.
    case registryImport = "registry_import"
}

/// The one merge rule for a person's record (*data pribadi*), used by the
/// form, the API and every import.
///
/// - A Pemda holds its own record of a person: the national NIK only links
///   records, and a record is read and changed only by the Pemda that holds
///   it (callers look records up by Pemda and NIK, never by NIK alone). This
///   follows UU 27/2022 on personal data protection (the controller that
///   collected the data is accountable for it; least access).
/// - A blank never erases a stored value: an input that leaves a field empty
///   says nothing about it. (An import without income or decile columns
///   once blanked both, and the decile orders the waitlist.)
/// - Each source writes only the fields it is responsible for: a registry
///   roster (DTKS/DTSEN) brings identity, address, phone and welfare decile,
///   never occupation, income or disability, which the proposal declares.
public enum PersonRecordMerge {
    /// The fields each source may set or change.
    public static func writableFields(by source: PersonRecordSource) -> Set<PersonField> {
        switch source {
        case .proposal, .proposalImport:
            Set(PersonField.allCases)
        case .registryImport:
            [.name, .kk, .birthPlace, .villageCode, .rt, .rw, .street, .phone, .welfareDecile]
        }
    }

    /// `stored` with what `incoming` says applied under the rule, and the
    /// changes in field order. A new record is a merge into empty fields.
    public static func merge(_ incoming: PersonFields, into stored: PersonFields,
                             from source: PersonRecordSource) -> (merged: PersonFields, changes: [PersonFieldChange]) {
        var merged = stored
        var changes: [PersonFieldChange] = []
        let writable = writableFields(by: source)
        for field in PersonField.allCases where writable.contains(field) {
            guard let value = incoming[field], value != stored[field] else { continue }
            changes.append(PersonFieldChange(field: field, old: stored[field], new: value))
            merged[field] = value
        }
        return (merged, changes)
    }
}
