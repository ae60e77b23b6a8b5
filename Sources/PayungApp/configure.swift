import Fluent
import Leaf
import Vapor

/// Wires databases, migrations, views, middleware and routes. The entry point
/// and the tests both call this.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.directory = DirectoryConfiguration(workingDirectory: config.rootDirectory)
    try checkResources(app.directory)

    try app.useDatabase(config.database, logSQL: config.logSQL)
    app.migrations.add(Migrations.all)
    if config.opensDatabase { try await app.prepareDatabase(config.database) }

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.sessions.use(.fluent)
    app.sessions.configuration = .init(cookieName: "payung_session") { id in
        HTTPCookies.Value(string: id.string, expires: nil, maxAge: nil, path: "/",
                          isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(strictTransport: config.secureCookies))
    app.middleware.use(ErrorPresentationMiddleware())
    app.middleware.use(MethodNotAllowedMiddleware())
    app.middleware.use(StaticCacheMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(ActorMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.routes.defaultMaxBodySize = "1mb"
    // Pages, JSON and CSV travel compressed to phones on poor signal; request
    // bodies are never decompressed (no gzip bomb through an upload).
    app.http.server.configuration.responseCompression = .enabledForCompressibleTypes
    app.http.server.configuration.requestDecompression = .disabled

    app.jobs = JobRunner(persistsProgress: config.database != .sqliteMemory)
    await ImportJobs.register(on: app.jobs)
    await BillingController.register(on: app.jobs)
    if config.sweepsJobs { app.lifecycle.use(JobSweeperLifecycle()) }
    app.rateLimiters = RateLimiters()
    app.trustedProxies = config.trustedProxies
    registerRoutes(app)
    registerCommands(app)
}

/// Templates and static files must be there before the first request.
private func checkResources(_ directory: DirectoryConfiguration) throws {
    for required in [directory.viewsDirectory + "layout.leaf", directory.publicDirectory + "css/payung.css"] {
        guard FileManager.default.fileExists(atPath: required) else {
            throw ConfigurationError(description: "Missing \(required): run Payung from the project folder or set PAYUNG_ROOT")
        }
    }
}

func registerRoutes(_ app: Application) {
    let protected = app.routes.grouped(RequireAuthenticationMiddleware())
    let api = APIRouter(app: app, publicRoutes: app.routes, protectedRoutes: protected)
    let web = app.routes
    SystemController().register(api: api, root: app.routes)
    RegionController().register(api: api, web: web)
    NIKController().register(api: api, web: protected)
    HomeController().register(web: web)
    SessionController().register(public: web, protected: protected)
    AccessAPIController().register(api: api)
    UserAdminController().register(protected: protected)
    AuditController().register(protected: protected)
    ProgramAPIController().register(api: api)
    ProposalAPIController().register(api: api)
    ProposalWebController().register(protected: protected)
    ProgramWebController().register(protected: protected)
    OccupationController().register(api: api, web: protected)
    WorkerDocumentController().register(protected: protected)
    ImportController().register(protected: protected)
    ExportController().register(protected: protected)
    ImportAPIController().register(api: api)
    JobController().register(api: api)
    CoverageController().register(api: api, web: protected)
    BillingController().register(api: api, web: protected)
    PaymentController().register(api: api, web: protected)
    ClaimController().register(api: api, web: protected)
    DashboardController().register(api: api, web: protected)
    AbsorptionController().register(api: api, web: protected)
    ReconciliationController().register(api: api, web: protected)
    ProgramSettingsController().register(api: api, web: protected)
    OnboardingController().register(api: api, protected: protected)
    ActivationController().register(public: web)
    BudgetPlannerController().register(api: api, web: protected)
    SponsorController().register(api: api, web: protected)
    TariffController().register(api: api, web: protected)
}

func registerCommands(_ app: Application) {
    app.asyncCommands.use(PayungMigrateCommand(), as: "migrate")
    app.asyncCommands.use(RegionsCommand(), as: "regions")
    app.asyncCommands.use(NIKCommand(), as: "nik")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(TokenCommand(), as: "token")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(BPJSCommand(), as: "bpjs")
    app.asyncCommands.use(CoverageCommand(), as: "coverage")
    app.asyncCommands.use(BillingCommand(), as: "billing")
    app.asyncCommands.use(BudgetCommand(), as: "budget")
}

/// Every migration, in order. Migrations are history: never edit one that shipped.
enum Migrations {
    static let all: [any Migration] = [
        CreateRegions(),
        SessionRecord.migration,
        CreateUsers(),
        CreateAuditEvents(),
        CreatePrograms(),
        CreateRegistry(),
        CreateProposals(),
        SeedOccupations(),
        CreateWorkerDocuments(),
        CreateImportRuns(),
        HoldWorkersPerPemda(),
        CreateBPJSMemberships(),
        CreateOccupationAliases(),
        CreatePremiums(),
        AddRequiredDocuments(),
        CreateActivationCodes(),
        CreateJobs(),
        AddParticipationEndDate(),
        CreateBilling(),
        CreatePayments(),
        CreateReconciliations(),
        CreateClaims(),
    ]
}
