import Foundation
import Logging
import PostgresNIO

extension QueueCoordinator {
    /// One round of the leader's work, each step fenced by the term. With `housekeeping`, also
    /// records queue statistics and prunes; returns false when pruning has more to do at once.
    func performDuties(term: Int64, housekeeping: Bool) async throws -> Bool {
        let dead = try await fenced(term: term) { connection in try await markSilentWorkersDead(on: connection) }
        if !dead.isEmpty {
            logger.warning("workers went silent; rescuing their jobs", metadata: ["workers": "\(dead.sorted())"])
        }
        while true {
            let rescued = try await fenced(term: term) { connection in try await rescueStuckJobs(on: connection) }
            if rescued > 0 { logger.notice("rescued jobs", metadata: ["count": "\(rescued)"]) }
            if rescued < configuration.rescueBatchSize { break }
        }
        _ = try await fenced(term: term) { connection in try await queue.promoteDueJobs(on: connection) }
        let fired = try await fenced(term: term) { connection in try await fireDueCronTicks(on: connection) }
        if fired > 0 { logger.info("fired cron ticks", metadata: ["count": "\(fired)"]) }
        guard housekeeping else { return true }
        try await fenced(term: term) { connection in try await recordQueueStats(on: connection) }
        return try await pruneFinishedJobs(term: term, budget: configuration.leaseDuration / 4)
    }

    private func markSilentWorkersDead(on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query("""
            UPDATE queue_workers SET state = 'dead'
            WHERE state = 'alive' AND last_seen_at < now() - \(configuration.workerTimeout.milliseconds) * interval '1 millisecond'
            RETURNING id
            """, logger: logger)
        var dead: [String] = []
        for try await id in rows.decode(String.self) { dead.append(id) }
        return dead
    }

    /// Jobs whose lease ran out, or whose worker is dead, go back to available with the attempt
    /// counted, or are discarded when it was their last; their queues are woken.
    private func rescueStuckJobs(on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("""
            WITH stuck AS (
                SELECT id FROM jobs
                WHERE state = 'running'
                  AND (lease_deadline < now() OR leased_by IN (SELECT id FROM queue_workers WHERE state = 'dead'))
                ORDER BY id
                LIMIT \(configuration.rescueBatchSize)
                FOR UPDATE SKIP LOCKED
            ), rescued AS (
                UPDATE jobs j SET
                    state = CASE WHEN j.attempt >= j.max_attempts THEN 'discarded'::job_state ELSE 'available'::job_state END,
                    errors = jobs_append_error(j.errors, j.attempt,
                        'rescued: worker ' || coalesce(j.leased_by, '?') || ' stopped renewing its lease', \(JobQueueClient.keptErrors)),
                    finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END,
                    lease_token = NULL, lease_deadline = NULL, leased_by = NULL
                FROM stuck WHERE j.id = stuck.id
                RETURNING j.queue, j.state
            )
            SELECT n, CASE WHEN available THEN pg_notify('jobqueue', 'q:' || queue) END IS NULL
            FROM (SELECT queue, count(*) AS n, bool_or(state = 'available') AS available FROM rescued GROUP BY queue) AS per_queue
            """, logger: logger)
        var rescued = 0
        for try await (count, _) in rows.decode((Int64, Bool).self) { rescued += Int(count) }
        return rescued
    }
}
