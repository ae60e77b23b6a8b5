import Fluent
import Foundation
import Leaf
import PayungCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PayungApp

/// Kota Pekalongan's people, as seen from Kota Jambi and from another
/// Pekalongan village: every registered route (read from the router, so a
/// route added later joins the sweep by itself) is called by every Jambi role
/// and by Podosugih's verifier, with Pekalongan's ids in its path and a
/// plausible body; nothing personal may come back, no call may fail with a
/// 5xx, and Pekalongan's rows must be exactly as they were.
@Suite("Cross-region isolation: Kota Jambi and another village against Kota Pekalongan's records")
struct CrossRegionTests {
    /// Routes whose 2xx is legitimate for ANY signed-in user, whatever their
    /// region: they show the caller's own account and tokens (`/akun`,
    /// `/api/v1/me`), public reference data (regions, the NIK decoder), the
    /// home page, the API document and health. Each must answer 2xx to every
    /// signed-in intruder, which also proves the sweep's credentials work.
    /// Every other route may answer 2xx only when it names no Pekalongan
    /// record in its path (an intruder's own lists and forms), and never with
    /// personal data.
    static let openToAnySignedInUser: Set<String> = [
        "GET /", "GET /akun", "GET /api/v1/me", "GET /health", "GET /api/v1/openapi.json",
        "GET /wilayah", "GET /wilayah/:code", "GET /api/v1/regions", "GET /api/v1/regions/:code", "GET /cek-nik",
    ]

    @Test("every route x every Jambi role and Podosugih's verifier: no personal data out, no 5xx, Pekalongan's rows unchanged",
          .timeLimit(.minutes(10)), arguments: TestDatabase.available)
    func everyRoute(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let started = Date()
            // Templates read once, not on every page: the sweep renders thousands.
            app.leaf.cache.isEnabled = true
            let fixture = try await CrossRegionFixture.make(app)
            let before = try await PekalonganSnapshot.take(app, fixture)
            let requests = CrossRegionRequests(fixture: fixture)
            let routes = CrossRegionRequests.routes(app)
            // PostgreSQL takes two lanes of intruders at once. SQLite one: the in-memory
            // test database answers concurrent writes with 500 "database is locked" (a file
            // database in WAL mode waits instead), which is not what this suite is about.
            let lanes = db == .postgres ? 2 : 1
            let outcome = try await withThrowingTaskGroup(of: CrossRegionRequests.Outcome.self) { group in
                for lane in 0..<lanes {
                    group.addTask {
                        var outcome = CrossRegionRequests.Outcome()
                        for intruder in fixture.intruders.enumerated().filter({ $0.offset % lanes == lane }).map(\.element) {
                            outcome.merge(try await requests.sweep(app, routes, as: intruder))
                        }
                        return outcome
                    }
                }
                return try await group.reduce(into: CrossRegionRequests.Outcome()) { $0.merge($1) }
            }
            let findings = outcome.findings
            // Web imports run in the background: let any that started finish before looking.
            try await Task.sleep(for: .milliseconds(300))
            let after = try await PekalonganSnapshot.take(app, fixture)
            #expect(before == after, "Pekalongan's records changed:\n\(before.difference(to: after))")
            struct Count: Decodable { let n: Int }
            let elsewhere = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM proposals WHERE village_code NOT LIKE '33.75.01.1002'")
                .first(decoding: Count.self)?.n
            #expect(elsewhere == 0, "the intruders were to hold no proposals (their counts are judged as Pekalongan's)")
            let report = findings.keys.sorted().map { "\($0)\n    by \(findings[$0]!.callers.sorted().joined(separator: ", "))\n    e.g. \(findings[$0]!.example)" }
            #expect(findings.isEmpty, "\(findings.count) kinds of finding:\n\(report.joined(separator: "\n"))")
            #expect(routes.count > 40, "the router should have been read: \(routes.count) routes")
            if ProcessInfo.processInfo.environment["PAYUNG_CROSSREGION_VERBOSE"] == "1" {
                for (caller, routes) in outcome.successes.sorted(by: { $0.key < $1.key }) { print("\(caller) 2xx: \(routes.sorted())") }
            }
            let summary = outcome.successes.keys.sorted().map { "\($0) \(outcome.successes[$0]!.count)" }.joined(separator: ", ")
            print("CrossRegion[\(db.rawValue)]: \(routes.count) routes x \(fixture.intruders.count) callers, \(outcome.count) requests, "
                  + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s; routes answering 2xx: \(summary)")
        }
    }

    @Test("the sweep's control: Pekalongan's own operator and RT head reading the same routes are flagged", arguments: TestDatabase.available)
    func control(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let requests = CrossRegionRequests(fixture: fixture)
            let reads = CrossRegionRequests.routes(app).filter { $0.method == .GET }
            var outcome = CrossRegionRequests.Outcome()
            for role in [Role.operator, .rt] {
                let username = CrossRegionFixture.usernames[role]!
                let insider = CrossRegionFixture.Intruder(
                    label: "Pekalongan \(role.rawValue)", role: role, username: username, pemda: "33.75", userID: fixture.users[role]!.id,
                    token: fixture.tokens[role]!, browser: try await BrowserSession.login(app, username))
                outcome.merge(try await requests.sweep(app, reads, as: insider))
            }
            let flagged = outcome.findings.keys.joined(separator: "\n")
            for expected in ["GET /api/v1/proposals/:id -> 200: shows \"Siti Aminah\"", "GET /usulan/:id -> 200: shows \"Siti Aminah\"",
                             "GET /usulan/:id/dokumen/:kind -> 200: serves the KTP photo", "GET /impor/:id/laporan.xlsx -> 200: shows \"Tono Sugiarto\"",
                             "GET /api/v1/programs/:id/export -> 200: shows \"Dewi Lestari\"", "GET /api/v1/proposals/:id -> 200: answered 2xx",
                             "GET /api/v1/inbox -> 200: counts", "GET /api/v1/proposals -> 200: counts",
                             "GET /api/v1/claims/:id -> 200: shows a claim's details", "GET /klaim/:id -> 200: shows \"Agus Salim\"",
                             "GET /klaim/:id/dokumen/:documentId -> 200: serves a claim document"] {
                #expect(flagged.contains(expected), "the sweep should flag \(expected) for Pekalongan's own staff; it flagged:\n\(flagged)")
            }
            // The snapshot sees a change the sweep's bodies make when the caller may make it.
            let before = try await PekalonganSnapshot.take(app, fixture)
            let operatorInside = CrossRegionFixture.Intruder(
                label: "Pekalongan operator", role: .operator, username: CrossRegionFixture.usernames[.operator]!, pemda: "33.75",
                userID: fixture.users[.operator]!.id, token: fixture.tokens[.operator]!, browser: nil)
            let transitions = CrossRegionRequests.routes(app).filter { CrossRegionRequests.key($0.method, $0.path) == "POST /api/v1/proposals/:id/transitions" }
            _ = try await requests.sweep(app, transitions, as: operatorInside)
            let after = try await PekalonganSnapshot.take(app, fixture)
            #expect(before != after && before.difference(to: after).contains("approved"), "\(before.difference(to: after))")
        }
    }

    @Test("the occupation catalogue entries Pekalongan's program uses: Jambi's admin may neither rename nor retire them",
          arguments: TestDatabase.available)
    func sharedCatalogue(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let admin = try #require(fixture.intruders.first { $0.label == "Jambi admin" })
            try await app.testing().test(.PUT, "/api/v1/occupations/batik_labourer", headers: .bearer(admin.token!), beforeRequest: { req in
                try req.content.encode(OccupationInput(name: "Nama Palsu", description: nil, risk: 1, isActive: false))
            }) { res in #expect(res.status == .forbidden, "\(res.body.string)") }
            try await app.testing().test(.POST, "/admin/pekerjaan", headers: admin.browser!.headers, beforeRequest: { req in
                try req.content.encode(["_csrf": admin.browser!.csrf, "code": "batik_labourer", "name": "Nama Palsu", "risk": "1"],
                                       as: .urlEncodedForm)
            }) { res in #expect(res.status == .forbidden, "\(res.status)") }
            let occupation = try #require(try await OccupationModel.find("batik_labourer", on: app.db))
            #expect(occupation.name != "Nama Palsu" && occupation.isActive)
        }
    }

    @Test("registering a Jambi person with the KPJ Pekalongan registered is refused without naming Pekalongan's person",
          arguments: TestDatabase.available)
    func kpjHeldInPekalongan(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let kpj = "33750000055", approved = fixture.proposalIDs[2]
            try await app.testing().test(.POST, "/api/v1/proposals/\(approved)/transitions", headers: .bearer(fixture.tokens[.operator]!),
                                         beforeRequest: { req in
                try req.content.encode(TransitionInput(action: "register", kpj: kpj, startDate: "2027-01-01"))
            }) { res in #expect(res.status == .ok, "Pekalongan registers its participant: \(res.body.string)") }
            let rt = try #require(fixture.intruders.first { $0.label == "Jambi rt" })
            let op = try #require(fixture.intruders.first { $0.label == "Jambi operator" })
            let jambiNIK = testNIK(serial: 61, district: "157101")
            var created: ProposalDTO?
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token!), beforeRequest: { req in
                try req.content.encode(proposalInput(program: fixture.jambiProgram, nik: jambiNIK, name: "Warga Jambi",
                                                     village: "15.71.01.1001", rt: "001", rw: "002"))
            }) { res in created = try? res.content.decode(ProposalDTO.self) }
            let jambi = try #require(created)
            try await app.db.sql.raw("UPDATE proposals SET status = 'approved' WHERE id = \(bind: jambi.id)").run()
            let before = try await PekalonganSnapshot.take(app, fixture)
            let secrets = ["Rudi Hartono", CrossRegionFixture.pekalonganNIKs[2], "********" + CrossRegionFixture.pekalonganNIKs[2].suffix(4)]
            try await app.testing().test(.POST, "/api/v1/proposals/\(jambi.id)/transitions", headers: .bearer(op.token!), beforeRequest: { req in
                try req.content.encode(TransitionInput(action: "register", kpj: kpj, startDate: "2027-01-01"))
            }) { res in
                #expect(res.status == .conflict && res.body.string.contains("kpj_held_by_another"), "\(res.body.string)")
                #expect(!secrets.contains { res.body.string.contains($0) }, "\(res.body.string)")
            }
            let answer = "NIK;No KPJ;Tanggal Mulai\n\(jambiNIK);\(kpj);01/01/2027\n"
            try await app.testing().test(.POST, "/api/v1/programs/\(fixture.jambiProgram.id!)/bpjs-results", headers: .bearer(op.token!),
                                         beforeRequest: { req in
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(string: answer)
            }) { res in
                #expect(res.status == .ok && res.body.string.contains("kpj_held_by_another"), "\(res.body.string)")
                #expect(!secrets.contains { res.body.string.contains($0) }, "\(res.body.string)")
            }
            let after = try await PekalonganSnapshot.take(app, fixture)
            #expect(before == after, "\(before.difference(to: after))")
        }
    }

    @Test("a Jambi RT head proposing Pekalongan's NIK gets a Jambi record; Pekalongan's row is untouched", arguments: TestDatabase.available)
    func proposingPekalonganNIK(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let before = try await PekalonganSnapshot.take(app, fixture)
            let rt = try #require(fixture.intruders.first { $0.label == "Jambi rt" })
            var input = proposalInput(program: fixture.jambiProgram, nik: CrossRegionFixture.pekalonganNIKs[0], name: "Nama Palsu",
                                      village: "15.71.01.1001", rt: "001", rw: "002")
            input.phone = "089999999999"
            input.street = "Jl. Palsu"
            try await app.testing().test(.POST, "/api/v1/proposals", headers: .bearer(rt.token!), beforeRequest: { req in
                try req.content.encode(input)
            }) { res in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(!CrossRegionFixture.personalData.contains { res.body.string.contains($0) }, "\(res.body.string)")
            }
            let after = try await PekalonganSnapshot.take(app, fixture)
            #expect(before == after, "\(before.difference(to: after))")
            let records = try await WorkerModel.query(on: app.db).filter(\.$nik == CrossRegionFixture.pekalonganNIKs[0]).all()
            #expect(records.count == 2 && Set(records.map(\.pemdaCode)) == ["33.75", "15.71"])
        }
    }

    @Test("a Jambi operator's registry import of Pekalongan's NIK writes Jambi's record only, and cannot aim at Pekalongan",
          arguments: TestDatabase.available)
    func registryImport(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let before = try await PekalonganSnapshot.take(app, fixture)
            let op = try #require(fixture.intruders.first { $0.label == "Jambi operator" })
            let nik = CrossRegionFixture.pekalonganNIKs[0]
            let csv = "NIK,Nama,No HP,Kelurahan,Desil\n\(nik),Nama Palsu,0899999999,33.75.01.1002,9\n"
            for (query, expected) in [("?dryRun=true", HTTPStatus.ok), ("", .ok), ("?pemda=33.75", .forbidden)] {
                try await app.testing().test(.POST, "/api/v1/registry/imports" + query, headers: .bearer(op.token!), beforeRequest: { req in
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: csv)
                }) { res in
                    #expect(res.status == expected, "\(query): \(res.body.string)")
                    #expect(!CrossRegionFixture.personalData.contains { res.body.string.contains($0) }, "\(res.body.string)")
                }
            }
            let after = try await PekalonganSnapshot.take(app, fixture)
            #expect(before == after, "\(before.difference(to: after))")
        }
    }

    @Test("a sponsor may not run the proposal check, in Jambi or in Pekalongan", arguments: TestDatabase.available)
    func sponsorCheck(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let jambi = try #require(fixture.intruders.first { $0.label == "Jambi sponsor" })
            for (token, program) in [(jambi.token!, fixture.program), (jambi.token!, fixture.jambiProgram),
                                     (fixture.tokens[.sponsor]!, fixture.program)] {
                try await app.testing().test(.POST, "/api/v1/proposals/check", headers: .bearer(token), beforeRequest: { req in
                    try req.content.encode(proposalInput(program: program, nik: CrossRegionFixture.pekalonganNIKs[0]))
                }) { res in
                    #expect(res.status == .forbidden, "\(res.body.string)")
                    #expect(!res.body.string.contains("duplicate") && !res.body.string.contains("Siti"))
                }
            }
        }
    }

    @Test("Pekalongan's audit rows are not shown to Jambi's auditor, on the API or the page", arguments: TestDatabase.available)
    func auditTrail(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let fixture = try await CrossRegionFixture.make(app)
            let auditor = try #require(fixture.intruders.first { $0.label == "Jambi auditor" })
            let own = try await BrowserSession.login(app, CrossRegionFixture.usernames[.auditor]!)
            let traces = CrossRegionFixture.usernames.values.map { $0 } + fixture.proposalIDs.map { $0.uuidString.lowercased() }
                + fixture.workerIDs.map { $0.uuidString.lowercased() }
            // The control: Pekalongan's own auditor does see them, so their absence below means something.
            try await app.testing().test(.GET, "/api/v1/audit", headers: .bearer(fixture.tokens[.auditor]!)) { res in
                #expect(res.status == .ok && res.body.string.contains("pkl.operator"), "\(res.body.string.prefix(300))")
            }
            try await app.testing().test(.GET, "/audit", headers: own.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("pkl.operator"))
            }
            for (path, headers) in [("/api/v1/audit", HTTPHeaders.bearer(auditor.token!)), ("/audit", auditor.browser!.headers),
                                    ("/api/v1/audit?region=33.75&entity=proposal", .bearer(auditor.token!)),
                                    ("/audit?region=33.75&q=pkl", auditor.browser!.headers)] {
                try await app.testing().test(.GET, path, headers: headers) { res in
                    let body = res.body.string.lowercased()
                    #expect(res.status.code < 500)
                    let seen = traces.filter { body.contains($0) }
                    #expect(seen.isEmpty, "\(path) shows Pekalongan's audit rows to Jambi's auditor: \(seen)")
                }
            }
        }
    }
}

/// The sweep's requests: which routes, which ids in their paths, which
/// bodies, and what a reply must not carry.
struct CrossRegionRequests {
    let fixture: CrossRegionFixture

    struct Route {
        let method: HTTPMethod
        let path: [PathComponent]
    }

    /// What a path parameter stands for.
    enum Addressed: Int, Comparable {
        case nothing, pemda, person
        static func < (a: Addressed, b: Addressed) -> Bool { a.rawValue < b.rawValue }
    }

    enum Body {
        case none
        case json(String)
        case csv(String)
        case form([(String, String)])
        case multipart([(String, String)], file: Data, fileName: String)
    }

    struct Probe {
        /// `POST /api/v1/proposals/:id/transitions`, as registered.
        let route: String
        let method: HTTPMethod
        let uri: String
        let body: Body
        /// Whose record's id stands in the path.
        let addresses: Addressed
        /// Everything the request carries, lowercased: an answer may echo it.
        let sent: String
        /// Signing in or out: the answer may end the session.
        let endsSession: Bool
    }

    struct Reply {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
    }

    /// Every registered route the sweep can call, the session-ending ones
    /// (sign in, sign out) last so the intruder's session lasts the sweep.
    static func endsSession(_ route: Route) -> Bool {
        route.method != .GET && route.path.contains { $0 == .constant("keluar") || $0 == .constant("masuk") }
    }

    static func routes(_ app: Application) -> [Route] {
        let methods: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE]
        return app.routes.all.filter { methods.contains($0.method) }.map { Route(method: $0.method, path: $0.path) }
            .sorted { (endsSession($0) ? 1 : 0, key($0.method, $0.path)) < (endsSession($1) ? 1 : 0, key($1.method, $1.path)) }
    }

    static func key(_ method: HTTPMethod, _ path: [PathComponent]) -> String {
        "\(method.rawValue) /" + path.map(\.description).joined(separator: "/")
    }

    // MARK: Paths

    /// What stands for a path parameter: Pekalongan's record of the kind the
    /// parameter names (by its name, or the segment before it), or every
    /// Pekalongan id when neither says.
    func candidates(_ name: String, after previous: String) -> [(value: String, record: Addressed)] {
        let f = fixture, name = name.lowercased(), previous = previous.lowercased()
        let records: (([UUID]) -> [(value: String, record: Addressed)]) = { $0.map { ($0.uuidString, .person) } }
        let users = [f.users[.operator]!, f.users[.rt]!, f.users[.admin]!].map { $0.id! }
        if name == "kind" { return [("ktp", .nothing), ("kk", .nothing)] }
        if name.contains("token") || ["token", "tokens"].contains(previous) { return records(Array(f.tokenIDs.prefix(2))) }
        if name.contains("grant") || ["peran", "grants"].contains(previous) { return records(Array(f.grantIDs.prefix(2))) }
        if name.contains("user") || ["pengguna", "users"].contains(previous) { return records(users) }
        if name.contains("proposal") || ["usulan", "proposals"].contains(previous) { return records(f.proposalIDs) }
        if name.contains("program") || ["program", "programs"].contains(previous) { return [(f.program.id!.uuidString, .pemda)] }
        if name.contains("worker") { return records(f.workerIDs) }
        if name.contains("document") { return records([f.documentID, f.claimDocumentID]) }
        if name.contains("heir") { return records([f.claimHeirID]) }
        if name.contains("claim") || ["claims", "klaim"].contains(previous) { return records(f.claimIDs) }
        if name.contains("job") || name.contains("run") || ["impor", "imports"].contains(previous) {
            return records([f.jobID, f.importRunID])
        }
        if name == "code" && (previous.contains("occupation") || previous.contains("pekerjaan")) { return [("batik_labourer", .nothing)] }
        if name == "code" || previous.contains("region") || previous.contains("wilayah") {
            return [("33.75", .nothing), ("33.75.01.1002", .nothing)]
        }
        return records(f.proposalIDs + f.workerIDs + users + [f.program.id!, f.documentID, f.importRunID, f.jobID])
    }

    /// Every request of the sweep for one route.
    func probes(_ method: HTTPMethod, _ path: [PathComponent]) -> [Probe] {
        // Each path, with whose record it names and, for a proposal, the actions that would move it on.
        var paths: [(uri: String, record: Addressed, actions: [String]?)] = [("", .nothing, nil)]
        var previous = ""
        for component in path {
            let name: String
            switch component {
            case .constant(let text):
                paths = paths.map { ($0.uri + "/" + text, $0.record, $0.actions) }
                previous = text
                continue
            case .parameter(let parameter): name = parameter
            case .anything, .catchall: name = ""
            }
            let values = candidates(name, after: previous)
            paths = paths.flatMap { path in
                values.map { (path.uri + "/" + $0.value, max(path.record, $0.record), path.actions ?? nextActions($0.value)) }
            }
        }
        let route = Self.key(method, path)
        let api = path.first == .constant("api")
        let proposalRoute = path.contains { $0 == .constant("proposals") || $0 == .constant("usulan") }
        let endsSession = Self.endsSession(Route(method: method, path: path))
        // On a proposal, the actions that would move it on; every action on the
        // other proposal routes (bulk); one plausible body elsewhere.
        func bodies(_ actions: [String]?, _ record: Addressed) -> [(query: String, body: Body)] {
            let actions = actions ?? (proposalRoute ? Self.actions : ["approve"])
            switch method {
            // Filters matter to lists and downloads, not to a record named in the path.
            case .GET: return record == .nothing ? [("", .none), (readQuery, .none)] : [("", .none)]
            case .DELETE: return [(writeQuery, .none)]
            default:
                if api { return actions.map { (writeQuery, .json(json(action: $0))) } + [(writeQuery, .csv(csv))] }
                var bodies: [(query: String, body: Body)] = actions.map { (writeQuery, .form(form(action: $0))) }
                let documents = path.contains(.constant("dokumen"))
                // Every import kind where no record is named (the import page); one elsewhere.
                for kind in documents ? ["ktp"] : record == .nothing ? ["registry", "proposals", "bpjs_result"] : ["proposals"] {
                    var fields = form(action: actions[0])
                    fields.removeAll { $0.0 == "kind" }
                    fields.append(("kind", kind))
                    bodies.append((writeQuery, .multipart(fields, file: documents ? png : Data(csv.utf8),
                                                         fileName: documents ? "ktp.png" : "lintas.csv")))
                }
                return bodies
            }
        }
        return paths.flatMap { path in
            let all = bodies(path.actions, path.record)
            return (endsSession ? Array(all.prefix(1)) : all).map { query, body in
                Probe(route: route, method: method, uri: (path.uri.isEmpty ? "/" : path.uri) + query, body: body,
                      addresses: path.record, sent: ((path.uri + query) + " " + Self.text(of: body)).lowercased(),
                      endsSession: endsSession)
            }
        }
    }

    // MARK: Bodies

    /// The Pekalongan NIKs the sweep's bodies carry.
    var sweepNIKs: [String] { [CrossRegionFixture.pekalonganNIKs[0], CrossRegionFixture.pekalonganNIKs[2]] }

    /// One body per workflow action, so each transition is tried.
    static let actions = ["submit", "verify", "return", "reject", "approve", "register", "activate", "end"]

    func nextActions(_ value: String) -> [String]? {
        UUID(uuidString: value).flatMap { fixture.nextActions[$0] }
    }

    var readQuery: String {
        let id = fixture.program.id!.uuidString
        return "?program=\(id)&programID=\(id)&q=Siti&status=submitted&format=csv&pemda=33.75&region=33.75&village=33.75.01.1002"
            + "&actor=medono.rt&action=proposal&entity=proposal&entityId=\(fixture.proposalIDs[0])&search=pkl"
    }

    let writeQuery = "?pemda=33.75&dryRun=false&fileName=lintas.csv"

    /// A roster naming Pekalongan's people, in Pekalongan's village, with
    /// the columns of every import (proposals, registry, BPJS's results).
    var csv: String {
        "NIK;Nama;Pekerjaan;Kelurahan;RT;RW;Ahli waris;No HP;No KPJ;Tanggal Mulai\n" + sweepNIKs.map {
            "\($0);Nama Palsu;batik_labourer;33.75.01.1002;3;5;Ahli Palsu;089999999999;12345678901;2027-01-01\n"
        }.joined()
    }

    var png: Data { Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9, 9, 9]) }

    static func reason(_ action: String) -> String {
        switch action {
        case "reject": "duplicate"
        case "end": "moved"
        default: "other"
        }
    }

    /// Every field any JSON operation reads, aimed at Pekalongan: the
    /// decoder takes what the route needs.
    func json(action: String) -> String {
        let f = fixture, program = f.program.id!.uuidString
        let object: [String: Any] = [
            "programID": program, "program": program, "nik": CrossRegionFixture.pekalonganNIKs[0], "name": "Nama Palsu",
            "village": "33.75.01.1002", "rt": "003", "rw": "005", "occupation": "batik_labourer", "phone": "089999999999",
            "street": "Jl. Palsu", "heirs": [["name": "Ahli Palsu", "relation": "istri"]], "submit": true, "confirmWarnings": true,
            "action": action, "reason": Self.reason(action), "note": "uji lintas wilayah", "kpj": "12345678901", "startDate": "2027-01-01",
            "ids": f.proposalIDs.map(\.uuidString), "code": "pkl-palsu", "regency": "33.75", "startMonth": "2027-01",
            "endMonth": "2027-12", "quota": 5, "legalBasis": "Palsu", "benefits": ["JKK"], "occupations": ["batik_labourer"],
            "count": 5, "username": "penyusup", "displayName": "Penyusup", "password": "rahasia-sekali-2",
            "grants": [["role": "operator", "region": "33.75"]], "role": "operator", "region": "33.75", "days": 30,
            "description": "Palsu", "risk": 1, "isActive": false, "page": 1, "size": 50,
            // Claims: a report of Pekalongan's registered participant, a search by NIK, a step, an heir, a payment.
            "proposalID": f.proposalIDs[4].uuidString, "kind": "death", "eventDate": "2026-11-19", "place": "Pasar Palsu", "account": "uji",
            "query": CrossRegionFixture.pekalonganNIKs[4], "bpjsClaimNumber": "JKK-PALSU", "relation": "istri", "paidOn": "2026-11-01",
            "amount": 1000, "heirID": f.claimHeirID.uuidString, "schoolYear": 2026, "payee": "RS Palsu",
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Every field any page's form reads, aimed at Pekalongan (the CSRF token is added when sent).
    func form(action: String) -> [(String, String)] {
        let f = fixture, program = f.program.id!.uuidString
        return [
            ("programID", program), ("program", program), ("nik", CrossRegionFixture.pekalonganNIKs[0]), ("name", "Nama Palsu"),
            ("phone", "089999999999"), ("street", "Jl. Palsu"), ("occupation", "batik_labourer"), ("heirName", "Ahli Palsu"),
            ("heirRelation", "istri"), ("submit", "1"), ("confirmWarnings", "1"), ("action", action), ("reason", Self.reason(action)),
            ("note", "uji lintas wilayah"), ("kpj", "12345678901"), ("startDate", "2027-01-01"), ("count", "5"),
            ("code", "pkl-palsu"), ("regency", "33.75"), ("startMonth", "2027-01"), ("endMonth", "2027-12"), ("quota", "5"),
            ("legalBasis", "Palsu"), ("username", "penyusup"), ("displayName", "Penyusup"), ("password", "rahasia-sekali-2"),
            ("role", "operator"), ("region", "33.75"), ("active", "0"), ("oldPassword", "bukan-kata-sandi"),
            ("newPassword", "rahasia-sekali-3"), ("confirmPassword", "rahasia-sekali-3"), ("kind", "ktp"), ("pemda", "33.75"),
            ("dryRun", "0"), ("days", "30"), ("description", "Palsu"), ("risk", "1"), ("isActive", "0"),
            ("q", CrossRegionFixture.pekalonganNIKs[4]), ("proposalID", f.proposalIDs[4].uuidString), ("eventDate", "2026-11-19"),
            ("place", "Pasar Palsu"), ("account", "uji"), ("relation", "istri"), ("bpjsClaimNumber", "JKK-PALSU"), ("paidOn", "2026-11-01"),
            ("amount", "1000"), ("heirID", f.claimHeirID.uuidString), ("schoolYear", "2026"), ("payee", "RS Palsu"),
        ] + f.proposalIDs.map { ("ids[]", $0.uuidString) }
    }

    static func text(of body: Body) -> String {
        switch body {
        case .none: ""
        case .json(let text), .csv(let text): text
        case .form(let fields), .multipart(let fields, _, _): fields.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
    }

    static let boundary = "payunglintaswilayah"

    static func multipart(_ fields: [(String, String)], file: Data, fileName: String) -> ByteBuffer {
        var body = ByteBuffer()
        for (k, v) in fields { body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n") }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
                         + "Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    static func urlEncoded(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&"))
    }

    // MARK: Sending and judging

    /// What a sweep found: problems grouped by route, status and kind, with
    /// who met them and one request that shows it; the routes that answered 2xx.
    struct Outcome: Sendable {
        var findings: [String: (callers: Set<String>, example: String)] = [:]
        var successes: [String: Set<String>] = [:]
        var count = 0

        mutating func merge(_ other: Outcome) {
            for (problem, found) in other.findings {
                findings[problem, default: ([], found.example)].callers.formUnion(found.callers)
            }
            successes.merge(other.successes) { $0.union($1) }
            count += other.count
        }
    }

    /// Calls every route as `intruder`, judging each reply.
    func sweep(_ app: Application, _ routes: [Route], as intruder: CrossRegionFixture.Intruder) async throws -> Outcome {
        var intruder = intruder, outcome = Outcome()
        for route in routes {
            for probe in probes(route.method, route.path) {
                let reply = try await send(app, probe, as: intruder)
                outcome.count += 1
                for (problem, example) in judge(probe, reply, intruder) {
                    outcome.findings[problem, default: ([], example)].callers.insert(intruder.label)
                }
                if reply.status.code < 300 { outcome.successes[intruder.label, default: []].insert(probe.route) }
                // Signing out (or in) ends the session: sign in again for the next request.
                if probe.endsSession, let username = intruder.username {
                    intruder.browser = try await BrowserSession.login(app, username)
                }
            }
        }
        return outcome
    }

    func send(_ app: Application, _ probe: Probe, as intruder: CrossRegionFixture.Intruder) async throws -> Reply {
        let api = probe.uri.hasPrefix("/api/")
        var headers = HTTPHeaders()
        if api, let token = intruder.token {
            headers.add(name: .authorization, value: "Bearer \(token)")
        } else if !api, let browser = intruder.browser {
            headers = browser.headers
        }
        let csrf = [("_csrf", intruder.browser?.csrf ?? "")]
        var body: ByteBuffer?
        switch probe.body {
        case .none: break
        case .json(let text):
            headers.contentType = .json
            body = ByteBuffer(string: text)
        case .csv(let text):
            headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            body = ByteBuffer(string: text)
        case .form(let fields):
            headers.contentType = .urlEncodedForm
            body = Self.urlEncoded(csrf + fields)
        case .multipart(let fields, let file, let fileName):
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(Self.boundary)")
            body = Self.multipart(csrf + fields, file: file, fileName: fileName)
        }
        var reply: Reply?
        try await app.testing().test(probe.method, probe.uri, headers: headers, body: body) { res in
            reply = Reply(status: res.status, headers: res.headers, body: res.body)
        }
        return reply!
    }

    /// A reply as text: spreadsheets are opened and their cells read.
    static func readable(_ reply: Reply) -> String {
        let data = Data(buffer: reply.body)
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]),
           let sheet = try? TabularFile.read(data: data, fileName: "reply.xlsx") {
            return sheet.rows.map { $0.cells.joined(separator: "\t") }.joined(separator: "\n")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The largest `total` or `count` of a JSON answer, or N of a page's "N usulan".
    static func proposalCount(in text: String) -> Int? {
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
            func counts(_ value: Any) -> [Int] {
                if let dictionary = value as? [String: Any] {
                    return dictionary.flatMap { key, value in
                        (["total", "count"].contains(key) ? [(value as? Int) ?? 0] : []) + counts(value)
                    }
                }
                return (value as? [Any])?.flatMap(counts) ?? []
            }
            return counts(object).max()
        }
        let numbers = text.matches(of: /([0-9]+) usulan/).compactMap { Int($0.output.1) }
        return numbers.max()
    }

    /// What is wrong with `reply` to `probe` sent by `intruder`; empty when nothing is.
    func judge(_ probe: Probe, _ reply: Reply, _ intruder: CrossRegionFixture.Intruder) -> [(problem: String, example: String)] {
        let f = fixture
        let text = Self.readable(reply), lower = text.lowercased()
        let compact = text.filter { !" -.\u{00A0}".contains($0) }
        var problems: [String] = []
        if reply.status.code >= 500 { problems.append("answered \(reply.status.code)") }
        var context: Substring?
        func shows(_ marker: String, in haystack: String, _ problem: String) {
            guard let range = haystack.range(of: marker) else { return }
            problems.append(problem)
            let from = haystack.index(range.lowerBound, offsetBy: -150, limitedBy: haystack.startIndex) ?? haystack.startIndex
            let to = haystack.index(range.upperBound, offsetBy: 150, limitedBy: haystack.endIndex) ?? haystack.endIndex
            context = context ?? haystack[from..<to]
        }
        for marker in CrossRegionFixture.personalData { shows(marker, in: text, "shows \"\(marker)\"") }
        for nik in CrossRegionFixture.pekalonganNIKs where !probe.sent.contains(nik) {
            shows(nik, in: compact, "shows the NIK \(nik)")
            // The NIK the sweep sends comes back masked in the intruders' own audit rows:
            // only the NIKs it never sends are looked for masked.
            if !sweepNIKs.contains(nik) { shows("********" + nik.suffix(4), in: text, "shows the masked NIK of \(nik)") }
        }
        let ids = f.proposalIDs + f.workerIDs + f.tokenIDs + f.grantIDs + f.users.values.map { $0.id! } + [f.documentID, f.importRunID, f.jobID]
            + f.claimIDs + [f.claimHeirID, f.claimDocumentID]
        for id in ids.map({ $0.uuidString.lowercased() }) where !probe.sent.contains(id) {
            shows(id, in: lower, "shows the Pekalongan id \(id)")
        }
        for name in CrossRegionFixture.usernames.values where !probe.sent.contains(name) {
            shows(name, in: lower, "shows the Pekalongan user \(name)")
        }
        if Data(buffer: reply.body).range(of: Data(f.documentBytes)) != nil { problems.append("serves the KTP photo") }
        if Data(buffer: reply.body).range(of: Data(CrossRegionFixture.claimDocumentBytes)) != nil { problems.append("serves a claim document") }
        if lower.contains("tertimpa karung batik") || lower.contains("0123000157") { problems.append("shows a claim's details") }
        // The intruders hold no proposals at all (the sweep checks it): any count of them is Pekalongan's.
        if reply.status.code < 300, let counted = Self.proposalCount(in: text), counted > 0,
           probe.route.contains("proposals") || probe.route.contains("usulan") || probe.route.contains("inbox") {
            problems.append("counts \(counted) proposals")
        }
        let open = CrossRegionTests.openToAnySignedInUser.contains(probe.route)
        // A program is the Pemda's: its own staff elsewhere may read it (never its people).
        let held = probe.addresses == .person || (probe.addresses == .pemda && intruder.pemda != "33.75")
        if reply.status.code < 300 && held && !open { problems.append("answered 2xx for a Pekalongan record") }
        if intruder.signedIn {
            let signIn = probe.route.hasSuffix(" /masuk")
            if reply.status == .unauthorized && !signIn { problems.append("signed out: the sweep lost its credentials") }
            if lower.contains("csrf_invalid") || text.contains("Formulir kedaluwarsa") { problems.append("CSRF refused: the sweep's form was not judged") }
            if reply.status.code / 100 == 3, reply.headers.first(name: .location)?.hasPrefix("/masuk") == true, !probe.endsSession {
                problems.append("sent to sign in: the sweep lost its session")
            }
            if open && probe.method == .GET && reply.status.code >= 300 { problems.append("refused a route open to any signed-in user") }
        }
        let example = "\(probe.method.rawValue) \(probe.uri) [\(Self.text(of: probe.body).prefix(60))]: \(context ?? text.prefix(200))"
        return problems.map { ("\(probe.route) -> \(reply.status.code): \($0)", example) }
    }
}




