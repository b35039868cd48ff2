import AssessmentAPI
import AssessmentStore
import AsyncHTTPClient
import Foundation
import Hummingbird
import JobQueue
import Logging
import NIOCore
import NIOHTTP1
import Notify
import PostgresNIO
import ServiceLifecycle
import TestSupport
import Testing
import Workflow

/// A running API over a test database, and a client that talks to it over real HTTP.
struct API: Sendable {
    let base: String
    let http: HTTPClient
    let workflow: Workflow
    let client: PostgresClient
    let notifier: Notifier
    /// The server under test, for what it says of itself (its routes).
    let server: APIServer
    /// The clients webhook deliveries of a test's workers use.
    let delivery: DeliveryHTTP
    /// The served OpenAPI document, which every reply is checked against: each test of the API is
    /// also a test that the document tells the truth.
    var conformance: SchemaConformance?

    struct Reply: Sendable {
        let status: Int
        let body: String
        let contentType: String?
        /// The body's bytes, for replies that are files.
        var bytes: [UInt8] = []
        var contentLanguage: String?

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        /// The fields a problem names.
        var fields: [String] { (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
    }

    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        contentType: String = "application/json", forwardedFor: String? = nil, bytes: [UInt8]? = nil, acceptLanguage: String? = "en"
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        // The suite's assertions read English; Chinese, the default, is tested on its own.
        if let acceptLanguage { request.headers.add(name: "Accept-Language", value: acceptLanguage) }
        if let forwardedFor { request.headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let bytes {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        // Generous: beside forty suites on two cores (and a crashed child's backtracer) a request
        // can wait many seconds for a core; the tests assert what comes back, never how fast.
        let response = try await http.execute(request, timeout: .seconds(90))
        let body = try await response.body.collect(upTo: 1 << 22)
        let reply = Reply(
            status: Int(response.status.code), body: String(buffer: body), contentType: response.headers.first(name: "Content-Type"),
            bytes: Array(body.readableBytesView), contentLanguage: response.headers.first(name: "Content-Language"))
        for violation in conformance?.violations(
            method: method.rawValue, path: path, status: reply.status, contentType: reply.contentType,
            body: reply.body) ?? []
        {
            Issue.record("the reply disagrees with /openapi.json: \(violation)")
        }
        return reply
    }

    /// Runs `body` while a worker pool runs the workflow's and the notifier's jobs.
    func withWorkers(_ body: () async throws -> Void) async throws {
        var registry = JobRegistry()
        workflow.register(in: &registry)
        notifier.register(in: &registry, http: delivery)
        // The operators' probes, as `assess worker` runs them.
        registry.register(ProbeHandler())
        let pool = JobWorkerPool(
            client: client, registry: registry,
            configuration: WorkerConfiguration(
                queues: [Workflow.queueName: 4, Workflow.signingQueueName: 2, NotifyConfiguration.queueName: 4, "default": 4],
                pollInterval: .milliseconds(200), workerID: "api-test"), logger: Logger(label: "api-test"))
        try await withServices([pool], logger: Logger(label: "api-test")) { try await body() }
    }

    /// `trustedProxies` lets a test speak from several client addresses through `X-Forwarded-For`.
    static func with(trustedProxies: Set<String> = [], _ body: @escaping @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: .ephemeral(), passwordRounds: 1 << 10, logger: database.logger)
            // Cheap password hashes: the suite registers many applicants beside timing-sensitive tests.
            // The dead-letter test subscribes a local port nobody listens on: allowed here as an operator would.
            let notifier = Notifier(
                client: client, secrets: .ephemeral(),
                configuration: .init(endpoints: try EndpointPolicy(allowing: ["127.0.0.1"])), logger: database.logger)
            let server = APIServer(
                workflow: workflow, notifier: notifier,
                trustedProxies: trustedProxies, maxFileBytes: APIServer.fileBytes.lowerBound, scheme: "http",
                logger: database.logger)
            let (ready, readySignal) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { readySignal.yield($0.localAddress?.port ?? 0) }, logger: database.logger)
            // As many connections as a test's concurrent requests (twenty wrong passwords at once), and
            // as patient for one as for its answer: see `request`.
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
            configuration.timeout = .init(connect: .seconds(90))
            // A browser's redirect is what the console tests assert, so the client shows it instead of following it.
            configuration.redirectConfiguration = .disallow
            try await withHTTPClient(configuration: configuration) { http in
                try await DeliveryHTTP.with(configuration: notifier.configuration) { delivery in
                    try await withServices([app], logger: database.logger) {
                        var port = 0
                        for await bound in ready {
                            port = bound
                            break
                        }
                        var api = API(
                            base: "http://127.0.0.1:\(port)", http: http, workflow: workflow, client: client, notifier: notifier,
                            server: server, delivery: delivery)
                        let document = try #require(JSON.parse(try await api.request(.GET, "/openapi.json").body))
                        api.conformance = SchemaConformance(document: document)
                        try await body(api)
                    }
                }
            }
        }
    }
}

/// A resident ID with a valid check character, for a birth date and a sequence number.
func residentID(born: String, sequence: Int) -> String {
    let digits = "310101" + born.replacingOccurrences(of: "-", with: "") + String(format: "%03d", sequence % 1000)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(digits, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    return digits + String(Array("10X98765432")[sum % 11])
}

func registration(name: String = "Li Wei", born: String = "1990-03-01", sequence: Int = 1) -> String {
    #"{"name": "\#(name)", "document": {"kind": "resident_id", "number": "\#(residentID(born: born, sequence: sequence))", "birthDate": "\#(born)"}, "education": "bachelor", "password": "correct horse battery", "consent": {"notice": 1, "sensitiveData": true, "sharing": true}}"#
}

extension PostgresClient {
    /// The first column of the first row as text.
    func text(_ query: PostgresQuery) async throws -> String? {
        for try await value in try await self.query(query).decode(String?.self) { return value }
        return nil
    }
}
