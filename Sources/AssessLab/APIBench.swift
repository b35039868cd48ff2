import ArgumentParser
import Assessment
import AssessmentAPI
import AssessmentStore
import AsyncHTTPClient
import CommandSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Notify
import PostgresNIO
import ServiceLifecycle
import Workflow

/// `assess bench api`: sustained HTTP load on the API, in process, over loopback.
struct APIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract:
            "Load the HTTP API: N applicants register and submit applications, then N public certificate verifications; prints requests/s and p50/p99 per route."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Requests per phase.") var requests = 5_000
    @Option(help: "Requests in flight at once.") var connections = 32
    @Flag(help: "End with one JSON line.") var json = false

    /// 1980-01-01: applicants are born a day apart for every 900 of them.
    static let bornBase = CalendarDate(year: 1980, month: 1, day: 1)!.dayNumber

    func run() async throws {
        guard (1...1_000_000).contains(requests), (1...1_000).contains(connections) else {
            throw ValidationError("--requests must be 1 to 1000000 and --connections 1 to 1000")
        }
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let bench = self
        try await database.withDatabase(allowEmbedded: true, prelude: .migrate, maximumConnections: 60, logger: logger) { client, _ in
            let signer = BureauSigner.ephemeral()
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: signer, logger: logger)
            let notifier = Notifier(client: client, secrets: .ephemeral(), logger: logger)
            // One client address sends every request: the per-address look-up limit would measure itself.
            let server = APIServer(workflow: workflow, notifier: notifier, lookupsPerMinute: 1_000_000_000, logger: logger)
            let (ready, readySignal) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { readySignal.yield($0.localAddress?.port ?? 0) }, logger: logger)
            let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
            var httpConfiguration = HTTPClient.Configuration()
            httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: bench.connections)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var port = 0
                for await bound in ready {
                    port = bound
                    break
                }
                let base = "http://127.0.0.1:\(port)"
                try await workflow.addInstitution(id: "bench", name: "Bench institution")
                let round = try await workflow.openRound(
                    RoundDraft(
                        institutionID: "bench", name: "bench", track: .title, field: "cultural_relics_museums",
                        seed: 1, startDate: try RoundRecord.today(), closesOnDay: 100_000))
                let number = try await bench.oneCertificate(workflow, client: client, signer: signer, round: round, logger: logger)

                // The load's connections close before the server drains: they would hold it back.
                let (registered, applied, verified) = try await withHTTPClient(configuration: httpConfiguration) { http in
                    let registered = try await bench.load(http) { index in
                        let born = CalendarDate(dayNumber: Self.bornBase + index / 900)!  // 1980 onwards: 300 years of room
                        let digits = String(format: "310101%04d%02d%02d%03d", born.year, born.month, born.day, index % 900)
                        let body =
                            #"{"name": "Applicant \#(index)", "document": {"kind": "resident_id", "number": "\#(digits + String(IdentityDocument.checkCharacter(of: digits)))", "birthDate": "\#(born)"}, "education": "bachelor", "password": "bench password \#(index)", "consent": {"notice": \#(PrivacyNotice.current.version), "sensitiveData": true, "sharing": true}}"#
                        return (.POST, base + "/v1/applicants", nil, body, 201)
                    }
                    let tokens = registered.bodies.map { body in
                        ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["token"] as? String ?? ""
                    }
                    let applied = try await bench.load(http) { index in
                        (
                            .POST, base + "/v1/applications", tokens[index],
                            #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#, 201
                        )
                    }
                    let verified = try await bench.load(http) { _ in
                        (.GET, base + "/v1/certificates/\(number)?name=Certificate%20Holder", nil, nil, 200)
                    }
                    return (registered, applied, verified)
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                report(
                    """
                    bench api: \(bench.requests) requests per route, \(bench.connections) in flight, over loopback HTTP/1.1 keep-alive, \
                    server and load generator in one process on this machine
                    """,
                    [
                        "register_per_s": registered.perSecond, "register_p50_ms": registered.p50, "register_p99_ms": registered.p99,
                        "apply_per_s": applied.perSecond, "apply_p50_ms": applied.p50, "apply_p99_ms": applied.p99,
                        "verify_per_s": verified.perSecond, "verify_p50_ms": verified.p50, "verify_p99_ms": verified.p99,
                    ], json: bench.json)
            }
        }
    }

    struct Phase {
        let perSecond: Double
        let p50: Double
        let p99: Double
        let bodies: [String]
    }

    /// Sends `requests` requests, `connections` at once; every answer must have the expected status.
    func load(
        _ http: HTTPClient,
        _ make: @escaping @Sendable (Int) -> (HTTPMethod, String, String?, String?, Int)
    ) async throws -> Phase {
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: [(Int, Double, String)].self) { group in
            for lane in 0..<connections {
                group.addTask {
                    var done: [(Int, Double, String)] = []
                    var index = lane
                    while index < requests {
                        let (method, url, token, body, expected) = make(index)
                        var request = HTTPClientRequest(url: url)
                        request.method = method
                        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                        if let body {
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(string: body))
                        }
                        let sent = ContinuousClock.now
                        let response = try await http.execute(request, timeout: .seconds(30))
                        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                        guard Int(response.status.code) == expected else {
                            throw ValidationError("\(method) \(url) answered \(response.status.code): \(text)")
                        }
                        let elapsed = ContinuousClock.now - sent
                        done.append((index, Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000, text))
                        index += connections
                    }
                    return done
                }
            }
            var all: [(Int, Double, String)] = []
            for try await lane in group { all += lane }
            return all.sorted { $0.0 < $1.0 }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let latencies = results.map(\.1).sorted()
        func quantile(_ q: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * q))] }
        return Phase(perSecond: Double(requests) / seconds, p50: quantile(0.5), p99: quantile(0.99), bodies: results.map(\.2))
    }

    /// One issued certificate to verify: a passed application of a registered applicant.
    func oneCertificate(_ workflow: Workflow, client: PostgresClient, signer: BureauSigner, round: Int64, logger: Logger) async throws -> String {
        let born = CalendarDate(year: 1975, month: 5, day: 5)!
        let digits = "310101197505050001".prefix(17)
        let applicant = try await workflow.registerApplicant(
            ApplicantRegistration(
                name: "Certificate Holder",
                document: try IdentityDocument(
                    kind: .residentID, number: digits + String(IdentityDocument.checkCharacter(of: String(digits))), declaredBirthDate: born),
                employer: nil, profile: Applicant(birthDate: born, education: .bachelor), consent: .currentInFull))
        let application = try await workflow.apply(
            round: round, applicant: applicant,
            target: .title(series: "cultural_relics_museums", grade: .assistant, specialty: nil))
        return try await client.transaction(logger: logger) { connection in
            try await connection.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(application)", logger: logger)
            return try await workflow.store.issueCertificate(
                application: application, issuedOn: try born.adding(days: 365 * 51), rehearsal: false, signer: signer, on: connection)
        }
    }
}
