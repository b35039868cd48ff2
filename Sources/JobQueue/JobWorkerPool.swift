import Foundation
import Logging
import PostgresNIO
import PostgresSupport
import ServiceLifecycle

/// Claims jobs in batches, runs them with their handlers under a lease, and acknowledges their
/// outcomes in batches. Stateless apart from the jobs it holds: run as many pools on as many
/// machines as the load needs.
///
/// On graceful shutdown it stops claiming, lets running jobs finish within the drain timeout,
/// then cancels the rest and releases them to other workers without counting their attempt.
public struct JobWorkerPool: Service {
    /// Where a pool hears that jobs are ready, besides its poll.
    public enum WakeUps: Sendable {
        /// LISTEN on a session of the pool's own client.
        case ownClient
        /// LISTEN on a session of this client: a direct one, when the pool's own goes through a
        /// transaction pooler, whose sessions a LISTEN does not keep.
        case client(PostgresClient)
        /// No LISTEN: the poll alone finds ready jobs.
        case pollOnly

        /// For a pool on `url`: its own client, unless `url` leads to a transaction pooler; then a
        /// client of `listenURL`, which the caller runs as a service, or the poll alone, said in the log.
        public static func forDatabase(_ url: DatabaseURL, listenURL: DatabaseURL?, logger: Logger) throws -> (Self, PostgresClient?) {
            if let listenURL {
                let listener = PostgresClient(
                    configuration: try listenURL.clientConfiguration(maximumConnections: 2, logger: logger), backgroundLogger: logger)
                return (.client(listener), listener)
            }
            if url.transactionPooled {
                logger.notice(
                    "the database URL leads to a transaction pooler and no listen URL (DATABASE_LISTEN_URL) is set: workers find ready jobs by their poll alone"
                )
                return (.pollOnly, nil)
            }
            return (.ownClient, nil)
        }
    }

    let client: PostgresClient
    let queue: JobQueueClient
    let registry: JobRegistry
    let configuration: WorkerConfiguration
    let logger: Logger
    let runtime: WorkerRuntime
    let wakeUps: WakeUps

    /// A pool that runs the handlers of `registry` on the queues of `configuration`.
    public init(
        client: PostgresClient, registry: JobRegistry, configuration: WorkerConfiguration = .init(), wakeUps: WakeUps = .ownClient,
        logger: Logger
    ) {
        self.client = client
        self.wakeUps = wakeUps
        self.queue = JobQueueClient(client: client, logger: logger)
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        self.runtime = WorkerRuntime(queues: Array(configuration.queues.keys))
    }

    /// Whether the pool is listening for wake-ups now: until it is, a new job waits for the next
    /// poll. Lets a caller that measures wake-up latency start when the pool is ready.
    public var isListening: Bool { runtime.isListening }

    /// Runs until graceful shutdown (or cancellation), then drains.
    public func run() async throws {
        logger.info("worker pool started", metadata: ["queues": "\(configuration.queues.keys.sorted())"])
        // Known before the first claim: until then the pool could not claim a limited kind at all.
        // Should this fail, the first poll reads them.
        if let limits = try? await withDeadline(
            configuration.databaseRoundDeadline, "reading limits",
            { [self] in
                try await queue.limits(queues: Array(configuration.queues.keys))
            })
        {
            runtime.setLimits(limits)
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { maintenance in
                    maintenance.addTask { await listen() }
                    maintenance.addTask { await heartbeat() }
                    maintenance.addTask { await poll() }
                    maintenance.addTask { await enforceDrainTimeout() }
                    await withTaskGroup(of: Void.self) { work in
                        work.addTask {
                            await withTaskGroup(of: Void.self) { fetchers in
                                for (name, concurrency) in configuration.queues {
                                    fetchers.addTask { await fetch(queue: name, concurrency: concurrency) }
                                }
                            }
                            runtime.fetchersFinished()
                        }
                        work.addTask { await acknowledge() }
                    }
                    maintenance.cancelAll()
                }
            } onCancel: {
                runtime.beginShutdown()
                runtime.stopAllRunning(reason: .shutdown)
            }
        } onGracefulShutdown: {
            runtime.beginShutdown()
        }
        await announce(state: "stopped")
        logger.info("worker pool stopped")
    }

    /// Claims whenever slots are free and the queue may hold work: after a full batch at once,
    /// otherwise on a notification or a poll tick. Limited kinds are claimed first, each within its
    /// limit: they cannot take more than their limits allow, and the other kinds take the rest.
    /// A limited kind that yielded less than asked waits for a wake-up, or for its rate window.
    private func fetch(queue name: String, concurrency: Int) async {
        let signal = runtime.queueSignals[name]!
        let worthwhileBatch = max(1, min(configuration.claimBatchSize, concurrency) / 2)
        var mayHaveMore = true
        var limitedMayHaveMore = true
        var limitedRetryAt: ContinuousClock.Instant?
        var failures = 0
        while !runtime.isShuttingDown {
            if runtime.holdsClaimsForSuspects {
                await runSuspectAlone(queue: name, signal: signal)
                continue
            }
            var free = concurrency - runtime.inFlight(name)
            guard free > 0, !runtime.isPaused(name) else {
                await signal.wait()
                continue
            }
            let polled = runtime.takePollRequest(name)
            if polled || limitedRetryAt.map({ $0 <= .now }) == true {
                limitedMayHaveMore = true
                limitedRetryAt = nil
            }
            let limitedKinds = limitedMayHaveMore ? runtime.limitedKinds(name) : []
            guard mayHaveMore || polled || !limitedKinds.isEmpty else {
                await signal.wait(atMost: limitedRetryAt.map { $0 - .now })
                continue
            }
            if free < worthwhileBatch && free < concurrency {
                // Under a backlog every finishing job frees a slot; a moment's wait lets many
                // finish, so one claim fetches many jobs instead of one claim per job.
                try? await Task.sleep(for: .milliseconds(1))
                free = concurrency - runtime.inFlight(name)
            }
            var wanted = min(free, configuration.claimBatchSize)
            do {
                var claimed: [ClaimedJob] = []
                if !limitedKinds.isEmpty {
                    limitedMayHaveMore = false
                    for kind in limitedKinds where wanted > claimed.count {
                        let asked = wanted - claimed.count
                        let (jobs, wait) = try await withDeadline(configuration.databaseRoundDeadline, "a claim") { [self] in
                            try await claimLimited(queue: name, kind: kind, limit: asked)
                        }
                        claimed += jobs
                        if jobs.count == asked { limitedMayHaveMore = true }
                        if let wait { limitedRetryAt = min(limitedRetryAt ?? .now + wait, .now + wait) }
                    }
                    wanted -= claimed.count
                }
                if wanted > 0, mayHaveMore || polled {
                    let unlimited = try await withDeadline(configuration.databaseRoundDeadline, "a claim") { [self, wanted] in
                        try await claim(queue: name, limit: wanted)
                    }
                    mayHaveMore = unlimited.count == wanted
                    claimed += unlimited
                }
                failures = 0
                runtime.started(claimed)
                await withTraceHeaders(claimed).forEach(start)
            } catch {
                failures += 1
                mayHaveMore = false
                logger.warning(
                    "claiming failed; retrying",
                    metadata: [
                        "queue": "\(name)", "error": "\(DatabaseErrorSummary(error))",
                    ])
                try? await Task.sleep(for: min(.milliseconds(100) * (1 << min(failures, 6)), .seconds(5)))
            }
        }
        // The drain: every slot comes free when its handler ends or is abandoned.
        while runtime.inFlight(name) > 0 { await signal.waitIgnoringCancellation() }
    }

    /// Suspects (jobs one worker death short of quarantine) run alone in the process, so that a
    /// poison job's last crash takes no other job with it and only the poison reaches its limit.
    /// Other claims wait until the process is idle and the suspect is done.
    private func runSuspectAlone(queue name: String, signal: WakeSignal) async {
        guard runtime.hasSuspects(name), !runtime.isPaused(name), runtime.beginIsolation() else {
            // Another queue's suspect, or the process still draining: the poll tick wakes us.
            await signal.wait()
            return
        }
        do {
            var claimed = try await withDeadline(configuration.databaseRoundDeadline, "a claim") { [self] in
                try await claim(queue: name, limit: 1, suspects: true)
            }
            for kind in runtime.limitedKinds(name) where claimed.isEmpty {
                claimed = try await withDeadline(configuration.databaseRoundDeadline, "a claim") { [self] in
                    try await claimLimited(queue: name, kind: kind, limit: 1, suspects: true).jobs
                }
            }
            if claimed.isEmpty {
                runtime.clearSuspects(name)
            } else {
                logger.notice("running a job alone: one more worker death would quarantine it", metadata: ["job": "\(claimed[0].id)"])
                runtime.started(claimed)
                await withTraceHeaders(claimed).forEach(start)
                while runtime.inFlight(name) > 0 { await signal.waitIgnoringCancellation() }
            }
        } catch {
            logger.warning("claiming a suspect failed; retrying", metadata: ["queue": "\(name)", "error": "\(DatabaseErrorSummary(error))"])
            try? await Task.sleep(for: .milliseconds(100))
        }
        runtime.endIsolation()
    }

    private func claim(queue name: String, limit: Int, suspects: Bool = false) async throws -> [ClaimedJob] {
        let token = UUID()
        let rows = try await client.guardedQuery(
            Self.claimQuery(
                queue: name, limit: limit, lease: configuration.leaseDuration, workerID: configuration.workerID, token: token,
                suspects: suspects),
            logger: logger)
        var claimed: [ClaimedJob] = []
        claimed.reserveCapacity(limit)
        // Row by row with the inlinable decode: the sequence's variadic decode is not specialized
        // and looked up tuple metadata for every row, a tenth of the worker's CPU under a backlog.
        for row in rows {
            let (id, kind, args, attempt, maxAttempts) = try row.decode((Int64, String, String, Int, Int).self)
            claimed.append(
                ClaimedJob(
                    id: id, queue: name, kind: kind, argsJSON: args, attempt: attempt, maxAttempts: maxAttempts, leaseToken: token))
        }
        return claimed
    }

    /// The jobs with the trace headers their enqueuers left, when the pool traces jobs. Best effort:
    /// the jobs are claimed already, and one whose headers could not be read runs in a trace of its own.
    private func withTraceHeaders(_ claimed: [ClaimedJob]) async -> [ClaimedJob] {
        guard configuration.tracesJobs, !claimed.isEmpty else { return claimed }
        var headers: [Int64: [String: String]] = [:]
        do {
            headers = try await withDeadline(configuration.databaseRoundDeadline, "reading trace headers") { [self] in
                let rows = try await client.guardedQuery(
                    """
                    SELECT id, meta->>'traceparent', meta->>'tracestate' FROM jobs
                    WHERE id = ANY(\(claimed.map(\.id))) AND meta ? 'traceparent'
                    """, logger: logger)
                var read: [Int64: [String: String]] = [:]
                for (id, parent, state) in try rows.decode((Int64, String, String?).self) {
                    read[id] = ["traceparent": parent, "tracestate": state].compactMapValues { $0 }
                }
                return read
            }
        } catch {
            logger.notice("the claimed jobs' trace headers could not be read; they run in traces of their own", metadata: ["error": "\(error)"])
        }
        return claimed.map { job in
            var job = job
            job.traceHeaders = headers[job.id]
            return job
        }
    }

    /// Claims up to `limit` jobs of a limited kind within its limits (`jobs_claim_limited`), and
    /// says how long its rate makes it wait when it may start none.
    private func claimLimited(
        queue name: String, kind: String, limit: Int, suspects: Bool = false
    ) async throws -> (jobs: [ClaimedJob], wait: Duration?) {
        let token = UUID()
        let rows = try await client.guardedQuery(
            """
            SELECT * FROM jobs_claim_limited(\(name), \(kind), \(Int32(limit)), \(configuration.leaseDuration.milliseconds),
                                             \(configuration.workerID), \(token), \(suspects))
            """, logger: logger)
        var claimed: [ClaimedJob] = []
        var wait: Duration?
        for (id, kind, args, attempt, maxAttempts, waitMilliseconds) in try rows.decode((Int64?, String?, String?, Int?, Int?, Int?).self) {
            guard let id, let kind, let args, let attempt, let maxAttempts else {
                wait = waitMilliseconds.map { .milliseconds($0) }
                continue
            }
            claimed.append(
                ClaimedJob(
                    id: id, queue: name, kind: kind, argsJSON: args, attempt: attempt, maxAttempts: maxAttempts, leaseToken: token,
                    isLimited: true))
        }
        return (claimed, wait)
    }

    /// Claims up to `limit` ready jobs of a queue, best priority first, skipping jobs other workers
    /// are claiming; each gets a lease deadline and `token`, which must be fresh for each claim.
    ///
    /// One token serves the whole batch: a lease is a job's id with the token of the claim that
    /// took it, so a rescued and re-claimed job never matches its earlier lease. A
    /// `gen_random_uuid()` per row cost PostgreSQL a fifth of the claim's CPU (measured: 19.5 against
    /// 15.8 µs a job in a batch of 3,000).
    ///
    /// `suspects` claims the jobs that must run alone (one death short of quarantine) instead of the others.
    ///
    /// A paused queue yields nothing from the moment its pause commits: the workers' own record of
    /// pauses follows a notification, which can arrive after an enqueue's wake-up (an uncorrelated
    /// test, evaluated once per claim). Limited kinds are left to `jobs_claim_limited` the same way.
    static func claimQuery(queue name: String, limit: Int, lease: Duration, workerID: String, token: UUID, suspects: Bool = false) -> PostgresQuery {
        // The locked rows' ctids feed a TID scan: joining back by id cost a primary-key lookup
        // per row. A locked row cannot move, and a row the update missed stays available and
        // unclaimed, so the worst case is a smaller batch, never a job claimed twice.
        """
        UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, attempted_at = now(),
            lease_token = \(token),
            lease_deadline = now() + \(lease.milliseconds) * interval '1 millisecond',
            leased_by = \(workerID)
        WHERE j.ctid = ANY(ARRAY(
            SELECT ctid FROM jobs
            WHERE state = 'available' AND queue = \(name) AND \(unescaped: suspects ? "run_alone" : "NOT run_alone")
              AND NOT EXISTS (SELECT 1 FROM queue_pauses WHERE queue = \(name))
              AND kind <> ALL(ARRAY(SELECT kind FROM job_limits WHERE queue = \(name)))
            ORDER BY priority, run_at, id
            LIMIT \(limit)
            FOR UPDATE SKIP LOCKED))
        RETURNING j.id, j.kind, j.args::text, j.attempt::int4, j.max_attempts::int4
        """
    }

    /// Runs a job's handler in a task of its own, one task per job: an outside cancellation, a
    /// lost lease or the drain timeout cancels just this job, and a handler that ignores its
    /// cancellation is abandoned (its slot freed, the job left to rescue) without anything
    /// waiting for it.
    private func start(_ job: ClaimedJob) {
        let task = Task { await execute(job) }
        runtime.setCancelHandler(job.id) { task.cancel() }
    }

    private func execute(_ job: ClaimedJob) async {
        guard let handler = registry.handler(for: job.kind) else {
            let message = "no handler is registered for kind \(job.kind); register one or cancel the job"
            logger.forJob(job).error("job discarded: \(message)")
            runtime.finished(job, outcome: .discard(error: message))
            return
        }
        let completion = CompletionFlag()
        let context = JobContext(job: job, workerLogger: logger, client: client, completion: completion)
        let result: Result<Void, any Error>
        do {
            if configuration.tracesJobs {
                try await JobTrace.withRunSpan(job, headers: job.traceHeaders) { try await handler(job, context) }
            } else {
                try await handler(job, context)
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        // Abandoned meanwhile: its slot is free, the coordinator rescues it, and the stale lease
        // token fenced off whatever it wrote.
        guard runtime.isRunning(job.id, token: job.leaseToken) else { return }
        runtime.finished(job, outcome: outcome(of: job, result: result, completedInTransaction: completion.isSet))
    }

    private func outcome(of job: ClaimedJob, result: Result<Void, any Error>, completedInTransaction: Bool) -> JobOutcome {
        if completedInTransaction { return .completedInTransaction }
        // Built only when something is logged: setting metadata costs more than running a no-op job.
        let logger = { self.logger.forJob(job) }
        switch result {
        case .success:
            return .completed
        case .failure(let error):
            switch (runtime.stopReason(job.id), error) {
            case (.leaseLost, _), (_, JobQueueError.Code.leaseLost):
                logger().warning("job lost its lease while running; it was rescued and its effects were not written")
                return .abandon
            case (.cancelRequested, _):
                return .cancel(reason: "cancelled on request")
            case (.timedOut, _):
                let message = "timed out after \(configuration.jobTimeout)"
                logger().warning("job timed out")
                if job.attempt >= job.maxAttempts { return .discard(error: message) }
                return .retry(after: configuration.retryPolicy.delay(afterAttempt: job.attempt), error: message)
            case (.shutdown, is CancellationError):
                return .release
            case (_, JobControl.snooze(let delay)):
                return .snooze(after: delay)
            case (_, JobControl.cancel(let reason)):
                return .cancel(reason: reason)
            case (_, JobControl.retry(let delay, let reason)):
                if job.attempt >= job.maxAttempts {
                    logger().error("job discarded after its last attempt", metadata: ["error": "\(reason)"])
                    return .discard(error: reason)
                }
                logger().notice("job failed; will retry", metadata: ["error": "\(reason)", "retry_in": "\(delay)"])
                return .retry(after: delay, error: reason)
            case (_, let error as JobQueueError) where error.code == .undecodableArgs:
                logger().error("job discarded: \(error.message)")
                return .discard(error: error.message)
            default:
                let message = DatabaseErrorSummary(error).description
                if job.attempt >= job.maxAttempts {
                    logger().error("job discarded after its last attempt", metadata: ["error": "\(message)"])
                    return .discard(error: message)
                }
                // A lost connection (a restart, a failover) was no fault of the job's: it runs again
                // after the first delay, not a growing one, or a job caught three times in one
                // failover would wait 7 s more. The attempt still counts, so that a job whose
                // statement crashes its server each time ends.
                let delay = configuration.retryPolicy.delay(afterAttempt: DatabaseErrorSummary.isConnectionLoss(error) ? 1 : job.attempt)
                logger().notice("job failed; will retry", metadata: ["error": "\(message)", "retry_in": "\(delay)"])
                return .retry(after: delay, error: message)
            }
        }
    }
}

extension Logger {
    /// This logger with the job's id, kind and attempt as metadata.
    func forJob(_ job: ClaimedJob) -> Logger {
        var logger = self
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "kind"] = "\(job.kind)"
        logger[metadataKey: "attempt"] = "\(job.attempt)"
        return logger
    }
}

extension JobQueueError.Code {
    /// Lets `case JobQueueError.Code.leaseLost` match any error of that code.
    static func ~= (pattern: Self, error: any Error) -> Bool {
        (error as? JobQueueError)?.code == pattern
    }
}
