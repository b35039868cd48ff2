import ArgumentParser
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// `assess bench queue`: bulk-enqueue N no-op jobs while worker pools drain them.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Bulk-enqueue N no-op jobs while W worker pools drain them; print throughput and latency.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Jobs to enqueue.") var jobs = 100_000
    @Option(name: .long, help: "Worker pools, each with its own claim loop.") var workers = 2
    @Option(name: .long, help: "Jobs run at once per pool.") var concurrency = 2_000
    @Option(name: .long, help: "Most jobs claimed per statement.") var batchSize = 1_000
    @Option(name: .long, help: "Jobs per enqueue statement.") var enqueueBatch = 10_000
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    func run() async throws {
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let (jobs, workers, concurrency, batchSize, enqueueBatch, json) =
            (self.jobs, self.workers, self.concurrency, self.batchSize, self.enqueueBatch, self.json)
        guard jobs > 0, workers > 0, concurrency > 0, batchSize > 0, enqueueBatch > 0 else {
            throw ValidationError("--jobs, --workers, --concurrency, --batch-size and --enqueue-batch must be positive")
        }
        try await database.withDatabase(allowEmbedded: true, maximumConnections: 8 * workers + 8, logger: logger) { client, _ in
            let queue = JobQueueClient(client: client, logger: logger)
            let queueName = "bench-\(UUID().uuidString.prefix(8))"
            let recorder = LatencyRecorder()
            var registry = JobRegistry()
            registry.register(RecordingNoOpHandler(recorder: recorder))
            let pools = (0..<workers).map { index in
                JobWorkerPool(client: client, registry: registry, configuration: WorkerConfiguration(
                    queues: [queueName: concurrency], claimBatchSize: batchSize,
                    workerID: "bench-\(index)"), logger: logger)
            }
            let group = ServiceGroup(services: pools, gracefulShutdownSignals: [], logger: logger)
            let (enqueueSeconds, totalSeconds) = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(300))  // pools listening before the first job
                let start = ContinuousClock.now
                var enqueued = 0
                while enqueued < jobs {
                    let count = min(enqueueBatch, jobs - enqueued)
                    let stamp = LatencyRecorder.nowNanos()
                    try await queue.enqueue((0..<count).map { _ in
                        try NewJob(NoOpJob(enqueuedAtNanos: stamp), options: .init(queue: queueName))
                    })
                    enqueued += count
                }
                let enqueueDone = ContinuousClock.now
                while recorder.count < jobs { try await Task.sleep(for: .milliseconds(2)) }
                while try await Self.unfinished(client, queue: queueName, logger: logger) > 0 {
                    try await Task.sleep(for: .milliseconds(2))
                }
                let end = ContinuousClock.now
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return ((enqueueDone - start).seconds, (end - start).seconds)
            }
            report("bench queue: \(jobs) no-op jobs, \(workers) pools × \(concurrency) slots, claim batch \(batchSize)", [
                "enqueue_per_s": Double(jobs) / enqueueSeconds,
                "process_per_s": Double(jobs) / totalSeconds,
                "latency_p50_ms": recorder.quantile(0.5),
                "latency_p99_ms": recorder.quantile(0.99),
            ], json: json)
        }
    }

    static func unfinished(_ client: PostgresClient, queue: String, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*) FROM jobs WHERE queue = \(queue) AND state <> 'completed'", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
