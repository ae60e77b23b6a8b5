import Fluent
import Foundation

/// A person's record as one Pemda holds it: one row per Pemda and NIK. The
/// NIK links the records of different Pemdas; no path reads or changes
/// another Pemda's record (see `PersonRecordMerge`).
final class WorkerModel: Model, @unchecked Sendable {
    static let schema = "workers"

    @ID(key: .id) var id: UUID?
    /// The Pemda (regency or city, `PP.KK`) that holds this record.
    @Field(key: "pemda_code") var pemdaCode: String
    @Field(key: "nik") var nik: String
    @Field(key: "name") var name: String
    @OptionalField(key: "kk") var kk: String?
    @OptionalField(key: "birth_place") var birthPlace: String?
    /// `YYYY-MM-DD`, decoded from the NIK.
    @Field(key: "birth_date") var birthDate: String
    /// `L` or `P`.
    @Field(key: "sex") var sex: String
    /// Nil for registry rows imported without an address (DTKS/DTSEN extracts).
    @OptionalField(key: "village_code") var villageCode: String?
    @OptionalField(key: "rt") var rt: String?
    @OptionalField(key: "rw") var rw: String?
    @OptionalField(key: "street") var street: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "occupation_code") var occupationCode: String?
    /// Declared monthly income in whole rupiah.
    @OptionalField(key: "monthly_income") var monthlyIncome: Int64?
    /// Free text (`tunanetra`, `daksa`...); nil for none.
    @OptionalField(key: "disability") var disability: String?
    /// DTKS/DTSEN welfare decile 1 (poorest) to 10.
    @OptionalField(key: "welfare_decile") var welfareDecile: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// An heir (*ahli waris*) who receives the death benefit.
final class HeirModel: Model, @unchecked Sendable {
    static let schema = "heirs"

    @ID(key: .id) var id: UUID?
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "name") var name: String
    /// `suami`, `istri`, `anak`, `orang_tua`, `saudara`...
    @Field(key: "relation") var relation: String
    @OptionalField(key: "nik") var nik: String?
    @OptionalField(key: "phone") var phone: String?

    init() {}
}

/// A child of the worker, for scholarship entitlements later.
final class ChildModel: Model, @unchecked Sendable {
    static let schema = "worker_children"

    @ID(key: .id) var id: UUID?
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "birth_date") var birthDate: String?
    /// `tk_sd`, `smp`, `sma`, `pt` (PP 82/2019 scholarship levels).
    @OptionalField(key: "school_level") var schoolLevel: String?

    init() {}
}

/// A participant BPJS already counts as active (from BPJS's list), for the
/// duplicate check at entry.
final class BPJSActiveParticipantModel: Model, @unchecked Sendable {
    static let schema = "bpjs_active_participants"

    @ID(custom: "nik", generatedBy: .user) var id: String?
    @OptionalField(key: "kpj") var kpj: String?
    @OptionalField(key: "segment") var segment: String?
    @Field(key: "imported_at") var importedAt: Date

    init() {}
}
