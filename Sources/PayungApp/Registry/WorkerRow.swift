import Foundation
import PayungCore

/// The registry fields of a worker as derived from an input, in one place:
/// the form, the API and imports all store exactly this.
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
        phone = input.phone?.nilIfBlank
        occupationCode = input.occupation?.nilIfBlank
        monthlyIncome = input.monthlyIncome
        disability = input.disability?.nilIfBlank
        welfareDecile = input.welfareDecile.flatMap { (1...10).contains($0) ? $0 : nil }
    }

    func apply(to worker: WorkerModel) {
        worker.nik = nik
        worker.name = name
        worker.kk = kk
        worker.birthPlace = birthPlace
        worker.birthDate = birthDate
        worker.sex = sex
        worker.villageCode = villageCode
        worker.rt = rt
        worker.rw = rw
        worker.street = street
        worker.phone = phone
        worker.occupationCode = occupationCode
        worker.monthlyIncome = monthlyIncome
        worker.disability = disability
        worker.welfareDecile = welfareDecile
    }

    /// The same keys as `WorkerSnapshot.of`, for change detection and the audit trail.
    var snapshot: [String: String?] {
        ["name": name, "kk": kk, "birth_place": birthPlace, "village_code": villageCode, "rt": rt, "rw": rw,
         "street": street, "phone": phone, "occupation_code": occupationCode,
         "monthly_income": monthlyIncome.map(String.init), "disability": disability,
         "welfare_decile": welfareDecile.map(String.init)]
    }
}
