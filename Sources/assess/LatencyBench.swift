import ArgumentParser
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// `assess bench latency`: enqueue at a steady rate into an idle queue; print enqueue-to-start latency.
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency", abstract: "Enqueue at a steady rate into an idle queue; print enqueue-to-start p50/p99.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Jobs enqueued per second.") var rate = 200
    @Option(name: .long, help: "Seconds to run.") var seconds = 10
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    func run() async throws {
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let (rate, seconds, json) = (self.rate, self.seconds, self.json)
        guard rate > 0, seconds > 0 else { throw ValidationError("--rate and --seconds must be positive") }
        try await database.withDatabase(allowEmbedded: true, logger: logger) { client, _ in
            let queue = JobQueueClient(client: client, logger: logger)
            let queueName = "latency-\(UUID().uuidString.prefix(8))"
            let recorder = LatencyRecorder()
            var registry = JobRegistry()
            registry.register(RecordingNoOpHandler(recorder: recorder))
            let pool = JobWorkerPool(client: client, registry: registry,
                                     configuration: WorkerConfiguration(queues: [queueName: 50]), logger: logger)
            let group = ServiceGroup(services: [pool], gracefulShutdownSignals: [], logger: logger)
            let total = rate * seconds
            let started = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // Jobs enqueued before the pool listens wait for its first poll: that is start-up, not latency.
                let clock = ContinuousClock()
                let listenDeadline = clock.now.advanced(by: .seconds(10))
                while !pool.isListening {
                    guard clock.now < listenDeadline else {
                        throw ValidationError("the worker pool was not listening for wake-ups within 10 s")
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
                let interval = Duration.seconds(1) / rate
                var next = clock.now
                // Enqueues run side by side, so a slow commit does not hold back the schedule.
                try await withThrowingTaskGroup(of: Void.self) { senders in
                    for _ in 0..<total {
                        next = next.advanced(by: interval)
                        try await clock.sleep(until: next)
                        senders.addTask {
                            try await queue.enqueue(NoOpJob(enqueuedAtNanos: LatencyRecorder.nowNanos()),
                                                    options: .init(queue: queueName))
                        }
                    }
                    try await senders.waitForAll()
                }
                let deadline = clock.now.advanced(by: .seconds(10))
                while recorder.count < total, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return recorder.count
            }
            guard started == total else {
                throw ValidationError("only \(started) of \(total) jobs started within 10 s after the last enqueue")
            }
            report("bench latency: \(total) jobs at \(rate)/s into an idle queue", [
                "enqueue_per_s": Double(rate),
                "latency_p50_ms": recorder.quantile(0.5),
                "latency_p99_ms": recorder.quantile(0.99),
            ], json: json)
        }
    }
}
