import Foundation
import PostgresNIO

extension JobQueueClient {
    /// Sets (or replaces) the limit of a kind on a queue. The workers of the queue stop claiming
    /// the kind without it at once, and claim it within its limit after their next refresh (a
    /// notification, or the poll at the latest).
    public func setLimit(_ limit: JobLimit) async throws {
        try limit.validate()
        let rows = try await client.guardedQuery(
            """
            WITH set AS (
                INSERT INTO job_limits (queue, kind, concurrency, key_field, key_concurrency, rate_starts, rate_period_ms)
                VALUES (\(limit.queue), \(limit.kind), \(limit.concurrency), \(limit.perKey?.field), \(limit.perKey?.concurrency),
                        \(limit.rate?.starts), \(limit.rate.map { Int($0.period.milliseconds) }))
                ON CONFLICT (queue, kind) DO UPDATE SET concurrency = excluded.concurrency, key_field = excluded.key_field,
                    key_concurrency = excluded.key_concurrency, rate_starts = excluded.rate_starts,
                    rate_period_ms = excluded.rate_period_ms, updated_at = now()
                RETURNING queue
            )
            SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'l:' || queue) IS NULL FROM set
            """, logger: logger)
        for _ in rows {}
    }

    /// Lifts the limit of a kind on a queue; returns whether there was one.
    @discardableResult
    public func removeLimit(queue: String, kind: String) async throws -> Bool {
        let rows = try await client.guardedQuery(
            """
            WITH removed AS (DELETE FROM job_limits WHERE queue = \(queue) AND kind = \(kind) RETURNING queue)
            SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'l:' || queue) IS NULL,
                   pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL FROM removed
            """, logger: logger)
        var removed = false
        for _ in rows { removed = true }
        return removed
    }

    /// The limits in force, of the given queues or of all.
    public func limits(queues: [String]? = nil) async throws -> [JobLimit] {
        let rows = try await client.guardedQuery(
            """
            SELECT queue, kind, concurrency, key_field, key_concurrency, rate_starts, rate_period_ms FROM job_limits
            WHERE \(queues == nil) OR queue = ANY(\(queues ?? [])) ORDER BY queue, kind
            """, logger: logger)
        var limits: [JobLimit] = []
        for (queue, kind, concurrency, keyField, keyConcurrency, rateStarts, ratePeriod) in try rows.decode(
            (String, String, Int?, String?, Int?, Int?, Int?).self)
        {
            limits.append(
                JobLimit(
                    queue: queue, kind: kind, concurrency: concurrency,
                    perKey: zip(keyField, keyConcurrency).map(JobLimit.PerKey.init),
                    rate: zip(rateStarts, ratePeriod).map { JobLimit.Rate(starts: $0, period: .milliseconds($1)) }))
        }
        return limits
    }
}

extension JobQueueClient {
    /// Every limit with the jobs of its kind running now, for operators.
    public func limitStatus() async throws -> [(limit: JobLimit, running: Int)] {
        var running: [String: Int] = [:]
        let rows = try await client.guardedQuery(
            """
            SELECT l.queue, l.kind, count(j.id)::int FROM job_limits l
            LEFT JOIN jobs j ON j.state = 'running' AND j.queue = l.queue AND j.kind = l.kind
            GROUP BY l.queue, l.kind
            """, logger: logger)
        for (queue, kind, count) in try rows.decode((String, String, Int).self) { running["\(queue)\u{0}\(kind)"] = count }
        return try await limits().map { ($0, running["\($0.queue)\u{0}\($0.kind)"] ?? 0) }
    }
}

/// Both values, or nil when either is missing.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
