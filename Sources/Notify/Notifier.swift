import AsyncHTTPClient
import Foundation
import JobQueue
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// Delivers the notification outbox to subscribed HTTPS endpoints, as queue jobs.
///
/// A statement that writes outbox rows asks for a dispatch job (trigger in migration 0008); the
/// dispatch fans each row out to the matching subscriptions as deliveries, one delivery job each;
/// a delivery job POSTs the signed notification and records the attempt. Certificate and hostname
/// verification are always on, TLS 1.2 at least, redirects are never followed (a redirect could
/// lead to plain HTTP), and a subscription can pin its own trust roots and present a client
/// certificate.
public struct Notifier: Sendable {
    public let client: PostgresClient
    public let configuration: NotifyConfiguration
    let queue: JobQueueClient
    let secrets: SecretBox
    let tlsCache = TLSCache()
    let logger: Logger

    /// A notifier: subscriptions and dead letters need only this; delivering needs the process's
    /// `DeliveryHTTP` too, given to `register(in:http:)`.
    public init(client: PostgresClient, secrets: SecretBox, configuration: NotifyConfiguration = .init(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.queue = JobQueueClient(client: client, logger: logger)
        self.secrets = secrets
        self.logger = logger
    }

    /// The handlers of dispatch, delivery (over `http`) and log pruning; their queue is
    /// `NotifyConfiguration.queueName`.
    public func register(in registry: inout JobRegistry, http: DeliveryHTTP) {
        registry.register(DispatchNotifications.Handler(notifier: self))
        registry.register(DeliverNotification.Handler(notifier: self, http: http))
        registry.register(PruneDeliveryLog.Handler(notifier: self))
    }

    /// What the coordinator runs for notifications: a dispatch every ten seconds (for rows whose
    /// transaction committed after their dispatch ran; with nothing waiting it is one index probe,
    /// and ten seconds is as late as such a row may go out) and an hourly pruning of the delivery log.
    public static func cronSchedules(configuration: NotifyConfiguration = .init()) throws -> [CronSchedule] {
        let options = EnqueueOptions(queue: NotifyConfiguration.queueName)
        return [
            try CronSchedule(name: "notify_sweep", expression: "*/10 * * * * *", timeZone: "UTC", args: DispatchNotifications(), options: options),
            try CronSchedule(
                name: "notify_prune_log", expression: "17 * * * *", timeZone: "UTC",
                args: PruneDeliveryLog(retentionSeconds: Int(configuration.logRetention.components.seconds)), options: options),
        ]
    }

    /// Client TLS every delivery starts from: verification of chain and host name, TLS 1.2 or later.
    static func baseTLS() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        return tls
    }

    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger, body)
    }
}

/// Parsed TLS settings per subscription version, so that a delivery neither re-parses PEM nor
/// defeats the HTTP client's connection reuse (its pools are keyed by TLS configuration).
final class TLSCache: Sendable {
    private let entries = Mutex<[Int64: (version: Date, tls: TLSConfiguration)]>([:])

    func configuration(subscription: Int64, version: Date, make: () throws -> TLSConfiguration) throws -> TLSConfiguration {
        if let cached = entries.withLock({ $0[subscription] }), cached.version == version { return cached.tls }
        let tls = try make()
        entries.withLock { $0[subscription] = (version, tls) }
        return tls
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Double { Double(nanoseconds) / 1_000_000 }
}
