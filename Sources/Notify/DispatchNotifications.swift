import Foundation
import JobQueue
import PostgresNIO

/// Fans undispatched outbox rows out to the subscriptions that want them: one delivery row and
/// one delivery job per pair, written with the rows' dispatch mark in one transaction, so that a
/// row is fanned out once whatever retries or concurrent dispatches happen.
public struct DispatchNotifications: JobArgs {
    public static let kind = "notify.dispatch"

    public init() {}

    /// Outbox rows per transaction.
    static let batch = 500

    struct Handler: JobHandler {
        let notifier: Notifier

        func handle(_ args: DispatchNotifications, context: JobContext) async throws {
            // Full batches commit on their own (each is complete in itself); the last one
            // completes the job.
            while try await notifier.transaction({ try await notifier.dispatchBatch(on: $0) }) == Self.batchSize {}
            try await context.withTransaction { _ = try await notifier.dispatchBatch(on: $0) }
        }

        static let batchSize = DispatchNotifications.batch
    }
}

extension Notifier {
    /// Dispatches up to one batch; returns how many outbox rows it took.
    func dispatchBatch(on connection: PostgresConnection) async throws -> Int {
        var taken = 0
        var deliveries: [Int64] = []
        for try await (rows, created) in try await connection.query(
            """
            WITH batch AS (
                SELECT id, recipient, event FROM notification_outbox
                WHERE dispatched_at IS NULL ORDER BY id LIMIT \(DispatchNotifications.batch) FOR UPDATE SKIP LOCKED
            ), marked AS (
                UPDATE notification_outbox o SET dispatched_at = now() FROM batch WHERE o.id = batch.id RETURNING o.id
            ), created AS (
                INSERT INTO notification_deliveries (outbox_id, subscription_id)
                SELECT b.id, s.id FROM batch b JOIN notification_subscriptions s
                  ON s.active
                 AND (s.recipient = b.recipient OR s.recipient = '*'
                      OR (right(s.recipient, 2) = ':*' AND starts_with(b.recipient, left(s.recipient, -1))))
                 AND (cardinality(s.events) = 0 OR b.event = ANY(s.events))
                ON CONFLICT (outbox_id, subscription_id) DO NOTHING
                RETURNING id
            )
            SELECT (SELECT count(*) FROM marked)::int, coalesce((SELECT array_agg(id ORDER BY id) FROM created), '{}')
            """, logger: logger
        ).decode((Int, [Int64]).self) {
            taken = rows
            deliveries = created
        }
        try await enqueueDeliveries(deliveries.map { ($0, 0) }, on: connection)
        return taken
    }

    /// One job per delivery and generation: a second enqueue of the same is a no-op.
    func enqueueDeliveries(_ deliveries: [(id: Int64, generation: Int)], on connection: PostgresConnection) async throws {
        guard !deliveries.isEmpty else { return }
        var hosts: [Int64: String] = [:]
        for try await (id, url) in try await connection.query(
            """
            SELECT d.id, s.url FROM notification_deliveries d JOIN notification_subscriptions s ON s.id = d.subscription_id
            WHERE d.id = ANY(\(deliveries.map(\.id)))
            """, logger: logger
        ).decode((Int64, String).self) {
            hosts[id] = URL(string: url)?.host?.lowercased()
        }
        let jobs = try deliveries.map {
            try NewJob(
                DeliverNotification(delivery: $0.id, host: hosts[$0.id]),
                options: EnqueueOptions(
                    queue: NotifyConfiguration.queueName, maxAttempts: configuration.maxAttempts, uniqueKey: "\($0.id):\($0.generation)"))
        }
        _ = try await queue.enqueue(jobs, on: connection)
    }
}
