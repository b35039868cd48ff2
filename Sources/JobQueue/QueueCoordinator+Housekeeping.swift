import Foundation
import Logging
import PostgresNIO

extension QueueCoordinator {
    /// Deletes finished jobs past their retention, and workers long gone, in small fenced batches
    /// that each hold their row locks for milliseconds. Stops after `budget`, so that the lease is
    /// renewed on time; returns false when rows past retention remain for the next round.
    func pruneFinishedJobs(term: Int64, budget: Duration) async throws -> Bool {
        let started = ContinuousClock.now
        var pruned = 0
        defer { if pruned > 0 { logger.info("pruned finished jobs", metadata: ["count": "\(pruned)"]) } }
        while ContinuousClock.now - started < budget {
            let deleted = try await fenced(term: term) { connection in
                let rows = try await connection.query(
                    """
                    WITH doomed AS (
                        SELECT id FROM jobs
                        WHERE (state IN ('completed', 'cancelled')
                               AND finished_at < now() - \(configuration.completedRetention.milliseconds) * interval '1 millisecond')
                           OR (state = 'discarded'
                               AND finished_at < now() - \(configuration.discardedRetention.milliseconds) * interval '1 millisecond')
                        LIMIT \(configuration.pruneBatchSize)
                        FOR UPDATE SKIP LOCKED
                    ), deleted AS (DELETE FROM jobs j USING doomed WHERE j.id = doomed.id RETURNING 1)
                    SELECT count(*)::int FROM deleted
                    """, logger: logger)
                var count = 0
                for try await deleted in rows.decode(Int.self) { count = deleted }
                return count
            }
            pruned += deleted
            if deleted < configuration.pruneBatchSize {
                try await fenced(term: term) { connection in
                    _ = try await connection.query(
                        """
                        DELETE FROM queue_workers
                        WHERE state <> 'alive'
                          AND last_seen_at < now() - \(configuration.discardedRetention.milliseconds) * interval '1 millisecond'
                        """, logger: logger)
                }
                return true
            }
        }
        return false
    }

    /// Records counts by queue and state and the oldest available job of each queue in
    /// `queue_stats`; a queue and state that emptied is kept at zero, so a metric falls to zero
    /// instead of disappearing.
    func recordQueueStats(on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO queue_stats (queue, state, jobs, oldest_run_at, recorded_at)
            SELECT queue, state, count(*), min(run_at) FILTER (WHERE state = 'available'), now()
            FROM jobs GROUP BY queue, state
            ON CONFLICT (queue, state) DO UPDATE SET
                jobs = excluded.jobs, oldest_run_at = excluded.oldest_run_at, recorded_at = excluded.recorded_at
            """, logger: logger)
        try await connection.query(
            """
            UPDATE queue_stats SET jobs = 0, oldest_run_at = NULL, recorded_at = now() WHERE recorded_at < now()
            """, logger: logger)
        try await recordQueueHistory(on: connection)
    }

    /// Adds this moment to each queue's minute in `queue_stats_history`: the waiting jobs as just
    /// counted, the oldest wait the most seen this minute; and the jobs completed in this minute
    /// and the one before, counted again so that the last seconds of a minute are not lost. Rows
    /// older than a day go.
    func recordQueueHistory(on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO queue_stats_history (queue, minute, available, oldest_age_seconds)
            SELECT queue, date_trunc('minute', now()), coalesce(sum(jobs) FILTER (WHERE state = 'available'), 0),
                   max(extract(epoch FROM recorded_at - oldest_run_at)) FILTER (WHERE state = 'available')
            FROM queue_stats GROUP BY queue
            ON CONFLICT (queue, minute) DO UPDATE SET
                available = excluded.available,
                oldest_age_seconds = greatest(queue_stats_history.oldest_age_seconds, excluded.oldest_age_seconds)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO queue_stats_history (queue, minute, completed)
            SELECT queue, date_trunc('minute', finished_at), count(*)
            FROM jobs WHERE state = 'completed' AND finished_at >= date_trunc('minute', now()) - interval '1 minute'
            GROUP BY 1, 2
            ON CONFLICT (queue, minute) DO UPDATE SET completed = excluded.completed
            """, logger: logger)
        try await connection.query("DELETE FROM queue_stats_history WHERE minute < now() - interval '1 day'", logger: logger)
    }
}
