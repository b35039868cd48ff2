import Foundation
import Logging
import PostgresNIO
import PostgresSupport

extension JobWorkerPool {
    /// Listens for wake-ups (`q:<queue>`), pauses (`p:<queue>`), resumptions (`r:<queue>`) and
    /// cancellations (`c:<job id>`) on one held connection,
    /// reconnecting with backoff. Polling covers whatever is missed while it is down.
    func listen() async {
        let listener: PostgresClient
        switch wakeUps {
        case .ownClient: listener = client
        case .client(let other): listener = other
        case .pollOnly: return
        }
        var failures = 0
        while !Task.isCancelled {
            do {
                try await listener.withConnection { connection in
                    try await connection.listen(on: JobQueueSchema.wakeChannel) { notifications in
                        failures = 0
                        runtime.setListening(true)
                        defer { runtime.setListening(false) }
                        // Whatever was enqueued while not listening is found by one poll now.
                        runtime.requestPollOfAllQueues()
                        for try await notification in notifications {
                            route(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning(
                    "listening for job notifications failed; polling until reconnected",
                    metadata: [
                        "error": "\(DatabaseErrorSummary(error))"
                    ])
            }
            try? await Task.sleep(for: min(.milliseconds(100) * (1 << min(failures, 6)), .seconds(5)))
        }
    }

    private func route(_ payload: String) {
        if payload.hasPrefix("q:") {
            runtime.requestPoll(String(payload.dropFirst(2)))
        } else if payload.hasPrefix("p:") {
            runtime.pause(String(payload.dropFirst(2)))
        } else if payload.hasPrefix("r:") {
            runtime.resume(String(payload.dropFirst(2)))
        } else if payload.hasPrefix("l:") {
            runtime.pollSignal.signal()
        } else if payload.hasPrefix("c:"), let id = Int64(payload.dropFirst(2)) {
            runtime.stop(id, reason: .cancelRequested)
        }
    }

    /// Extends the leases this pool holds once they are half spent. A lease that could not be
    /// extended was lost (the job was rescued): its handler is cancelled, and the fence keeps
    /// anything it writes from landing.
    func heartbeat() async {
        while !Task.isCancelled {
            _ = try? await withDeadline(configuration.databaseRoundDeadline, "announcing the worker") { [self] in
                await announce(state: "alive")
            }
            try? await Task.sleep(for: configuration.heartbeatInterval)
            let (timedOut, abandoned) = runtime.enforce(timeout: configuration.jobTimeout, grace: configuration.leaseDuration)
            if !timedOut.isEmpty {
                logger.warning("jobs ran past their timeout; cancelling them", metadata: ["jobs": "\(timedOut)"])
            }
            if !abandoned.isEmpty {
                logger.error("handlers ignored cancellation; abandoned to rescue", metadata: ["jobs": "\(abandoned)"])
            }
            let held = runtime.leasesToExtend(olderThan: configuration.leaseDuration / 2)
            guard !held.isEmpty else { continue }
            do {
                try await withDeadline(configuration.databaseRoundDeadline, "a heartbeat") { [self] in try await extend(held) }
            } catch {
                logger.warning("extending leases failed", metadata: ["error": "\(DatabaseErrorSummary(error))"])
            }
        }
    }

    /// Extends the given leases; cancels the handlers whose lease turned out lost.
    private func extend(_ held: [(id: Int64, token: UUID)]) async throws {
        let sent = ContinuousClock.now
        // SKIP LOCKED: a locked row is being acknowledged right now, and waiting for it while
        // holding other rows' locks is how two statements deadlock. `j.id = ANY(…)`: see
        // `completionQuery`.
        let rows = try await client.guardedQuery(
            """
            WITH a AS (SELECT * FROM unnest(\(held.map(\.id)), \(held.map(\.token))) AS a(id, token)),
            held AS (
                SELECT j.id FROM jobs j JOIN a ON j.id = a.id AND j.lease_token = a.token
                WHERE j.id = ANY(ARRAY(SELECT id FROM a))
                FOR UPDATE OF j SKIP LOCKED
            )
            UPDATE jobs j
            SET lease_deadline = now() + \(configuration.leaseDuration.milliseconds) * interval '1 millisecond'
            FROM held WHERE j.id = held.id
            RETURNING j.id, j.cancel_requested_at IS NOT NULL
            """, logger: logger)
        var extended = Set<Int64>()
        for (id, cancelRequested) in try rows.decode((Int64, Bool).self) {
            extended.insert(id)
            if cancelRequested { runtime.stop(id, reason: .cancelRequested) }
        }
        runtime.extended(extended, at: sent)
        if extended.count < held.count {
            try await stopLostLeases(held.filter { !extended.contains($0.id) })
        }
    }

    /// Of leases the heartbeat skipped, stops the handlers whose lease is really gone (the token
    /// changed and the job was not completed meanwhile, by the acknowledger or the handler's own
    /// transaction); the others are extended next time.
    private func stopLostLeases(_ skipped: [(id: Int64, token: UUID)]) async throws {
        let running = skipped.filter { runtime.isRunning($0.id, token: $0.token) }
        guard !running.isEmpty else { return }
        let rows = try await client.guardedQuery(
            """
            WITH a AS (SELECT * FROM unnest(\(running.map(\.id)), \(running.map(\.token))) AS a(id, token))
            SELECT a.id FROM a JOIN jobs j ON j.id = a.id
            WHERE j.id = ANY(ARRAY(SELECT id FROM a))
              AND j.lease_token IS DISTINCT FROM a.token AND j.state <> 'completed'
            """, logger: logger)
        for id in try rows.decode(Int64.self) {
            guard let lease = running.first(where: { $0.id == id }), runtime.isRunning(id, token: lease.token) else { continue }
            logger.warning("lease lost", metadata: ["job": "\(id)"])
            runtime.stop(id, reason: .leaseLost)
        }
    }

    /// Registers this pool, or says it is still alive (or stopped): an upsert, so registration
    /// heals itself after a database restart, and a pool wrongly found dead comes back.
    func announce(state: String) async {
        do {
            try await client.guardedQuery(
                """
                INSERT INTO queue_workers (id, host, pid, queues, state)
                VALUES (\(configuration.workerID), \(ProcessInfo.processInfo.hostName),
                        \(Int(ProcessInfo.processInfo.processIdentifier)), \(configuration.queues.keys.sorted()), \(state))
                ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), state = excluded.state,
                    stopped_at = CASE WHEN excluded.state = 'stopped' THEN now() END
                """, logger: logger)
        } catch {
            logger.warning("announcing the worker failed", metadata: ["error": "\(DatabaseErrorSummary(error))"])
        }
    }

    /// The fallback to notifications: promotes due delayed and retrying jobs, reads which
    /// queues are paused and which kinds are limited, and asks every queue to claim once per poll
    /// interval. A changed limit runs it at once.
    func poll() async {
        let queues = Array(configuration.queues.keys)
        while !Task.isCancelled {
            do {
                let seen = runtime.pauseChanges
                let (paused, suspects, limits) = try await withDeadline(configuration.databaseRoundDeadline, "a poll") {
                    [self] () -> (Set<String>, Set<String>, [JobLimit]) in
                    try await queue.promoteDueJobs()
                    let paused = try await queue.pausedQueues()
                    return (paused, try await queue.queuesWithSuspects(among: queues), try await queue.limits(queues: queues))
                }
                runtime.setLimits(limits)
                // A pause or resume notified while the poll asked is newer than its answer.
                runtime.setPaused(paused, unlessChangedSince: seen)
                // A paused queue's suspects wait with it, and must not hold the other queues' claims.
                runtime.setSuspects(suspects.subtracting(paused))
            } catch {
                logger.warning("polling failed", metadata: ["error": "\(DatabaseErrorSummary(error))"])
            }
            runtime.requestPollOfAllQueues()
            await runtime.pollSignal.wait(atMost: configuration.pollInterval)
        }
    }

    /// After a shutdown request, gives running jobs the drain timeout, then cancels them so they
    /// are released to other workers.
    func enforceDrainTimeout() async {
        await runtime.shutdownSignal.wait()
        guard !Task.isCancelled else { return }
        do {
            try await Task.sleep(for: configuration.drainTimeout)
        } catch {
            return
        }
        logger.notice("drain timeout reached; releasing the jobs still running")
        runtime.stopAllRunning(reason: .shutdown)
    }
}
