import Foundation
import Logging
import PostgresNIO

/// Enqueues, inspects and cancels jobs. Knows jobs, not what they do.
public struct JobQueueClient: Sendable {
    /// The database client.
    public let client: PostgresClient
    let logger: Logger
    /// Rows per INSERT statement of a bulk enqueue: large enough to amortise round trips, small
    /// enough to keep one bind message a few megabytes.
    static let insertChunk = 10_000
    /// From this many jobs on, an enqueue streams them with COPY (`bulkCopyThreshold` unless set):
    /// below it, one statement with arrays is as fast and shares its round trip with other enqueues.
    public static let copyThreshold = 2_000
    /// From how many jobs an enqueue streams them with COPY; `Int.max` never does.
    public var bulkCopyThreshold = copyThreshold
    /// How many of a job's errors are kept.
    static let keptErrors = 10

    /// Standalone enqueues in flight at once; those that arrive meanwhile share the next statement.
    static let enqueueWriters = 4
    let coalescer = EnqueueCoalescer(maximumWriters: enqueueWriters, maximumRows: insertChunk)

    /// A queue client over a running `PostgresClient`. Share one among the tasks that enqueue, so
    /// that their standalone enqueues can share statements.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Enqueues one job on its own; it exists once this returns.
    @discardableResult
    public func enqueue<Args: JobArgs>(_ args: Args, options: EnqueueOptions = .init()) async throws -> EnqueuedJob {
        try await enqueue([NewJob(args, options: options)])[0]
    }

    /// Enqueues one job inside the caller's transaction: it exists exactly when the caller commits.
    @discardableResult
    public func enqueue<Args: JobArgs>(
        _ args: Args, options: EnqueueOptions = .init(), on connection: PostgresConnection
    ) async throws -> EnqueuedJob {
        try await enqueue([NewJob(args, options: options)], on: connection)[0]
    }

    /// Enqueues many jobs at once, all or none, in input order. Enqueues from other tasks may
    /// share the statement; if the server refuses it, each is written again on its own. Answered
    /// once the commit is confirmed, with a synchronous standby's acknowledgement when there is one.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueuedJob] {
        if jobs.count < bulkCopyThreshold {
            return try await coalescer.enqueue(jobs) { [self] jobs in
                try await client.withOpenConnection(logger: logger) { connection in
                    let inserted = try await insert(jobs, on: connection, wakeAfterCommit: true, coalesced: true)
                    // One statement committing on its own, whose rows come back before its commit
                    // is done: the next statement on the connection confirms it (see there).
                    try await PendingWakes.wakeConfirmingCommit(inserted.readyQueues, on: connection, logger: logger)
                    return inserted.enqueued
                }
            }
        }
        // In a transaction of its own, even a lone COPY: its wake-up setting then stays local to
        // it, and no session state outlives the statement, which a transaction pooler (PgBouncer)
        // would leave on whichever server connection it picked.
        return try await client.transaction(logger: logger) { try await enqueue(jobs, on: $0) }
    }

    /// Whether jobs go straight into `jobs` with COPY: none has a unique key or a run time.
    private static func copiesDirectly(_ jobs: [NewJob]) -> Bool {
        jobs.allSatisfy { $0.options.uniqueKey == nil && $0.options.runAt == nil }
    }

    /// Enqueues many jobs inside the caller's transaction, in input order. Inside
    /// `PostgresClient.transaction` the workers are woken right after its commit; inside any other
    /// transaction, by the insert trigger at its commit. From `copyThreshold` jobs on, they are
    /// streamed with COPY: straight into `jobs` when none has a unique key or a run time, else
    /// through a staging table and the same insert, so unique keys keep their meaning.
    @discardableResult
    public func enqueue(_ jobs: [NewJob], on connection: PostgresConnection) async throws -> [EnqueuedJob] {
        let pending = PendingWakes.current
        if jobs.count >= bulkCopyThreshold, Self.copiesDirectly(jobs) {
            let copied = try await copy(jobs, on: connection, wake: pending != nil ? .afterCommit : .inTrigger)
            pending?.add(copied.readyQueues)
            return copied.ids.map { EnqueuedJob(id: $0, isDuplicate: false) }
        }
        var enqueued: [EnqueuedJob] = []
        enqueued.reserveCapacity(jobs.count)
        let staged = jobs.count >= bulkCopyThreshold
        var start = 0
        while start < jobs.count {
            let end = staged ? jobs.count : min(start + Self.insertChunk, jobs.count)
            let inserted = try await insert(
                Array(jobs[start..<end]), on: connection, wakeAfterCommit: pending != nil, coalesced: false, staged: staged)
            pending?.add(inserted.readyQueues)
            for job in inserted.enqueued {
                guard let job else {
                    throw JobQueueError.uniqueJobRemoved
                }
                enqueued.append(job)
            }
            start = end
        }
        return enqueued
    }

    /// `wakeAfterCommit`: the caller wakes the workers once the transaction has committed, so the
    /// insert trigger does not notify. `coalesced`: the statement is its own transaction, shared
    /// by several enqueues; one the server refuses then throws `EnqueueCoalescer.Refused`.
    /// `readyQueues` are the queues that got jobs available now, as the server decided it (its
    /// clock, not ours). A nil entry is a job whose unique key's job was removed between the
    /// insert and its look-up.
    /// `staged`: the jobs are streamed with COPY into a staging table first, and inserted from it.
    private func insert(
        _ jobs: [NewJob], on connection: PostgresConnection, wakeAfterCommit: Bool, coalesced: Bool, staged: Bool = false
    ) async throws -> (enqueued: [EnqueuedJob?], readyQueues: Set<String>) {
        guard !jobs.isEmpty else { return ([], []) }
        let now = Date()
        let uniqueKeys = jobs.map { $0.options.storedUniqueKey(kind: $0.kind, now: now) }
        var plainIDs: [Int64] = []
        var idByKey: [String: Int64] = [:]
        var readyQueues = Set<String>()
        let wake = wakeAfterCommit ? "after_commit" : "in_trigger"
        do {
            let rows: PostgresRowSequence
            if staged {
                try await stage(jobs, uniqueKeys: uniqueKeys, on: connection)
                rows = try await connection.query(
                    """
                    WITH wake AS (SELECT set_config('jobqueue.wake', \(wake), true))
                    \(unescaped: Self.insertFrom) wake, jobqueue_staged_traced_jobs AS t ORDER BY n
                    \(unescaped: Self.insertConflict)
                    """, logger: logger)
            } else {
                rows = try await connection.query(
                    """
                    WITH wake AS (SELECT set_config('jobqueue.wake', \(wake), true))
                    \(unescaped: Self.insertFrom) wake, unnest(\(jobs.map(\.options.queue)), \(jobs.map(\.kind)), \(jobs.map(\.argsJSON)),
                                \(jobs.map { Int16($0.options.priority) }), \(jobs.map { $0.options.runAt ?? .distantPast }),
                                \(jobs.map { Int16($0.options.maxAttempts) }), \(uniqueKeys.map { $0 ?? "" }), \(Self.traces(of: jobs)))
                         WITH ORDINALITY AS t(q, k, a, p, r, m, u, x, n)
                    ORDER BY n
                    \(unescaped: Self.insertConflict)
                    """, logger: logger)
            }
            // Identity values follow the ORDER BY, so fresh non-unique jobs come back in input order by id.
            for try await (id, key, readyQueue) in rows.decode((Int64, String, String?).self) {
                if key.isEmpty { plainIDs.append(id) } else { idByKey[key] = id }
                if let readyQueue { readyQueues.insert(readyQueue) }
            }
        } catch let error as PSQLError where coalesced && error.serverInfo != nil {
            throw EnqueueCoalescer.Refused(underlying: error)
        }
        plainIDs.sort()
        let insertedKeys = Set(idByKey.keys)
        let missingKeys = Set(uniqueKeys.compactMap { $0 }).subtracting(insertedKeys)
        if !missingKeys.isEmpty {
            let existing = try await connection.query(
                "SELECT id, unique_key FROM jobs WHERE unique_key = ANY(\(Array(missingKeys)))", logger: logger)
            for try await (id, key) in existing.decode((Int64, String).self) { idByKey[key] = id }
        }
        var nextPlain = plainIDs.makeIterator()
        var firstUseOfKey = Set<String>()
        let enqueued = uniqueKeys.map { key -> EnqueuedJob? in
            guard let key else { return EnqueuedJob(id: nextPlain.next()!, isDuplicate: false) }
            guard let id = idByKey[key] else { return nil }
            let isNew = insertedKeys.contains(key) && firstUseOfKey.insert(key).inserted
            return EnqueuedJob(id: id, isDuplicate: !isNew)
        }
        return (enqueued, readyQueues)
    }

    /// The insert both sources share: each row `t(q, k, a, p, r, m, u, x, n)` (`x` the trace metadata), ready now or scheduled
    /// by the server's clock.
    private static let insertFrom = """
        INSERT INTO jobs (queue, kind, args, priority, state, run_at, max_attempts, unique_key, meta)
        SELECT q, k, a::jsonb, p, (CASE WHEN r > now() THEN 'scheduled' ELSE 'available' END)::job_state,
               greatest(r, now()), m, nullif(u, ''), nullif(x, '')::jsonb
        FROM
        """
    private static let insertConflict = """
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING
        RETURNING id, coalesce(unique_key, ''), CASE WHEN state = 'available' THEN queue END
        """

    /// The jobs' trace metadata for the insert's `unnest`; none at all when no job was made in a
    /// trace (nearly always), which `unnest` pads with NULLs: an untraced enqueue binds nothing more.
    private static func traces(of jobs: [NewJob]) -> [String] {
        jobs.contains { $0.traceJSON != nil } ? jobs.map { $0.traceJSON ?? "" } : []
    }

    /// Who wakes the workers of jobs copied in.
    private enum CopyWake {
        /// The insert trigger, at the caller's commit.
        case inTrigger
        /// The caller's transaction helper, after its commit.
        case afterCommit
    }

    /// Streams jobs with COPY straight into `jobs`, ids drawn first from its identity so that they
    /// come back in input order; every job is ready now. Returns the ids and the queues made ready.
    private func copy(_ jobs: [NewJob], on connection: PostgresConnection, wake: CopyWake) async throws -> (
        ids: [Int64], readyQueues: Set<String>
    ) {
        var ids: [Int64] = []
        ids.reserveCapacity(jobs.count)
        let setting = wake == .inTrigger ? "in_trigger" : "after_commit"
        // The sequence is named once: looked up per row, it cost more than the ids themselves.
        let rows = try await connection.query(
            """
            WITH wake AS (SELECT set_config('jobqueue.wake', \(setting), true)),
                 sequence AS (SELECT pg_get_serial_sequence('jobs', 'id')::regclass AS name FROM wake)
            SELECT nextval(name) FROM sequence, generate_series(1, \(jobs.count)) ORDER BY 1
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        try await copyRows(ids, jobs, on: connection)
        return (ids, Set(jobs.map(\.options.queue)))
    }

    private func copyRows(_ ids: [Int64], _ jobs: [NewJob], on connection: PostgresConnection) async throws {
        try await connection.copyFrom(
            table: "jobs", columns: ["id", "queue", "kind", "args", "priority", "state", "max_attempts", "meta"], logger: logger
        ) { writer in
            try await Self.stream(zip(ids, jobs), to: writer) { line, row in
                let (id, job) = row
                line.writeString(String(id))
                for field in [job.options.queue, job.kind, job.argsJSON] {
                    line.writeInteger(UInt8(ascii: "\t"))
                    CopyText.write(field, to: &line)
                }
                line.writeString("\t\(job.options.priority)\tavailable\t\(job.options.maxAttempts)\t")
                if let trace = job.traceJSON { CopyText.write(trace, to: &line) } else { line.writeString("\\N") }
                line.writeInteger(UInt8(ascii: "\n"))
            }
        }
    }

    /// Streams jobs with COPY into this transaction's staging table, for the insert to read. The
    /// table's name changes with its columns: behind a transaction pooler, a server connection can
    /// keep an older build's table into a newer build's transaction.
    private func stage(_ jobs: [NewJob], uniqueKeys: [String?], on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS jobqueue_staged_traced_jobs (
                q text, k text, a text, p smallint, r timestamptz, m smallint, u text, x text, n bigint) ON COMMIT DELETE ROWS
            """, logger: logger)
        try await connection.query("TRUNCATE jobqueue_staged_traced_jobs", logger: logger)
        try await connection.copyFrom(table: "jobqueue_staged_traced_jobs", columns: ["q", "k", "a", "p", "r", "m", "u", "x", "n"], logger: logger) {
            writer in
            let rows = zip(jobs, uniqueKeys).enumerated().map { ($0.offset + 1, $0.element.0, $0.element.1) }
            try await Self.stream(rows, to: writer) { line, row in
                let (n, job, key) = row
                for field in [job.options.queue, job.kind, job.argsJSON] {
                    CopyText.write(field, to: &line)
                    line.writeInteger(UInt8(ascii: "\t"))
                }
                line.writeString("\(job.options.priority)\t\(job.options.runAt.map(CopyText.timestamp) ?? "-infinity")\t\(job.options.maxAttempts)\t")
                CopyText.write(key ?? "", to: &line)
                line.writeInteger(UInt8(ascii: "\t"))
                CopyText.write(job.traceJSON ?? "", to: &line)
                line.writeString("\t\(n)\n")
            }
        }
    }

    /// Writes rows to a COPY in chunks of about 256 KiB, so that the server works on one while
    /// the next is written.
    private static func stream<Rows: Sequence>(
        _ rows: Rows, to writer: PostgresCopyFromWriter, _ line: (inout ByteBuffer, Rows.Element) -> Void
    ) async throws {
        var chunk = ByteBuffer()
        chunk.reserveCapacity(300_000)
        for row in rows {
            line(&chunk, row)
            if chunk.readableBytes >= 256 * 1024 {
                try await writer.write(chunk)
                chunk = ByteBuffer()
                chunk.reserveCapacity(300_000)
            }
        }
        if chunk.readableBytes > 0 { try await writer.write(chunk) }
    }

    /// `EXPLAIN (ANALYZE, BUFFERS)` of the claim a worker runs on `queue` for `limit` jobs, in a
    /// transaction rolled back after, so nothing is claimed: how the claim finds its jobs at the
    /// table's present size.
    public func explainClaim(queue: String, limit: Int) async throws -> String {
        struct RolledBack: Error { let plan: String }
        do {
            return try await client.withTransaction(logger: logger) { connection -> String in
                let claim = JobWorkerPool.claimQuery(
                    queue: queue, limit: limit, lease: .seconds(60), workerID: "explain", token: UUID())
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + claim.sql, binds: claim.binds), logger: logger)
                var lines: [String] = []
                for try await line in rows.decode(String.self) { lines.append(line) }
                throw RolledBack(plan: lines.joined(separator: "\n"))
            }
        } catch let error as PostgresTransactionError {
            if let rolledBack = error.closureError as? RolledBack { return rolledBack.plan }
            throw error
        }
    }

    /// The job with this id, or nil.
    public func job(_ id: Int64) async throws -> JobRecord? {
        let rows = try await client.guardedQuery("\(unescaped: JobRecord.selectSQL) WHERE id = \(id)", logger: logger)
        for row in rows { return try JobRecord(row: row) }
        return nil
    }

    /// Cancels a job. A waiting job ends cancelled at once; a running one is told through task
    /// cancellation and ends cancelled when its handler stops. Returns the state it is in now.
    @discardableResult
    public func cancel(_ id: Int64) async throws -> JobState {
        let rows = try await client.guardedQuery(
            """
            WITH target AS (SELECT id, state AS before FROM jobs WHERE id = \(id) FOR UPDATE),
            changed AS (
                UPDATE jobs j SET
                    state = CASE WHEN target.before = 'running' THEN j.state ELSE 'cancelled' END,
                    finished_at = CASE WHEN target.before = 'running' THEN NULL ELSE now() END,
                    cancel_requested_at = now()
                FROM target
                WHERE j.id = target.id AND target.before NOT IN ('completed', 'discarded', 'cancelled')
                RETURNING j.state
            )
            SELECT target.before::text, changed.state::text,
                   CASE WHEN changed.state = 'running' THEN pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'c:' || target.id) END IS NULL
            FROM target LEFT JOIN changed ON true
            """, logger: logger)
        for (before, after, _) in try rows.decode((JobState, JobState?, Bool).self) {
            guard let after else {
                throw JobQueueError(code: .invalidState, message: "job \(id) is already \(before.rawValue) and cannot be cancelled")
            }
            return after
        }
        throw JobQueueError(code: .notFound, message: "no job has the id \(id)")
    }

    /// Makes due scheduled and retrying jobs available and wakes the workers of their queues.
    /// Safe to run from many processes at once. Returns how many it made available.
    @discardableResult
    public func promoteDueJobs(limit: Int = 5_000) async throws -> Int {
        try await client.withOpenConnection(logger: logger) { [self] in try await promoteDueJobs(on: $0, limit: limit) }
    }

    /// The same, on the caller's connection (the coordinator's fenced transaction).
    @discardableResult
    public func promoteDueJobs(on connection: PostgresConnection, limit: Int = 5_000) async throws -> Int {
        let rows = try await connection.query(
            """
            WITH due AS (
                SELECT id FROM jobs
                WHERE state IN ('scheduled', 'retryable') AND run_at <= now()
                ORDER BY run_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), promoted AS (
                UPDATE jobs j SET state = 'available' FROM due WHERE j.id = due.id RETURNING j.queue
            )
            SELECT n, pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL
            FROM (SELECT queue, count(*) AS n FROM promoted GROUP BY queue) AS per_queue
            """, logger: logger)
        var promoted = 0
        for try await (count, _) in rows.decode((Int64, Bool).self) { promoted += Int(count) }
        return promoted
    }

    /// Pauses a queue: workers stop claiming from it within a poll interval; running jobs finish.
    public func pause(queue: String) async throws {
        // The notification applies the pause at once; the workers' poll is the fallback.
        try await client.transaction(logger: logger) { [self] connection in
            try await connection.query("INSERT INTO queue_pauses (queue) VALUES (\(queue)) ON CONFLICT DO NOTHING", logger: logger)
            try await connection.query("SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'p:' || \(queue))", logger: logger)
        }
    }

    /// Resumes a paused queue and wakes its workers.
    public func resume(queue: String) async throws {
        let rows = try await client.guardedQuery(
            """
            WITH resumed AS (DELETE FROM queue_pauses WHERE queue = \(queue) RETURNING queue)
            SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'r:' || queue) IS NULL, pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL FROM resumed
            """, logger: logger)
        for _ in rows {}
    }

    /// The paused queues.
    public func pausedQueues() async throws -> Set<String> {
        var paused = Set<String>()
        for name in try await client.guardedQuery("SELECT queue FROM queue_pauses", logger: logger).decode(String.self) {
            paused.insert(name)
        }
        return paused
    }

    /// Brings forward the waiting (scheduled or snoozed) job of `Args` that was enqueued with
    /// `uniqueKey`, to run now; inside the caller's transaction, so its workers wake when that
    /// commits. Returns whether such a job was waiting.
    @discardableResult
    public func runNow<Args: JobArgs>(_ type: Args.Type, uniqueKey: String, on connection: PostgresConnection) async throws -> Bool {
        let stored = EnqueueOptions(uniqueKey: uniqueKey).storedUniqueKey(kind: Args.kind, now: Date()) ?? ""
        let rows = try await connection.query(
            """
            WITH moved AS (
                UPDATE jobs SET state = 'available', run_at = now() WHERE unique_key = \(stored) AND state = 'scheduled' RETURNING queue
            )
            SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL FROM moved
            """, logger: logger)
        var moved = false
        for try await _ in rows { moved = true }
        return moved
    }

    /// Runs a failed, cancelled or waiting job again now, with one more attempt allowed if it
    /// had used them all; a quarantined job starts again with no worker deaths counted.
    public func retry(_ id: Int64) async throws {
        let rows = try await client.guardedQuery(
            """
            WITH target AS (SELECT id, state AS before FROM jobs WHERE id = \(id) FOR UPDATE),
            changed AS (
                UPDATE jobs j SET state = 'available', run_at = now(), finished_at = NULL, cancel_requested_at = NULL,
                    max_attempts = greatest(j.max_attempts, j.attempt + 1), worker_deaths = 0, quarantined_at = NULL, run_alone = false
                FROM target
                WHERE j.id = target.id AND target.before IN ('discarded', 'cancelled', 'retryable', 'scheduled')
                RETURNING j.queue
            )
            SELECT target.before::text, (SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL FROM changed) FROM target
            """, logger: logger)
        for (before, notified) in try rows.decode((JobState, Bool?).self) {
            guard notified != nil else {
                throw JobQueueError(
                    code: .invalidState, message: "job \(id) is \(before.rawValue); only discarded, cancelled or waiting jobs can be retried")
            }
            return
        }
        throw JobQueueError(code: .notFound, message: "no job has the id \(id)")
    }

    /// The newest jobs, optionally of one state, queue and kind, whose arguments contain `args` (a
    /// JSON object, matched as jsonb containment), or only the quarantined ones.
    public func jobs(
        state: JobState? = nil, queue: String? = nil, kind: String? = nil, args: JSONObjectText? = nil, quarantined: Bool = false, limit: Int = 50
    ) async throws -> [JobRecord] {
        let rows = try await client.guardedQuery(
            """
            \(unescaped: JobRecord.selectSQL)
            WHERE (\(state?.rawValue)::job_state IS NULL OR state = \(state?.rawValue)::job_state)
              AND (\(queue)::text IS NULL OR queue = \(queue))
              AND (\(kind)::text IS NULL OR kind = \(kind))
              AND (\(args?.text)::jsonb IS NULL OR args @> \(args?.text)::jsonb)
              AND (NOT \(quarantined) OR quarantined_at IS NOT NULL)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var records: [JobRecord] = []
        for row in rows { records.append(try JobRecord(row: row)) }
        return records
    }

    /// Which of `queues` have ready jobs one worker death short of quarantine: workers run those alone.
    public func queuesWithSuspects(among queues: [String]) async throws -> Set<String> {
        let rows = try await client.guardedQuery(
            """
            SELECT DISTINCT queue FROM jobs WHERE state = 'available' AND run_alone AND queue = ANY(\(queues))
            """, logger: logger)
        var found: Set<String> = []
        for queue in try rows.decode(String.self) { found.insert(queue) }
        return found
    }

    /// Quarantined jobs by queue: discarded for killing their workers, waiting for an operator.
    public func quarantinedCounts() async throws -> [String: Int] {
        let rows = try await client.guardedQuery(
            """
            SELECT queue, count(*)::int FROM jobs WHERE quarantined_at IS NOT NULL GROUP BY queue
            """, logger: logger)
        var counts: [String: Int] = [:]
        for (queue, count) in try rows.decode((String, Int).self) { counts[queue] = count }
        return counts
    }

    /// Running jobs that reported progress, the longest running first, at most `limit`: what
    /// `/metrics` publishes of them (a series per job, so the count is bounded).
    public func runningProgress(limit: Int = 100) async throws -> [RunningProgress] {
        let rows = try await client.guardedQuery(
            """
            SELECT id, queue, kind, progress::int FROM jobs
            WHERE state = 'running' AND progress IS NOT NULL
            ORDER BY attempted_at, id LIMIT \(limit)
            """, logger: logger)
        var running: [RunningProgress] = []
        for (id, queue, kind, progress) in try rows.decode((Int64, String, String, Int).self) {
            running.append(RunningProgress(id: id, queue: queue, kind: kind, percent: progress))
        }
        return running
    }

    /// Counts by queue and state and the oldest available job's age, as the leading coordinator
    /// last recorded them (every housekeeping interval), by queue name.
    public func queueStats() async throws -> [QueueStats] {
        let rows = try await client.guardedQuery(
            """
            SELECT queue, state::text, jobs, extract(epoch FROM recorded_at - oldest_run_at)::float8, recorded_at
            FROM queue_stats ORDER BY queue
            """, logger: logger)
        var byQueue: [String: (counts: [JobState: Int], oldest: Double?, recordedAt: Date)] = [:]
        var order: [String] = []
        for (queue, state, jobs, oldest, recordedAt) in try rows.decode((String, JobState, Int64, Double?, Date).self) {
            if byQueue[queue] == nil { order.append(queue) }
            var entry = byQueue[queue] ?? ([:], nil, recordedAt)
            entry.counts[state] = Int(jobs)
            if state == .available { entry.oldest = oldest.map { max(0, $0) } }
            entry.recordedAt = max(entry.recordedAt, recordedAt)
            byQueue[queue] = entry
        }
        return order.map {
            QueueStats(
                queue: $0, counts: byQueue[$0]!.counts, oldestAvailableAge: byQueue[$0]!.oldest,
                recordedAt: byQueue[$0]!.recordedAt)
        }
    }

    /// How long recently completed jobs waited to start (from their run time) and ran, by queue:
    /// the median and 99th percentile over jobs that finished within `window`, read from at most
    /// `sample` of them, so that a scrape costs the same at 20,000 jobs/s as at 20.
    public func recentLatencies(window: Duration = .seconds(300), sample: Int = 20_000) async throws -> [JobLatencies] {
        let rows = try await client.guardedQuery(
            """
            SELECT queue, count(*)::int,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - run_at))::float8,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - run_at))::float8,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempted_at))::float8,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempted_at))::float8
            FROM (SELECT queue, run_at, attempted_at, finished_at FROM jobs
                  WHERE state = 'completed' AND finished_at > now() - make_interval(secs => \(Double(window.components.seconds)))
                  LIMIT \(sample)) AS recent
            GROUP BY queue ORDER BY queue
            """, logger: logger)
        var latencies: [JobLatencies] = []
        for (queue, count, waitP50, waitP99, runP50, runP99) in try rows.decode((String, Int, Double, Double, Double, Double).self) {
            latencies.append(
                JobLatencies(
                    queue: queue, completed: count, waitP50: max(0, waitP50), waitP99: max(0, waitP99),
                    runP50: max(0, runP50), runP99: max(0, runP99)))
        }
        return latencies
    }
}

/// Wait and run times of one queue's recently completed jobs, in seconds.
public struct JobLatencies: Sendable, Equatable {
    public let queue: String
    public let completed: Int
    public let waitP50: Double
    public let waitP99: Double
    public let runP50: Double
    public let runP99: Double
}
