import Foundation
import PayungCore

/// The registry fields of a worker as derived from an input, in one place:
/// the form, the API and imports read inputs through this, and stored
/// records change only through `WorkerModel.merge` (`PersonRecordMerge`).
struct WorkerRow: Sendable {
    let nik: String
    let name: String
    let kk: String?
    let birthPlace: String?
    let birthDate: String
    let sex: String
    let villageCode: String?
    let rt: String?
    let rw: String?
    let street: String?
    let phone: String?
    let occupationCode: String?
    let monthlyIncome: Int64?
    let disability: String?
    let welfareDecile: Int?

    init(input: ProposalInput, nik: NIK) {
        self.nik = nik.digits
        name = input.name.trimmedQuickly
        kk = input.kk.flatMap { try? KK(parsing: $0).digits }
        birthPlace = input.birthPlace?.nilIfBlank
        birthDate = nik.birthDate.iso
        sex = nik.sex.rawValue
        villageCode = RegionCode(input.village)?.dotted
        rt = input.rt.flatMap(RoleGrant.neighbourhoodNumber)
        rw = input.rw.flatMap(RoleGrant.neighbourhoodNumber)
        street = input.street?.nilIfBlank
        // One stored form of a phone ("081234567890"); the entry check refuses what is not one.
        phone = input.phone?.nilIfBlank.map { PhoneNumber($0)?.digits ?? $0 }
        occupationCode = input.occupation?.nilIfBlank
        monthlyIncome = input.monthlyIncome
        disability = input.disability?.nilIfBlank
        welfareDecile = input.welfareDecile.flatMap { (1...10).contains($0) ? $0 : nil }
    }

    /// What this input says about the person, for `PersonRecordMerge`.
    var fields: PersonFields {
        PersonFields([.name: name, .kk: kk, .birthPlace: birthPlace, .villageCode: villageCode, .rt: rt, .rw: rw,
                      .street: street, .phone: phone, .occupationCode: occupationCode,
                      .monthlyIncome: monthlyIncome.map(String.init), .disability: disability,
                      .welfareDecile: welfareDecile.map(String.init)])
    }

    /// A new record of this person held by `pemda` (nothing to merge with).
    func newRecord(id: UUID, pemda: RegionCode, at now: Date) -> WorkerModel {
        let worker = WorkerModel()
        worker.id = id
        worker.pemdaCode = pemda.dotted
        worker.nik = nik
        worker.name = name
        worker.birthDate = birthDate
        worker.sex = sex
        worker.createdAt = now
        worker.updatedAt = now
        worker.merge(fields, from: .proposal)
        return worker
    }
}
