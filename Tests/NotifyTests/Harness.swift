import Foundation
import JobQueue
import Logging
import NIOSSL
import Notify
import NotifyTesting
import PostgresNIO
import PostgresSupport
import ServiceLifecycle
import TestSupport
import Testing

/// Quick retries, so that a dead letter takes a second, not hours. A generous request timeout: the
/// tests count attempts, and on a loaded machine a debug build's TLS handshake alone can take seconds.
/// The receivers run on this machine, which an operator allows here as the demo does.
let fastConfiguration = NotifyConfiguration(
    maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300), maxRetryAfter: .seconds(5), requestTimeout: .seconds(10),
    endpoints: try! EndpointPolicy(allowing: ["localhost", "127.0.0.1"]))

/// A notifier over a test database, with a worker pool serving its queue while `body` runs.
func withNotifier(
    configuration: NotifyConfiguration = fastConfiguration,
    _ body: @escaping @Sendable (Notifier, PostgresClient, TestDatabase) async throws -> Void
) async throws {
    try await TestDatabase.with { client, database in
        let notifier = Notifier(client: client, secrets: .ephemeral(), configuration: configuration, logger: database.logger)
        try await DeliveryHTTP.with(configuration: configuration) { http in
            var registry = JobRegistry()
            notifier.register(in: &registry, http: http)
            let pool = JobWorkerPool(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    queues: [NotifyConfiguration.queueName: 8], claimBatchSize: 20, heartbeatInterval: .milliseconds(500),
                    pollInterval: .milliseconds(50), drainTimeout: .seconds(5), workerID: "notify-test"), logger: database.logger)
            try await withServices([pool], logger: database.logger) { try await body(notifier, client, database) }
        }
    }
}

/// Runs a receiver on `port` (0: any) while `body` runs; `body` gets its URL.
func withReceiver(
    _ receiver: WebhookReceiver, port: Int = 0, host: String = "localhost", logger: Logger, _ body: (String) async throws -> Void
) async throws {
    let (ready, readySignal) = AsyncStream.makeStream(of: Int.self)
    let service = try receiver.service(port: port) { readySignal.yield($0) }
    try await withServices([service], logger: logger) {
        var bound = port
        for await port in ready {
            bound = port
            break
        }
        try await body("https://\(host):\(bound)/hook")
    }
}

/// Owes one notification, as a workflow step would: the outbox row's trigger asks for a dispatch.
func owe(_ client: PostgresClient, key: String, recipient: String = "institution:inst", event: String = "result") async throws {
    try await client.query(
        """
        INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
        VALUES (\(key), \(recipient), \(event), jsonb_build_object('subject', 'application:7'))
        """)
}

func deliveryState(_ client: PostgresClient, key: String) async throws -> String? {
    for try await state in try await client.query(
        """
        SELECT d.state FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id WHERE o.idempotency_key = \(key)
        """
    ).decode(String.self) { return state }
    return nil
}

/// The test CA and a server certificate for localhost from it.
struct Certificates {
    let ca: DevelopmentCA
    let server: DevelopmentCA.Issued

    init() throws {
        ca = try DevelopmentCA()
        server = try ca.issueServer(hosts: ["localhost", "127.0.0.1"])
    }

    var caPEM: String { get throws { try ca.certificatePEM } }
}

/// Verifies a delivery with PyPI's `standardwebhooks`, the library a receiver would use, from the
/// virtual environment `ops/install-deps` makes. Returns "ok" or the name of the error it raised.
enum StandardWebhooksVerifier {
    static func verify(secret: String, body: [UInt8], headers: [String: String]) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assess-swh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(body).write(to: folder.appendingPathComponent("body"))
        try JSONSerialization.data(withJSONObject: headers).write(to: folder.appendingPathComponent("headers.json"))
        try Data(secret.utf8).write(to: folder.appendingPathComponent("secret"))
        let script = """
            import json, sys, pathlib
            from standardwebhooks import Webhook
            folder = pathlib.Path(sys.argv[1])
            try:
                Webhook(folder.joinpath("secret").read_text()).verify(folder.joinpath("body").read_bytes(),
                                                                     json.loads(folder.joinpath("headers.json").read_text()))
                print("ok")
            except Exception as error:
                print(type(error).__name__)
            """
        let data = try await TestPython.run(script, arguments: [folder.path]).output
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
