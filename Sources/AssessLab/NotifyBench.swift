import ArgumentParser
import CommandSupport
import Foundation
import JobQueue
import Logging
import Notify
import NotifyTesting
import PostgresNIO
import ServiceLifecycle

/// `assess bench notify`: signed HTTPS deliveries to a local receiver, end to end through the queue.
struct NotifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract:
            "Owe N notifications at once and deliver them over HTTPS (development CA) to a local receiver; print deliveries/s and request latency.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Notifications to deliver.") var deliveries = 5_000
    @Option(help: "Deliveries in flight at once.") var concurrency = 32
    @Flag(help: "End with one JSON line.") var json = false

    func run() async throws {
        guard deliveries > 0, concurrency > 0 else { throw ValidationError("--deliveries and --concurrency must be positive") }
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let bench = self
        let ca = try DevelopmentCA()
        let server = try ca.issueServer(hosts: ["localhost"])
        let caPEM = try ca.certificatePEM
        let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(server), secrets: [], logger: logger)
        try await database.withDatabase(allowEmbedded: true, prelude: .migrate, maximumConnections: 40, logger: logger) { client, _ in
            let notifier = Notifier(
                client: client, secrets: .ephemeral(), configuration: .init(endpoints: try EndpointPolicy(allowing: ["localhost"])),
                logger: logger)
            try await DeliveryHTTP.with(configuration: notifier.configuration) { http in
                var registry = JobRegistry()
                notifier.register(in: &registry, http: http)
                let pool = JobWorkerPool(
                    client: client, registry: registry,
                    configuration: WorkerConfiguration(
                        queues: [NotifyConfiguration.queueName: bench.concurrency], claimBatchSize: 200, pollInterval: .milliseconds(200),
                        workerID: "bench-notify"), logger: logger)
                let (ready, readySignal) = AsyncStream.makeStream(of: Int.self)
                let group = ServiceGroup(
                    services: [pool, try receiver.service { readySignal.yield($0) }], gracefulShutdownSignals: [], logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    var port = 0
                    for await bound in ready {
                        port = bound
                        break
                    }
                    let (_, secret) = try await notifier.subscribe(
                        SubscriptionRequest(
                            recipient: "institution:bench", url: "https://localhost:\(port)/hook", trustRootsPEM: caPEM))
                    receiver.setSecrets([secret])
                    let started = ContinuousClock.now
                    try await client.query(
                        """
                        INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
                        SELECT 'bench:' || n, 'institution:bench', 'result', jsonb_build_object('subject', 'application:' || n)
                        FROM generate_series(1, \(bench.deliveries)) AS n
                        """)
                    while try await client.scalar("SELECT count(*)::int FROM notification_deliveries WHERE state = 'delivered'") < bench.deliveries {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let seconds = ((ContinuousClock.now - started) / .seconds(1))
                    var latencies: [Double] = []
                    for try await latency in try await client.query("SELECT latency_ms FROM notification_attempts ORDER BY latency_ms").decode(
                        Double.self)
                    {
                        latencies.append(latency)
                    }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    report(
                        """
                        bench notify: \(bench.deliveries) notifications owed in one statement, dispatched and POSTed over TLS 1.2+ \
                        (signed, certificate and host name verified) to a local receiver that checks every signature; \
                        \(bench.concurrency) deliveries in flight; \(receiver.requests) requests, \(receiver.badSignatures) bad signatures
                        """,
                        [
                            "seconds": seconds, "deliveries_per_s": Double(bench.deliveries) / seconds,
                            "latency_p50_ms": percentile(latencies, 0.50), "latency_p99_ms": percentile(latencies, 0.99),
                        ], json: bench.json)
                }
            }
        }
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

extension PostgresClient {
    /// The first column of the first row, as a whole number.
    func scalar(_ query: PostgresQuery) async throws -> Int {
        try await first(query, as: Int.self) ?? 0
    }

    /// The first column of the first row, if a row came back.
    func first<Value: PostgresDecodable>(_ query: PostgresQuery, as: Value.Type) async throws -> Value? {
        for try await value in try await self.query(query).decode(Value.self) { return value }
        return nil
    }
}
