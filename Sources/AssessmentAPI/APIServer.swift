import Foundation
import Hummingbird
import Logging
import Notify
import Workflow

/// The HTTP API over the workflow, one route collection per audience (in `Routes/`), and the web
/// console's pages beside it (in `Console/`). Every write
/// is a workflow command (one transaction with the jobs it sets off); every read checks that the
/// caller may see it. The router and `/openapi.json` are built from the same route descriptions.
public struct APIServer: Sendable {
    let workflow: Workflow
    let notifier: Notifier
    /// Proxies whose `X-Forwarded-For` names the client, from ASSESS_TRUSTED_PROXIES.
    let trustedProxies: Set<String>
    let metrics = APIMetrics()
    /// Public certificate look-ups per client address and minute.
    let lookups: ClientRateLimiter
    /// The most bytes of one evidence file.
    let maxFileBytes: Int
    /// The range of `maxFileBytes`: a scanned page at least, and no more than one request should carry.
    public static let fileBytes = 64 * 1024...100 * 1024 * 1024
    /// `https`, or `http` where this server speaks plain HTTP: the console's links that leave the
    /// browser (QR codes) name it unless ASSESS_PUBLIC_URL says where the public reaches us.
    let scheme: String
    /// Whether each request runs in a span of the process's tracer (see `TraceExport`).
    let tracing: Bool
    let logger: Logger

    /// `trustedProxies` are the addresses whose `X-Forwarded-For` names the client (nil: from
    /// ASSESS_TRUSTED_PROXIES, comma-separated); per-client sign-in limits need the real client.
    /// `maxFileBytes` is clamped to `fileBytes`. `tracing` adds Hummingbird's tracing middleware.
    public init(
        workflow: Workflow, notifier: Notifier, trustedProxies: Set<String>? = nil, lookupsPerMinute: Int = 60,
        maxFileBytes: Int = 20 * 1024 * 1024, scheme: String = "https", tracing: Bool = false, logger: Logger
    ) {
        self.scheme = scheme
        self.tracing = tracing
        self.lookups = ClientRateLimiter(limit: lookupsPerMinute, window: .seconds(60))
        self.maxFileBytes = min(max(maxFileBytes, Self.fileBytes.lowerBound), Self.fileBytes.upperBound)
        self.workflow = workflow
        self.notifier = notifier
        self.trustedProxies =
            trustedProxies
            ?? Set(
                (ProcessInfo.processInfo.environment["ASSESS_TRUSTED_PROXIES"] ?? "")
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        self.logger = logger
    }

    /// Every audience's routes, described.
    func audiences(document: ServedDocument) -> [Endpoints] {
        [
            OperatorRoutes(workflow: workflow, metrics: metrics, document: document).endpoints,
            PublicRoutes(workflow: workflow, trustedProxies: trustedProxies, lookups: lookups).endpoints,
            ApplicantRoutes(workflow: workflow, trustedProxies: trustedProxies).endpoints,
            PrivacyRoutes(workflow: workflow).endpoints,
            CorrectionRoutes(workflow: workflow).endpoints,
            MaterialRoutes(workflow: workflow, maxFileBytes: maxFileBytes).endpoints,
            ReviewerRoutes(workflow: workflow).endpoints,
            InstitutionRoutes(workflow: workflow).endpoints,
            ExpertRoutes(workflow: workflow).endpoints,
            SittingRoutes(workflow: workflow).endpoints,
            ReportRoutes(workflow: workflow).endpoints,
            CommitteeRoutes(workflow: workflow).endpoints,
            BureauRoutes(workflow: workflow).endpoints,
            SubscriptionRoutes(notifier: notifier).endpoints,
        ]
    }

    /// The router of an Application.
    public func router() -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        let table = RouteTable()
        // First, so that a request's span holds everything the others do, and continues the
        // caller's W3C trace into the jobs the request enqueues.
        if tracing { router.add(middleware: TracingMiddleware()) }
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware(routes: table))
        router.add(middleware: AuthenticationMiddleware(workflow: workflow))
        let document = ServedDocument()
        let audiences = audiences(document: document)
        for audience in audiences { router.addRoutes(audience.collection) }
        Console(
            workflow: workflow, notifier: notifier, trustedProxies: trustedProxies, lookups: lookups, maxFileBytes: maxFileBytes, scheme: scheme
        ).mount(on: router)
        document.publish(OpenAPIDocument.json(audiences.flatMap(\.operations)))
        table.load(router.routes.map(\.description))
        return router
    }

    /// The JSON API's routes, as `METHOD /path/{name}`, read from the router itself.
    public func routes() -> [String] {
        router().routes.map(\.description).filter { !Self.isConsolePage($0) }
    }

    /// The web console's pages, as `METHOD /path/{name}`, read from the router itself.
    public func consolePages() -> [String] {
        router().routes.map(\.description).filter(Self.isConsolePage)
    }

    /// Whether a route is one of the console's HTML pages rather than the JSON API's.
    static func isConsolePage(_ route: String) -> Bool {
        let path = route.split(separator: " ").last ?? ""
        return path == "/" || path.hasPrefix("/console") || path.hasPrefix("/ops")
    }
}
