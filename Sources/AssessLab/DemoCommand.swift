import ArgumentParser
import Assessment
import AssessmentAPI
import AssessmentStore
import CommandSupport
import Foundation
import Hummingbird
import HummingbirdTLS
import JobQueue
import Logging
import NIOSSL
import Notify
import NotifyTesting
import PostgresNIO
import PostgresSupport
import ServiceLifecycle
import Synchronization
import Workers
import Workflow

/// `assess demo`: the main job. One process runs what production runs as several (coordinator,
/// worker pool, HTTPS API) plus a local HTTPS receiver standing in for a platform's notification
/// gateway, then plays a season through the API on a compressed clock and sums it up.
public struct DemoCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a whole assessment season through the HTTPS API, on DATABASE_URL or on a throwaway local PostgreSQL when it is unset.")

    static let institutionID = "sh-creators-title-office"
    static let skillsInstitutionID = "sh-media-skills-centre"
    /// A debug build hashes a production-strength password in about a second per core; the
    /// demo's hundreds of registrations would take minutes.
    static let passwordRoundsLog2 = 12

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Applicants in the season: two thirds apply for a title, one third for a skill level (20 to 1000).") var applicants = 300
    @Option(help: "Seconds in one day of the rounds' clock (1 to 60): scoring deadlines, the public notice and the appeal window.")
    var daySeconds = 2
    @Option(help: "Seed for the people and the panels (default: random, printed).") var seed: UInt64?
    @Option(help: "Port of the HTTPS API (0: any free port).") var port = 0
    @Flag(help: "Keep the API, the workers and the coordinator running after the summary, until Ctrl-C.") var keepRunning = false

    public func validate() throws {
        guard (20...1_000).contains(applicants) else { throw ValidationError("--applicants must be 20 to 1000") }
        guard (1...60).contains(daySeconds) else { throw ValidationError("--day-seconds must be 1 to 60") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    public init() {}

    public func run() async throws {
        let logger = try database.logger(label: "assess.demo", quietest: .error)
        let started = ContinuousClock.now
        let seed = self.seed ?? UInt64.random(in: 1...UInt64(Int64.max))
        let keys = try DemoKeys()
        let material = try DemoTLS()
        defer { material.remove() }
        let options = self
        say("assess demo: a season of professional title evaluation and skills certification, played through the HTTPS API")
        say("  seed \(seed); \(applicants) applicants; one day of the rounds' clock lasts \(daySeconds) s")
        say("  passwords hashed with scrypt N = 2^\(Self.passwordRoundsLog2) to keep the demo short (production: N = 2^15)")
        for note in keys.notes { say("  \(note)") }
        // The demo's receiver stands in for a platform's gateway on this machine: the one internal host it may reach.
        var endpoints = try EndpointPolicy.fromEnvironment()
        endpoints.allowedHosts.insert("localhost")
        let notify = NotifyConfiguration(endpoints: endpoints)
        try await DeliveryHTTP.with(configuration: notify) { http in
            let parts = DemoServices.Slot()
            let listenURL = try options.database.listenURL
            try await database.withDatabase(
                allowEmbedded: true, durability: .throwaway, prelude: .migrate, maximumConnections: 40, signals: [.sigint, .sigterm],
                logger: logger,
                services: { client, url in
                    let workflow = Workflow(
                        client: client, vault: keys.vault, signer: keys.signer, passwordRounds: 1 << Self.passwordRoundsLog2,
                        logger: logger)
                    let notifier = Notifier(client: client, secrets: keys.secrets, configuration: notify, logger: logger)
                    let services = try DemoServices(
                        client: client, wakeUps: try JobWorkerPool.WakeUps.forDatabase(url, listenURL: listenURL, logger: logger),
                        workflow: workflow, notifier: notifier, http: http, tls: material, apiPort: options.port, logger: logger)
                    parts.fill(services)
                    return services.list
                }
            ) { client, url in
                let services = try parts.get()
                let (workflow, notifier) = (services.workflow, services.notifier)
                let embedded = (options.database.databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty
                say(
                    "  database: \(embedded ? "a throwaway local PostgreSQL (removed at exit)" : "DATABASE_URL, \(url.place)")"
                )
                let runStart = try await client.scalarDate("SELECT now()")
                let (apiPort, receiverPort) = try await services.ports()
                let base = "https://localhost:\(apiPort)"
                say("  API \(base), notification receiver https://localhost:\(receiverPort)/hook (TLS from a development CA)\n")
                let issue: @Sendable (String, String) async throws -> String = { role, subject in
                    try await workflow.issueToken(role: Principal.Role(rawValue: role)!, subject: subject, validFor: .seconds(86_400))
                }
                let cast = try DemoCast(applicants: options.applicants, startDate: DemoSeason.seasonStart, seed: seed)
                let subscriptionID = try await DemoAPI.with(base: base, trustRootPEM: material.caPEM) { api in
                    // The operator's part: a platform's gateway subscribed to everything.
                    let subscription = try await api.send(
                        .POST, "/v1/subscriptions", token: try await issue("bureau", "demo-operator"),
                        json: [
                            "url": "https://localhost:\(receiverPort)/hook", "recipient": "*", "trustRootsPEM": material.caPEM,
                        ]
                    ).body
                    services.receiver.setSecrets([subscription["secret"] as? String ?? ""])
                    let subscriptionID = (subscription["id"] as? NSNumber)?.int64Value ?? 0

                    let season = DemoSeason(
                        api: api, cast: cast,
                        startDate: DemoSeason.seasonStart, daySeconds: options.daySeconds, seed: seed, issueToken: issue)
                    let (facts, _) = try await season.play()
                    let delivered = try await Self.waitForDeliveries(
                        client, subscription: subscriptionID, since: runStart, receiver: services.receiver)
                    let audit = try await Self.sealAndVerifyAudit(client, logger: logger)
                    try await DemoSummary(
                        client: client, facts: facts, since: runStart, subscription: subscriptionID, receiver: services.receiver,
                        deliverySeconds: delivered, audit: audit, seconds: ((ContinuousClock.now - started) / .seconds(1))
                    ).print()
                    Self.whatNext(facts: facts, base: base, material: material, keepRunning: options.keepRunning)
                    return subscriptionID
                }
                if options.keepRunning {
                    // A resident who applied for a title: their page lists it, with its stages and result.
                    let applicant = cast.people.first { $0.documentKind == "resident_id" && $0.track == .title } ?? cast.people[0]
                    try material.writeTokens([
                        "ASSESS_DEMO_INSTITUTION_TOKEN": try await issue("institution", Self.institutionID),
                        "ASSESS_DEMO_SKILLS_INSTITUTION_TOKEN": try await issue("institution", Self.skillsInstitutionID),
                        "ASSESS_DEMO_BUREAU_TOKEN": try await issue("bureau", "demo-officer"),
                        "ASSESS_DEMO_REVIEWER_TOKEN": try await issue("reviewer", "rev-001"),
                        "ASSESS_DEMO_OPERATOR_TOKEN": try await issue("operator", "demo-operator"),
                        "ASSESS_DEMO_APPLICANT_DOCUMENT": applicant.documentNumber,
                        "ASSESS_DEMO_APPLICANT_PASSWORD": "'\(applicant.password)'",
                    ])
                    say("\nThe API keeps running at \(base); Ctrl-C ends the demo (and removes its database when it made one).")
                    say(
                        "The web console: \(base)/console (its certificate is signed by the demo's CA, \(material.caPath)); sign in with \(material.tokensPath):"
                    )
                    say("  an applicant (申请人, resident ID and password): ASSESS_DEMO_APPLICANT_DOCUMENT, ASSESS_DEMO_APPLICANT_PASSWORD")
                    say("  the bureau (results to confirm, certificates, the queue dashboard at /ops): ASSESS_DEMO_BUREAU_TOKEN")
                    say(
                        "  an institution (rounds, progress, dossiers, objections): ASSESS_DEMO_INSTITUTION_TOKEN or ASSESS_DEMO_SKILLS_INSTITUTION_TOKEN"
                    )
                    say("  a reviewer (blind cases to score; the season's are all scored): ASSESS_DEMO_REVIEWER_TOKEN")
                    say("  an operator (the queue dashboard at /ops, nothing of the evaluations): ASSESS_DEMO_OPERATOR_TOKEN")
                    try? await gracefulShutdown()
                    say("stopping: the API, the workers and the coordinator drain")
                } else {
                    try await notifier.deactivate(subscription: subscriptionID)
                }
            }
        }
    }

    /// Waits until every notification this run owed is dispatched and its delivery settled.
    static func waitForDeliveries(_ client: PostgresClient, subscription: Int64, since: Date, receiver: WebhookReceiver) async throws -> Double {
        let started = ContinuousClock.now
        let owed = try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE created_at >= \(since)")
        let bar = ProgressBar("notifications delivered over TLS to the platform's gateway", total: owed)
        while true {
            let (undispatched, pending, settled) = try await client.triple(
                """
                SELECT (SELECT count(*)::int FROM notification_outbox WHERE created_at >= \(since) AND dispatched_at IS NULL),
                       (SELECT count(*)::int FROM notification_deliveries WHERE subscription_id = \(subscription) AND state = 'pending'),
                       (SELECT count(*)::int FROM notification_deliveries WHERE subscription_id = \(subscription) AND state <> 'pending')
                """)
            bar.update(settled)
            if undispatched == 0 && pending == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        bar.finish("\(receiver.badSignatures) bad signatures")
        return ((ContinuousClock.now - started) / .seconds(1))
    }

    static func sealAndVerifyAudit(_ client: PostgresClient, logger: Logger) async throws -> AuditLog.Verification {
        while try await AuditLog.pending(client: client, logger: logger) > 0 {
            if try await AuditLog.seal(client: client, logger: logger) == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        return try await client.withOpenConnection(logger: logger) { try await AuditLog.verify(on: $0, logger: logger) }
    }

    static func whatNext(facts: DemoSeason.Facts, base: String, material: DemoTLS, keepRunning: Bool) {
        say("\nWhat to try next")
        if let checked = facts.certificateChecked {
            if keepRunning {
                say("  curl --cacert \(material.caPath) '\(base)/v1/certificates/\(checked.number)?name=<holder>'   # the revoked certificate")
                say("  curl --cacert \(material.caPath) \(base)/openapi.json                           # every route")
                say(
                    "  tokens of the institution and the bureau: \(material.tokensPath) (source it, then curl -H \"Authorization: Bearer $ASSESS_DEMO_BUREAU_TOKEN\" …)"
                )
            } else {
                say("  assess demo --keep-running      # keeps the API and the web console (/console, /ops) up; then verify \(checked.number):")
                say(
                    "                                  # curl --cacert <ca.pem> 'https://localhost:<port>/v1/certificates/\(checked.number)?name=<holder>'"
                )
            }
        }
        say("  assess demo --applicants 1000 --day-seconds 1   # a larger season on a faster clock")
        say("  ops/test                                        # every test, on a throwaway PostgreSQL")
        say("  README.md: running coordinator, workers and API as separate processes; benchmarks")
    }
}

/// The keys of a demo: the deployment's when the environment has them, else throwaway ones.
struct DemoKeys {
    let vault: PersonalDataVault
    let secrets: SecretBox
    let signer: BureauSigner
    var notes: [String] = []

    init() throws {
        if let key = try PersonalDataVault.masterKey() {
            (vault, secrets) = (try PersonalDataVault(masterKey: key), try SecretBox(masterKey: key))
            notes.append("personal data sealed with ASSESS_DATA_KEY")
        } else {
            (vault, secrets) = (.ephemeral(), .ephemeral())
            notes.append("personal data sealed with a throwaway key (ASSESS_DATA_KEY is not set)")
        }
        if let signer = try BureauSigner.fromEnvironment() {
            self.signer = signer
            notes.append("certificates signed with ASSESS_BUREAU_KEY")
        } else {
            signer = .ephemeral()
            notes.append("certificates signed with a throwaway bureau key (ASSESS_BUREAU_KEY is not set)")
        }
    }
}

/// A development CA and a certificate for localhost, for the API and the receiver; the CA's
/// certificate is written to a private folder so that curl can trust it.
struct DemoTLS: Sendable {
    let caPEM: String
    let server: DevelopmentCA.Issued
    let folder: URL

    var caPath: String { folder.appendingPathComponent("ca.pem").path }
    var tokensPath: String { folder.appendingPathComponent("tokens.env").path }

    init() throws {
        let ca = try DevelopmentCA(name: "assess demo CA", days: 2)
        caPEM = try ca.certificatePEM
        server = try ca.issueServer(hosts: ["localhost", "127.0.0.1"], days: 2)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("assess-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(caPEM.utf8).write(to: URL(fileURLWithPath: caPath))
    }

    func writeTokens(_ tokens: [String: String]) throws {
        let text = tokens.sorted { $0.key < $1.key }.map { "export \($0.key)=\($0.value)\n" }.joined()
        guard FileManager.default.createFile(atPath: tokensPath, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tokensPath])
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    var serverTLS: TLSConfiguration {
        get throws { try WebhookReceiver.serverTLS(server) }
    }
}

/// What runs in the demo's process: the coordinator, a worker pool, the API over TLS and the
/// notification receiver.
struct DemoServices: Sendable {
    /// Where the services, made with the process's client, wait for the demo's body.
    final class Slot: Sendable {
        private let services = Mutex<DemoServices?>(nil)
        func fill(_ made: DemoServices) { services.withLock { $0 = made } }
        func get() throws -> DemoServices {
            guard let made = services.withLock({ $0 }) else { throw ValidationError("the demo's services were not made") }
            return made
        }
    }

    /// In the order they start; they stop in reverse.
    let list: [any Service]
    let workflow: Workflow
    let notifier: Notifier
    let receiver: WebhookReceiver
    private let apiPort: AsyncStream<Int>
    private let receiverPort: AsyncStream<Int>

    init(
        client: PostgresClient, wakeUps: (JobWorkerPool.WakeUps, PostgresClient?), workflow: Workflow, notifier: Notifier,
        http: DeliveryHTTP, tls: DemoTLS, apiPort port: Int, logger: Logger
    ) throws {
        let registry = WorkerHandlers.registry(workflow: workflow, notifier: notifier, http: http)
        let pool = JobWorkerPool(
            client: client, registry: registry,
            configuration: WorkerConfiguration(
                queues: [Workflow.queueName: 8, Workflow.signingQueueName: 2, NotifyConfiguration.queueName: 16], claimBatchSize: 50,
                pollInterval: .milliseconds(200), workerID: "demo-worker"), wakeUps: wakeUps.0, logger: logger)
        let coordinator = QueueCoordinator(
            client: client,
            configuration: CoordinatorConfiguration(
                coordinatorID: "demo-coordinator", tick: .milliseconds(250),
                cronSchedules: try Workflow.cronSchedules() + Notifier.cronSchedules()), logger: logger)
        let (apiPort, apiReady) = AsyncStream.makeStream(of: Int.self)
        let (receiverPort, receiverReady) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(workflow: workflow, notifier: notifier, logger: logger)
        let app = Application(
            router: server.router(), server: try .tls(.http1(), tlsConfiguration: try tls.serverTLS),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "assess"),
            onServerRunning: { apiReady.yield($0.localAddress?.port ?? 0) }, logger: logger)
        receiver = WebhookReceiver(tls: try tls.serverTLS, secrets: [], logger: logger)
        let hook = try receiver.service { receiverReady.yield($0) }
        // A listening client of its own (the database URL leads to a pooler) starts before the pool.
        list = [wakeUps.1].compactMap { $0 } + [coordinator, pool, app, hook]
        (self.workflow, self.notifier) = (workflow, notifier)
        (self.apiPort, self.receiverPort) = (apiPort, receiverPort)
    }

    /// The ports of the API and the receiver, once both listen.
    func ports() async throws -> (api: Int, receiver: Int) {
        var api = 0
        var receiver = 0
        for await port in apiPort {
            api = port
            break
        }
        for await port in receiverPort {
            receiver = port
            break
        }
        guard api > 0, receiver > 0 else { throw ValidationError("the API or the receiver did not start listening") }
        return (api, receiver)
    }
}

extension PostgresClient {
    func scalarDate(_ query: PostgresQuery) async throws -> Date {
        guard let value = try await first(query, as: Date.self) else { throw ValidationError("the query returned no row") }
        return value
    }

    func triple(_ query: PostgresQuery) async throws -> (Int, Int, Int) {
        for try await row in try await self.query(query).decode((Int, Int, Int).self) { return row }
        return (0, 0, 0)
    }
}
