import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// A job with a number, for tests that count what ran.
struct NumberedJob: JobArgs {
    static let kind = "test.numbered"
    var n: Int
}

/// A handler made of a closure.
struct ClosureHandler<Args: JobArgs>: JobHandler {
    let body: @Sendable (Args, JobContext) async throws -> Void
    init(_ type: Args.Type = Args.self, _ body: @escaping @Sendable (Args, JobContext) async throws -> Void) {
        self.body = body
    }
    func handle(_ args: Args, context: JobContext) async throws { try await body(args, context) }
}

/// A counter per key, shared by handlers.
final class Tally<Key: Hashable & Sendable>: Sendable {
    private let counts = Mutex<[Key: Int]>([:])
    func add(_ key: Key) { counts.withLock { $0[key, default: 0] += 1 } }
    var snapshot: [Key: Int] { counts.withLock { $0 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// Settings that make tests quick: short poll, lease and backoff.
func quickConfiguration(queues: [String: Int] = ["default": 10], workerID: String = "test-worker") -> WorkerConfiguration {
    WorkerConfiguration(
        queues: queues, claimBatchSize: 50, leaseDuration: .seconds(5), heartbeatInterval: .milliseconds(200),
        pollInterval: .milliseconds(100), drainTimeout: .seconds(5),
        retryPolicy: RetryPolicy(base: .milliseconds(100), cap: .seconds(2), jitter: 0.1), workerID: workerID)
}

/// A job run sooner than this under `slowPollConfiguration` was woken by a notification: on a
/// loaded machine a notified job has taken 8 s to run, so the margin is wide.
let slowPollMargin: Duration = .seconds(20)

/// Quick settings but a 30 s poll.
func slowPollConfiguration() -> WorkerConfiguration {
    var configuration = quickConfiguration()
    configuration.pollInterval = .seconds(30)
    return configuration
}

/// Handlers of `NumberedJob` that count each number's runs in `runs`, then work for `working`.
func countingRegistry(_ runs: Tally<Int>, working: Duration = .zero) -> JobRegistry {
    var registry = JobRegistry()
    registry.register(
        ClosureHandler(NumberedJob.self) { args, _ in
            runs.add(args.n)
            if working > .zero { try await Task.sleep(for: working) }
        })
    return registry
}

/// Runs one pool of `registry` while `body` runs, then drains it.
func withPool<Result: Sendable>(
    _ registry: JobRegistry, _ configuration: WorkerConfiguration = quickConfiguration(),
    client: PostgresClient, database: TestDatabase, _ body: () async throws -> Result
) async throws -> Result {
    let pool = JobWorkerPool(client: client, registry: registry, configuration: configuration, logger: database.logger)
    return try await withServices([pool], logger: database.logger, body)
}
