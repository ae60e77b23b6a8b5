import Fluent
import PayungCore

/// Checks a NIK and compares its region codes with the loaded region list.
/// One code path for the CLI, the API and the web form.
struct NIKCheckService {
    let db: any Database
    let today: CalendarDate

    func check(_ raw: String) async throws -> NIKCheckResult {
        do {
            let nik = try NIK(parsing: raw, today: today)
            let known = try await RegionQueries(db: db).knownCodes(among: [nik.regency, nik.district])
            return NIKCheckResult(valid: nik, warnings: nik.warnings(knownRegions: known))
        } catch let rejection as NIKRejection {
            return NIKCheckResult(rejected: rejection)
        }
    }
}
