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
            let (rescued, quarantined) = try await fenced(term: term) { connection in try await rescueStuckJobs(on: connection) }
            if rescued > 0 { logger.notice("rescued jobs", metadata: ["count": "\(rescued)"]) }
            if quarantined > 0 {
                logger.error(
                    "quarantined jobs whose workers kept dying while running them; see `assess jobs list --quarantined`",
                    metadata: ["count": "\(quarantined)"])
            }
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
        let rows = try await connection.query(
            """
            UPDATE queue_workers SET state = 'dead'
            WHERE state = 'alive' AND last_seen_at < now() - \(configuration.workerTimeout.milliseconds) * interval '1 millisecond'
            RETURNING id
            """, logger: logger)
        var dead: [String] = []
        for try await id in rows.decode(String.self) { dead.append(id) }
        return dead
    }

    /// Jobs whose lease ran out, or whose worker is dead, go back to available with the attempt
    /// counted, or are discarded when it was their last; their queues are woken. Each rescue
    /// counts a run lost with its worker: a job that reaches its kind's limit is quarantined
    /// (discarded, marked, its arguments and errors kept), so that a handler that crashes its
    /// process cannot go on to crash every worker that claims it. A job one death short of the
    /// limit must run alone next time, so that the death that quarantines it is its own.
    private func rescueStuckJobs(on connection: PostgresConnection) async throws -> (rescued: Int, quarantined: Int) {
        let kinds = configuration.workerDeathLimitByKind.keys.sorted()
        let limits = kinds.map { Self.deathLimit(configuration.workerDeathLimitByKind[$0]!) }
        let rows = try await connection.query(
            """
            WITH stuck AS (
                SELECT j.id,
                       j.worker_deaths + 1 >= coalesce(l.deaths, \(Self.deathLimit(configuration.workerDeathLimit))) AS quarantine,
                       j.worker_deaths + 2 >= coalesce(l.deaths, \(Self.deathLimit(configuration.workerDeathLimit))) AS last_chance,
                       j.attempt >= j.max_attempts AS last_attempt
                FROM jobs j LEFT JOIN unnest(\(kinds)::text[], \(limits)::int[]) AS l(kind, deaths) ON l.kind = j.kind
                WHERE j.state = 'running'
                  AND (j.lease_deadline < now() OR j.leased_by IN (SELECT id FROM queue_workers WHERE state = 'dead'))
                ORDER BY j.id
                LIMIT \(configuration.rescueBatchSize)
                FOR UPDATE OF j SKIP LOCKED
            ), rescued AS (
                UPDATE jobs j SET
                    worker_deaths = least(j.worker_deaths + 1, 32767),
                    state = CASE WHEN stuck.quarantine OR stuck.last_attempt THEN 'discarded'::job_state ELSE 'available'::job_state END,
                    errors = jobs_append_attempt(j.errors, j.attempt,
                        CASE WHEN stuck.quarantine
                             THEN 'quarantined: its worker process died ' || (j.worker_deaths + 1) || ' times while running it'
                             ELSE 'rescued: worker ' || coalesce(j.leased_by, '?') || ' stopped renewing its lease' END,
                        \(JobQueueClient.keptErrors), j.leased_by, j.attempted_at),
                    finished_at = CASE WHEN stuck.quarantine OR stuck.last_attempt THEN now() END,
                    quarantined_at = CASE WHEN stuck.quarantine THEN now() END,
                    run_alone = stuck.last_chance,
                    lease_token = NULL, lease_deadline = NULL, leased_by = NULL
                FROM stuck WHERE j.id = stuck.id
                RETURNING j.queue, j.state, stuck.quarantine
            )
            SELECT n, quarantined, CASE WHEN available THEN pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) END IS NULL
            FROM (SELECT queue, count(*) AS n, count(*) FILTER (WHERE quarantine) AS quarantined,
                         bool_or(state = 'available') AS available
                  FROM rescued GROUP BY queue) AS per_queue
            """, logger: logger)
        var rescued = 0
        var quarantined = 0
        for try await (count, held, _) in rows.decode((Int64, Int64, Bool).self) {
            rescued += Int(count)
            quarantined += Int(held)
        }
        return (rescued, quarantined)
    }

    /// A limit the `smallint` counter can reach: at least 1.
    static func deathLimit(_ limit: Int) -> Int { min(max(limit, 1), 32_767) }
}
