import Vapor

/// The web pages, named once: routes are registered from these and links are
/// made from them, so a link cannot point at a page that does not exist.
struct WebPath: Sendable, Equatable {
    let path: String

    init(_ path: String) { self.path = path }

    var components: [PathComponent] { path.pathComponents }

    static let home = WebPath("/")
    static let nikCheck = WebPath("/cek-nik")
    static let regions = WebPath("/wilayah")
    static func region(_ code: String) -> WebPath { WebPath("/wilayah/\(code)") }
    static let openAPI = WebPath("/api/v1/openapi.json")

    static let login = WebPath("/masuk")
    static let logout = WebPath("/keluar")
    static let account = WebPath("/akun")
    static let accountPassword = WebPath("/akun/kata-sandi")
    static let accountTokens = WebPath("/akun/token")

    static let users = WebPath("/admin/pengguna")
    static let newUser = WebPath("/admin/pengguna/baru")
    static func user(_ id: UUID) -> WebPath { WebPath("/admin/pengguna/\(id.uuidString)") }

    static let audit = WebPath("/audit")

    static let proposals = WebPath("/usulan")
    static let newProposal = WebPath("/usulan/baru")
    static let bulkProposals = WebPath("/usulan/massal")
    static func proposal(_ id: UUID) -> WebPath { WebPath("/usulan/\(id.uuidString)") }
    static let programs = WebPath("/program")
    static let newProgram = WebPath("/program/baru")
    static let occupations = WebPath("/admin/pekerjaan")
    static let imports = WebPath("/impor")
    static func importJob(_ id: UUID) -> WebPath { WebPath("/impor/\(id.uuidString)") }
    static let proposalExport = WebPath("/usulan/ekspor")
    static func program(_ id: UUID) -> WebPath { WebPath("/program/\(id.uuidString)") }
    static let claims = WebPath("/klaim")
    static let newClaim = WebPath("/klaim/lapor")
    static func claim(_ id: UUID) -> WebPath { WebPath("/klaim/\(id.uuidString)") }
}
