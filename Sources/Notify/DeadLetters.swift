import Foundation
import PostgresNIO

/// A delivery that gave up.
public struct DeadDelivery: Sendable, Codable, Equatable {
    public let id: Int64
    public let subscription: Int64
    public let event: String
    public let idempotencyKey: String
    public let attempts: Int
    public let lastError: String?
    public let finishedAt: Date?
}

/// One attempt in the delivery log.
public struct DeliveryAttempt: Sendable, Codable, Equatable {
    public let attempt: Int
    public let at: Date
    public let statusCode: Int?
    public let latencyMs: Double
    public let error: String?
}

extension Notifier {
    /// Dead-lettered deliveries in id order after `after`, at most `limit`; with `subscription`, only its.
    public func deadDeliveries(subscription: Int64? = nil, after: Int64 = 0, limit: Int = 100) async throws -> [DeadDelivery] {
        var dead: [DeadDelivery] = []
        for (id, subscription, event, key, attempts, error, finished) in try await client.guardedQuery(
            """
            SELECT d.id, d.subscription_id, o.event, o.idempotency_key, d.attempts, d.last_error, d.finished_at
            FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
            WHERE d.state = 'dead' AND d.id > \(after) AND (\(subscription)::bigint IS NULL OR d.subscription_id = \(subscription))
            ORDER BY d.id LIMIT \(min(max(limit, 1), 1_000))
            """, logger: logger
        ).decode((Int64, Int64, String, String, Int, String?, Date?).self) {
            dead.append(
                DeadDelivery(
                    id: id, subscription: subscription, event: event, idempotencyKey: key,
                    attempts: attempts, lastError: error, finishedAt: finished))
        }
        return dead
    }

    /// Sends dead-lettered deliveries again, each with a fresh set of attempts: the given ones, or
    /// with nil every dead one. Returns how many went back on the queue.
    @discardableResult
    public func redrive(_ ids: [Int64]?, subscription: Int64? = nil) async throws -> Int {
        try await transaction { connection in
            var revived: [(id: Int64, generation: Int)] = []
            for try await row in try await connection.query(
                """
                UPDATE notification_deliveries SET state = 'pending', generation = generation + 1, finished_at = NULL
                WHERE state = 'dead' AND (\(ids)::bigint[] IS NULL OR id = ANY(\(ids)))
                  AND (\(subscription)::bigint IS NULL OR subscription_id = \(subscription))
                RETURNING id, generation
                """, logger: logger
            ).decode((Int64, Int).self) {
                revived.append(row)
            }
            if let ids, revived.count < Set(ids).count {
                let missing = Set(ids).subtracting(revived.map(\.id)).sorted()
                throw NotifyError(
                    .notFound, "no dead delivery has the id \(missing.map(String.init).joined(separator: ", "))",
                    zh: "没有编号为 \(missing.map(String.init).joined(separator: "、")) 的失败投递")
            }
            try await enqueueDeliveries(revived, on: connection)
            return revived.count
        }
    }

    /// A delivery's attempts, oldest first.
    public func deliveryLog(_ delivery: Int64) async throws -> [DeliveryAttempt] {
        var attempts: [DeliveryAttempt] = []
        for (attempt, at, status, latency, error) in try await client.guardedQuery(
            """
            SELECT attempt, at, status_code, latency_ms, error FROM notification_attempts WHERE delivery_id = \(delivery) ORDER BY at
            """, logger: logger
        ).decode((Int, Date, Int?, Double, String?).self) {
            attempts.append(DeliveryAttempt(attempt: attempt, at: at, statusCode: status, latencyMs: latency, error: error))
        }
        return attempts
    }
}
