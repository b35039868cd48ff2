import ArgumentParser
import CommandSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresSupport
import ServiceLifecycle

/// `assess bench latency`: enqueue at a steady rate into an idle queue; print enqueue-to-start latency.
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency", abstract: "Enqueue at a steady rate into an idle queue; print enqueue-to-start p50/p99.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Jobs enqueued per second.") var rate = 200
    @Option(name: .long, help: "Seconds to run.") var seconds = 10
    @Option(name: .long, help: "Seconds at the same rate before, not counted (0: none).") var warmupSeconds = 1
    @Flag(name: .long, help: "Also print where each job's time went: to the server, from its insert to its claim, from the claim to its handler.")
    var breakdown = false
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    func run() async throws {
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let (rate, seconds, warmupSeconds, json, breakdown) = (self.rate, self.seconds, self.warmupSeconds, self.json, self.breakdown)
        guard rate > 0, seconds > 0 else { throw ValidationError("--rate and --seconds must be positive") }
        guard warmupSeconds >= 0 else { throw ValidationError("--warmup-seconds must not be negative") }
        try await database.withDatabase(allowEmbedded: true, prelude: .migrate, logger: logger) { client, _ in
            let (recorder, queueName) = try await Self.measure(
                client: client, rate: rate, seconds: seconds, warmupSeconds: warmupSeconds, keepsInstants: breakdown, logger: logger)
            if breakdown {
                print(try await LatencyBreakdown.read(queue: queueName, recorder: recorder, client: client, logger: logger).description)
            }
            report(
                "bench latency: \(recorder.count) jobs at \(rate)/s into an idle queue",
                [
                    "enqueue_per_s": Double(rate),
                    "latency_p50_ms": recorder.quantile(0.5),
                    "latency_p99_ms": recorder.quantile(0.99),
                ], json: json)
        }
    }

    /// Enqueues at `rate` per second for `seconds` into a queue of its own with one worker pool,
    /// after `warmupSeconds` at the same rate that are printed and not counted; returns the
    /// enqueue-to-start latencies and the queue's name.
    static func measure(
        client: PostgresClient, rate: Int, seconds: Int, warmupSeconds: Int, keepsInstants: Bool = false, logger: Logger
    ) async throws -> (LatencyRecorder, String) {
        let queue = JobQueueClient(client: client, logger: logger)
        let queueName = "latency-\(UUID().uuidString.prefix(8))"
        let recorder = LatencyRecorder(keepsInstants: keepsInstants)
        var registry = JobRegistry()
        registry.register(RecordingNoOpHandler(recorder: recorder))
        let pool = JobWorkerPool(
            client: client, registry: registry,
            configuration: WorkerConfiguration(queues: [queueName: 50]), logger: logger)
        let group = ServiceGroup(services: [pool], gracefulShutdownSignals: [], logger: logger)
        let total = rate * seconds
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Jobs enqueued before the pool listens wait for its first poll: that is start-up, not latency.
            let listenDeadline = clock.now.advanced(by: .seconds(10))
            while !pool.isListening {
                guard clock.now < listenDeadline else {
                    throw ValidationError("the worker pool was not listening for wake-ups within 10 s")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            // The first enqueues open the pool's connections and warm new backends' caches,
            // tens of milliseconds each: start-up again, so they are shown apart.
            if warmupSeconds > 0 {
                let warmupJobs = rate * warmupSeconds
                try await enqueueSteadily(warmupJobs, rate: rate, queue: queue, name: queueName, until: recorder, logger: logger)
                let warmup = recorder.restart()
                print(
                    String(
                        format: "warm-up: %d jobs in %d s, not counted: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                        warmup.count, warmupSeconds, warmup.quantile(0.5), warmup.quantile(0.99), warmup.quantile(1)))
                // Now, not at exit: a script reading this (ops/bench-disk-stall) learns the measured window began.
                fflush(nil)
            }
            try await enqueueSteadily(total, rate: rate, queue: queue, name: queueName, until: recorder, logger: logger)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return (recorder, queueName)
    }

    /// Enqueues `count` jobs at `rate` per second, then waits until all have started (10 s at most).
    private static func enqueueSteadily(
        _ count: Int, rate: Int, queue: JobQueueClient, name: String, until recorder: LatencyRecorder, logger: Logger
    ) async throws {
        let clock = ContinuousClock()
        let interval = Duration.seconds(1) / rate
        let before = recorder.count
        var next = clock.now
        // Enqueues run side by side, so a slow commit does not hold back the schedule.
        try await withThrowingTaskGroup(of: Void.self) { senders in
            for _ in 0..<count {
                next = next.advanced(by: interval)
                try await clock.sleep(until: next)
                senders.addTask {
                    let stamp = LatencyRecorder.nowNanos()
                    let job = try await ConnectionRetry.retrying("an enqueue", logger: logger) {
                        try await queue.enqueue(NoOpJob(enqueuedAtNanos: stamp), options: .init(queue: name))
                    }
                    recorder.recordEnqueue(job: job.id, began: stamp, returned: LatencyRecorder.nowNanos())
                }
            }
            try await senders.waitForAll()
        }
        let deadline = clock.now.advanced(by: .seconds(10))
        while recorder.count - before < count {
            guard clock.now < deadline else {
                throw ValidationError("only \(recorder.count - before) of \(count) jobs started within 10 s after the last enqueue")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
