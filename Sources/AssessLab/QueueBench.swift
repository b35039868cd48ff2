import ArgumentParser
import CommandSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
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
                try await client.query("VACUUM jobs", logger: logger)
                // Its time is printed because a running system pays it too, in autovacuum.
                print(
                    String(
                        format: "then VACUUM jobs (%.2f s), as autovacuum would have by now in a running system",
                        ((ContinuousClock.now - vacuumStart) / .seconds(1))))
            }
            let round = try await bench.round(jobs: bench.jobs, client: client, logger: logger)
            if let cpu = round.cpu { print(cpu.description) }
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
        let enqueueSeconds = try await enqueue(jobs, on: queueName, with: queue)
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
        let unnestSeconds = try await enqueue(jobs, on: "\(queueName)-unnest", with: arrays)
        try await client.query("DELETE FROM jobs WHERE queue = \("\(queueName)-unnest")", logger: logger)
        return Round(
            enqueuePerSecond: Double(jobs) / enqueueSeconds, unnestPerSecond: Double(jobs) / unnestSeconds,
            processPerSecond: Double(jobs) / drainSeconds, latency: recorder, cpu: CPUSplit(from: cpuAtStart, to: cpuAtEnd))
    }

    /// Enqueues `jobs` no-op jobs in batches of `--enqueue-batch`; returns the seconds the queue
    /// took, the caller's encoding of the jobs' arguments (`NewJob`) not counted.
    private func enqueue(_ jobs: Int, on queueName: String, with queue: JobQueueClient) async throws -> Double {
        var seconds = 0.0
        var enqueued = 0
        while enqueued < jobs {
            let count = min(enqueueBatch, jobs - enqueued)
            let stamp = LatencyRecorder.nowNanos()
            let batch = try (0..<count).map { _ in try NewJob(NoOpJob(enqueuedAtNanos: stamp), options: .init(queue: queueName)) }
            let start = ContinuousClock.now
            try await queue.enqueue(batch)
            seconds += (ContinuousClock.now - start) / .seconds(1)
            enqueued += count
        }
        return seconds
    }

    /// Jobs whose handler ran but whose completion is not written yet (an index scan of running jobs).
    static func stillRunning(_ client: PostgresClient, queue: String, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*) FROM jobs WHERE queue = \(queue) AND state = 'running'", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
