import Foundation
import PayungCore

extension WorkerModel {
    /// The record's fields as the merge rule sees them.
    var personFields: PersonFields {
        PersonFields([.name: name, .kk: kk, .birthPlace: birthPlace, .villageCode: villageCode, .rt: rt, .rw: rw,
                      .street: street, .phone: phone, .occupationCode: occupationCode,
                      .monthlyIncome: monthlyIncome.map(String.init), .disability: disability,
                      .welfareDecile: welfareDecile.map(String.init)])
    }

    /// Applies what `incoming` says under `PersonRecordMerge` and returns the
    /// changes (empty when nothing changed). The only way a stored record's
    /// fields change.
    @discardableResult
    func merge(_ incoming: PersonFields, from source: PersonRecordSource) -> [PersonFieldChange] {
        let (merged, changes) = PersonRecordMerge.merge(incoming, into: personFields, from: source)
        for change in changes {
            let value = merged[change.field]
            switch change.field {
            case .name: name = value ?? name
            case .kk: kk = value
            case .birthPlace: birthPlace = value
            case .villageCode: villageCode = value
            case .rt: rt = value
            case .rw: rw = value
            case .street: street = value
            case .phone: phone = value
            case .occupationCode: occupationCode = value
            case .monthlyIncome: monthlyIncome = value.flatMap { Int64($0) }
            case .disability: disability = value
            case .welfareDecile: welfareDecile = value.flatMap { Int($0) }
            }
        }
        return changes
    }
}

extension PersonFields {
    /// The audit trail's shape: field name -> value.
    var auditSnapshot: [String: String?] {
        Dictionary(uniqueKeysWithValues: PersonField.allCases.map { ($0.rawValue, self[$0]) })
    }
}

extension AuditTrail {
    /// The changes of a merge as audit changes (field -> old, new).
    static func changes(_ changes: [PersonFieldChange]) -> [String: FieldChange] {
        Dictionary(uniqueKeysWithValues: changes.map { ($0.field.rawValue, FieldChange(old: $0.old, new: $0.new)) })
    }
}
