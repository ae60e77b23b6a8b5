import Fluent
import Foundation
import PayungCore
import Vapor

/// `payung user create|list`: user administration from the server's shell.
struct UserCommand: AsyncCommandGroup {
    var help: String { "Users and roles" }
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand(), "list": UserListCommand()] }
}

struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "Login name: lower-case letters, digits, . _ -") var username: String?
        @Option(name: "name", help: "Full name (defaults to the username)") var name: String?
        @Option(name: "role", help: "rt, kelurahan, kecamatan, operator, kepala_dinas, bpjs, sponsor, admin, auditor") var role: String?
        @Option(name: "region", help: "Region code of the role's scope, e.g. 33.75 or 33.75.01.1002") var region: String?
        @Option(name: "rt", help: "RT number (rt role only)") var rt: String?
        @Option(name: "rw", help: "RW number (rt role only)") var rw: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input") var passwordStdin: Bool
        init() {}
    }

    var help: String { "Creates a user with one role: --username U --role R --region CODE [--rt 003 --rw 005] --password-stdin" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let username = signature.username, let role = signature.role, let region = signature.region else {
            throw CommandFailure("--username, --role and --region are required")
        }
        guard signature.passwordStdin else {
            throw CommandFailure("give the password on standard input with --password-stdin (never on the command line)")
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure("no password on standard input")
        }
        let app = context.application
        try await app.autoMigrate()
        let directory = UserDirectory(db: app.db, now: app.clock.now(), passwords: PasswordHashing(app: app))
        do {
            let user = try await directory.create(
                username: username, displayName: signature.name ?? username, password: line,
                grants: [GrantInput(role: role, region: region, rt: signature.rt, rw: signature.rw)],
                manager: nil, by: .cli("user create"))
            context.console.print("Created user \(user.username) (\(user.id!.uuidString)).")
        } catch let error as any DomainError {
            throw CommandFailure("\(error.message) [\(error.code)]")
        }
    }
}

struct UserListCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Lists users with their roles" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let users = try await UserModel.query(on: app.db).sort(\.$username).with(\.$grants).all()
        for user in users {
            let roles = user.grants.compactMap(\.coreGrant).map(\.label).joined(separator: "; ")
            context.console.print("\(user.username)\t\(user.isActive ? "aktif" : "nonaktif")\t\(user.displayName)\t\(roles)")
        }
        if users.isEmpty { context.console.print("No users yet. Create one with: payung user create ...") }
    }
}

/// `payung token create --username U [--days N]`: prints a new API token once.
struct TokenCommand: AsyncCommandGroup {
    var help: String { "API tokens" }
    var commands: [String: any AnyAsyncCommand] { ["create": TokenCreateCommand()] }
}

struct TokenCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: "Owner of the token") var username: String?
        @Option(name: "days", help: "Days until it expires (1 to 365, default 90)") var days: Int?
        @Option(name: "name", help: "What the token is for") var name: String?
        init() {}
    }

    var help: String { "Creates an API token and prints it once" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let username = signature.username else { throw CommandFailure("--username is required") }
        let app = context.application
        try await app.autoMigrate()
        guard let user = try await AccessQueries(db: app.db).user(username: username) else {
            throw CommandFailure("no user named \(username)")
        }
        let directory = UserDirectory(db: app.db, now: app.clock.now(), passwords: PasswordHashing(app: app))
        do {
            let (token, plain) = try await directory.createToken(for: user.id!, name: signature.name ?? "cli", days: signature.days ?? 90,
                                                                 manager: nil, by: .cli("token create"))
            context.console.output(plain, style: .plain)
            FileHandle.standardError.write(Data("Token for \(user.username), expires \(CalendarDate(token.expiresAt).indonesian). It is shown only this once.\n".utf8))
        } catch let error as any DomainError {
            throw CommandFailure("\(error.message) [\(error.code)]")
        }
    }
}
