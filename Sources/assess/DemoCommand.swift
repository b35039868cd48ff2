import ArgumentParser
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// `assess demo`: the main job. Today it shows the queue at work on the embedded database;
/// the assessment season joins it as the workflow lands.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the demo on DATABASE_URL, or on a throwaway local PostgreSQL when it is unset.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.logger(label: "assess.demo", quietest: .notice)
        let start = ContinuousClock.now
        try await database.withDatabase(allowEmbedded: true, durability: .throwaway, logger: logger) { client, url in
            print("database: \(url)")
            let queue = JobQueueClient(client: client, logger: logger)
            let recorder = LatencyRecorder()
            var registry = JobRegistry()
            registry.register(RecordingNoOpHandler(recorder: recorder))
            let pool = JobWorkerPool(client: client, registry: registry, configuration: .init(queues: ["default": 50]), logger: logger)
            let group = ServiceGroup(services: [pool], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let count = 1_000
                print("enqueuing \(count) jobs in one statement …")
                try await queue.enqueue((0..<count).map { _ in
                    try NewJob(NoOpJob(enqueuedAtNanos: LatencyRecorder.nowNanos()))
                })
                while recorder.count < count { try await Task.sleep(for: .milliseconds(20)) }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            print("ran \(recorder.count) jobs; enqueue-to-start p50 \(String(format: "%.1f", recorder.quantile(0.5))) ms")
        }
        print("demo finished in \(String(format: "%.1f", (ContinuousClock.now - start).seconds)) s")
    }
}
