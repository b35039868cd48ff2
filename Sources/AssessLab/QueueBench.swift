import ArgumentParser
import CommandSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresSupport
import ServiceLifecycle

/// `assess bench queue`: bulk-enqueue N no-op jobs (with COPY, and again with one INSERT of
/// arrays for comparison), then drain them with W worker pools.
///
/// A warm-up round runs first and is printed too, then `VACUUM jobs`, as pgbench vacuums before
/// it measures: a queue in production is a table that has seen churn and that autovacuum keeps
/// up with, so that new row versions reuse freed space. Without the vacuum the measured round pays
/// for the warm-up's dead rows (new pages, pruning on the way): about a fifth more PostgreSQL CPU
/// per job here. The warm-up's own figure shows a table with neither churn nor vacuum.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Bulk-enqueue N no-op jobs, then drain them with W worker pools; print throughput and latency.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Jobs to enqueue and drain in the measured round.") var jobs = 100_000
    @Option(name: .long, help: "Jobs of the warm-up round before it (0: none).") var warmup: Int?
    @Option(name: .long, help: "Worker pools, each with its own claim loop.") var workers = 2
    @Option(name: .long, help: "Jobs run at once per pool.") var concurrency = 3_000
    @Option(name: .long, help: "Most jobs claimed per statement.") var batchSize = 3_000
    @Option(name: .long, help: "Jobs per enqueue statement.") var enqueueBatch = 10_000
    @Option(
        name: .long,
        help:
            "Ready jobs of a queue nobody serves to fill the table with; the round and a latency run are measured on an empty table first, then beside them (0: neither)."
    ) var backlog = 0
    @Option(name: .long, help: "Completed jobs kept in the table beside the backlog.") var retained = 0
    @Option(name: .long, help: "Jobs per second of the latency runs beside the backlog.") var latencyRate = 200
    @Option(name: .long, help: "Seconds of each latency run beside the backlog.") var latencySeconds = 10
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    struct Round {
        /// Through COPY, as `enqueue(_:)` writes a batch of `--enqueue-batch`.
        let enqueuePerSecond: Double
        /// The same jobs through one INSERT of arrays (`unnest`), COPY turned off.
        let unnestPerSecond: Double
        let processPerSecond: Double
        let latency: LatencyRecorder
        let cpu: CPUSplit?
    }

    func run() async throws {
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let warmup = self.warmup ?? jobs
        guard jobs > 0, warmup >= 0, workers > 0, concurrency > 0, batchSize > 0, enqueueBatch > 0 else {
            throw ValidationError("--jobs, --workers, --concurrency, --batch-size and --enqueue-batch must be positive")
        }
        let bench = self
        try await database.withDatabase(allowEmbedded: true, prelude: .migrate, maximumConnections: 8 * workers + 8, logger: logger) { client, _ in
            if warmup > 0 {
                let round = try await bench.round(jobs: warmup, client: client, logger: logger)
                print(
                    String(
                        format: "warm-up: %d jobs, enqueue %.0f/s (COPY), %.0f/s (unnest), process %.0f/s (a table that saw no churn yet)",
                        warmup, round.enqueuePerSecond, round.unnestPerSecond, round.processPerSecond))
                let vacuumStart = ContinuousClock.now
                _ = try await ConnectionRetry.retrying("VACUUM", logger: logger) { try await client.query("VACUUM jobs", logger: logger) }
                // Its time is printed because a running system pays it too, in autovacuum.
                print(
                    String(
                        format: "then VACUUM jobs (%.2f s), as autovacuum would have by now in a running system",
                        ((ContinuousClock.now - vacuumStart) / .seconds(1))))
            }
            let round = try await bench.round(jobs: bench.jobs, client: client, logger: logger)
            if let cpu = round.cpu { print(cpu.description) }
            if bench.backlog > 0 || bench.retained > 0 {
                try await bench.besideBacklog(empty: round, client: client, logger: logger)
                return
            }
            report(
                """
                bench queue: \(bench.jobs) no-op jobs enqueued, then drained by \(bench.workers) pools × \(bench.concurrency) \
                slots, claim batch \(bench.batchSize); latency is enqueue-to-start under that backlog
                """,
                [
                    "enqueue_per_s": round.enqueuePerSecond,
                    "enqueue_unnest_per_s": round.unnestPerSecond,
                    "process_per_s": round.processPerSecond,
                    "latency_p50_ms": round.latency.quantile(0.5),
                    "latency_p99_ms": round.latency.quantile(0.99),
                ], json: bench.json)
        }
    }

    /// The round and a latency run at `--latency-rate` on the empty table (`empty` is its round),
    /// then the same beside `--backlog` ready and `--retained` completed jobs, each with the claim's
    /// plan; prints both and their ratios.
    private func besideBacklog(empty: Round, client: PostgresClient, logger: Logger) async throws {
        let queue = JobQueueClient(client: client, logger: logger)
        try await Self.checkpoint(client: client, logger: logger)
        let (emptyLatency, _) = try await LatencyBench.measure(
            client: client, rate: latencyRate, seconds: latencySeconds, warmupSeconds: 1, logger: logger)
        print("the claim on an empty table:\n" + (try await plannedClaim(queue, client: client, logger: logger)))
        let fillStart = ContinuousClock.now
        try await Self.fill(backlog: backlog, retained: retained, client: client, logger: logger)
        let vacuumStart = ContinuousClock.now
        try await client.query("VACUUM ANALYZE jobs", logger: logger)
        print(
            String(
                format: "filled %d ready and %d completed jobs in %.0f s, then VACUUM ANALYZE jobs in %.0f s",
                backlog, retained, (vacuumStart - fillStart) / .seconds(1), (ContinuousClock.now - vacuumStart) / .seconds(1)))
        try await Self.checkpoint(client: client, logger: logger)
        let deep = try await round(jobs: jobs, client: client, logger: logger)
        let (deepLatency, _) = try await LatencyBench.measure(
            client: client, rate: latencyRate, seconds: latencySeconds, warmupSeconds: 1, logger: logger)
        print("the claim beside the backlog:\n" + (try await plannedClaim(queue, client: client, logger: logger)))
        let drainRatio = deep.processPerSecond / empty.processPerSecond
        let latencyRatio = deepLatency.quantile(0.99) / emptyLatency.quantile(0.99)
        report(
            """
            bench queue beside a backlog: \(jobs) fresh jobs drained and \(latencyRate) jobs/s started for \(latencySeconds) s, on an empty table \
            and beside \(backlog) ready and \(retained) completed jobs; drain ratio \(String(format: "%.2f", drainRatio)) \
            (at least 0.8 wanted), p99 ratio \(String(format: "%.2f", latencyRatio)) (at most 1.5 wanted)
            """,
            [
                "process_per_s_empty": empty.processPerSecond, "process_per_s_backlog": deep.processPerSecond,
                "latency_p99_ms_empty": emptyLatency.quantile(0.99), "latency_p99_ms_backlog": deepLatency.quantile(0.99),
                "latency_p50_ms_empty": emptyLatency.quantile(0.5), "latency_p50_ms_backlog": deepLatency.quantile(0.5),
                "drain_ratio": drainRatio, "p99_ratio": latencyRatio,
            ], json: json)
    }

    /// Writes out what is dirty before a measurement, as pgbench does: the fill's gigabytes of WAL
    /// otherwise set off a checkpoint in the middle of it, which the empty table never pays.
    static func checkpoint(client: PostgresClient, logger: Logger) async throws {
        let start = ContinuousClock.now
        try await client.query("CHECKPOINT", logger: logger)
        print(String(format: "CHECKPOINT (%.1f s)", (ContinuousClock.now - start) / .seconds(1)))
    }

    /// The plan of a claim of a batch from a queue holding one batch of fresh jobs, removed after.
    private func plannedClaim(_ queue: JobQueueClient, client: PostgresClient, logger: Logger) async throws -> String {
        let name = "bench-explain-\(UUID().uuidString.prefix(8))"
        _ = try await queue.enqueue((0..<batchSize).map { _ in try NewJob(NoOpJob(enqueuedAtNanos: 0), options: .init(queue: name)) })
        let plan = try await queue.explainClaim(queue: name, limit: batchSize)
        try await client.query("DELETE FROM jobs WHERE queue = \(name)", logger: logger)
        return plan
    }

    /// Fills the table in statements of a million rows: ready jobs of a queue nobody serves, and
    /// completed ones as the retention period keeps them.
    static func fill(backlog: Int, retained: Int, client: PostgresClient, logger: Logger) async throws {
        for (count, state) in [(backlog, "available"), (retained, "completed")] {
            var done = 0
            while done < count {
                let rows = min(1_000_000, count - done)
                try await client.query(
                    """
                    INSERT INTO jobs (queue, kind, args, state, attempt, attempted_at, finished_at)
                    SELECT \("bench-\(state)"), 'bench.noop', jsonb_build_object('n', g), \(state)::job_state,
                           CASE WHEN \(state) = 'completed' THEN 1 ELSE 0 END,
                           CASE WHEN \(state) = 'completed' THEN now() END, CASE WHEN \(state) = 'completed' THEN now() END
                    FROM generate_series(1, \(rows)) AS g
                    """, logger: logger)
                done += rows
            }
        }
    }

    /// Enqueues `jobs` with no worker running, so the enqueue rate does not share the CPU, then
    /// drains them; the drain ends when every completion is written, not merely run.
    private func round(jobs: Int, client: PostgresClient, logger: Logger) async throws -> Round {
        let queue = JobQueueClient(client: client, logger: logger)
        let queueName = "bench-\(UUID().uuidString.prefix(8))"
        let recorder = LatencyRecorder()
        var registry = JobRegistry()
        registry.register(RecordingNoOpHandler(recorder: recorder))
        let pools = (0..<workers).map { index in
            JobWorkerPool(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    queues: [queueName: concurrency], claimBatchSize: batchSize, workerID: "bench-\(index)"), logger: logger)
        }
        let enqueueSeconds = try await enqueue(jobs, on: queueName, with: queue, logger: logger)
        let group = ServiceGroup(services: pools, gracefulShutdownSignals: [], logger: logger)
        let cpuAtStart = CPUSplit.Reading.now()
        let (drainSeconds, cpuAtEnd) = try await withThrowingTaskGroup(of: Void.self) { tasks in
            let drainStart = ContinuousClock.now
            tasks.addTask { try await group.run() }
            while recorder.count < jobs { try await Task.sleep(for: .milliseconds(2)) }
            while try await Self.stillRunning(client, queue: queueName, logger: logger) > 0 {
                try await Task.sleep(for: .milliseconds(2))
            }
            let drained = ((ContinuousClock.now - drainStart) / .seconds(1))
            let cpuAtEnd = CPUSplit.Reading.now()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return (drained, cpuAtEnd)
        }
        // The same enqueue without COPY, into a queue nobody serves, removed after.
        var arrays = queue
        arrays.bulkCopyThreshold = .max
        let unnestSeconds = try await enqueue(jobs, on: "\(queueName)-unnest", with: arrays, logger: logger)
        try await client.query("DELETE FROM jobs WHERE queue = \("\(queueName)-unnest")", logger: logger)
        return Round(
            enqueuePerSecond: Double(jobs) / enqueueSeconds, unnestPerSecond: Double(jobs) / unnestSeconds,
            processPerSecond: Double(jobs) / drainSeconds, latency: recorder, cpu: CPUSplit(from: cpuAtStart, to: cpuAtEnd))
    }

    /// Enqueues `jobs` no-op jobs in batches of `--enqueue-batch`; returns the seconds the queue
    /// took, the caller's encoding of the jobs' arguments (`NewJob`) not counted.
    private func enqueue(_ jobs: Int, on queueName: String, with queue: JobQueueClient, logger: Logger) async throws -> Double {
        var seconds = 0.0
        var enqueued = 0
        while enqueued < jobs {
            let count = min(enqueueBatch, jobs - enqueued)
            let stamp = LatencyRecorder.nowNanos()
            let batch = try (0..<count).map { _ in try NewJob(NoOpJob(enqueuedAtNanos: stamp), options: .init(queue: queueName)) }
            let start = ContinuousClock.now
            // A batch is one transaction: lost with its connection, it is sent again.
            try await ConnectionRetry.retrying("an enqueue", logger: logger) { _ = try await queue.enqueue(batch) }
            seconds += (ContinuousClock.now - start) / .seconds(1)
            enqueued += count
        }
        return seconds
    }

    /// Jobs whose handler ran but whose completion is not written yet (an index scan of running jobs).
    static func stillRunning(_ client: PostgresClient, queue: String, logger: Logger) async throws -> Int {
        try await ConnectionRetry.retrying("counting running jobs", logger: logger) {
            let rows = try await client.query(
                "SELECT count(*) FROM jobs WHERE queue = \(queue) AND state = 'running'", logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
