import Foundation
import JobQueue
import Logging
import PostgresSupport
import Synchronization

/// Enqueues probe jobs at a steady rate, each under a unique key, so that an enqueue sent again
/// after a lost connection (whose first COMMIT may have landed) never makes a second job. It keeps
/// the rate through an outage: the jobs a stalled tick owed go out with the next.
final class ChaosProducer: Sendable {
    /// How long each job works: long enough that a killed worker dies with jobs in hand.
    static let workMilliseconds = 20

    /// Sends the probes of these keys and answers with their jobs' ids.
    typealias Send = @Sendable (_ keys: [String]) async throws -> [Int64]

    private let prefix: String
    private let confirmed = Mutex<[Int64]>([])
    private let stopped = Atomic<Bool>(false)

    /// A producer whose unique keys start with `prefix`: one per producer of a run.
    init(prefix: String = "chaos") {
        self.prefix = prefix
    }

    /// Ends the run once the send in flight is answered: a cancelled request could still commit on
    /// the server after the run has counted what ran, and its jobs would look lost.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Ids of the jobs whose enqueue was answered.
    var confirmedIDs: [Int64] { confirmed.withLock { $0 } }

    /// Adds ids enqueued by someone else (the burst) to those that must each run once.
    func confirm(_ ids: [Int64]) {
        confirmed.withLock { $0.append(contentsOf: ids) }
    }

    /// Enqueues at `rate` per second on its own statements (shared with the process's other
    /// standalone enqueues) until stopped or cancelled.
    func run(queue: JobQueueClient, rate: Int, logger: Logger) async {
        await run(rate: rate, logger: logger) { keys in
            let jobs = try keys.map { try NewJob(ProbeJob(milliseconds: ChaosProducer.workMilliseconds), options: .init(uniqueKey: $0)) }
            return try await queue.enqueue(jobs).map(\.id)
        }
    }

    /// Enqueues at `rate` per second with `send` until stopped or cancelled; a send that lost its connection
    /// is sent again with the same keys for up to a minute.
    func run(rate: Int, logger: Logger, retryable: (any Error) -> Bool = DatabaseErrorSummary.isConnectionLoss, send: Send) async {
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        while !Task.isCancelled && !stopped.load(ordering: .relaxed) {
            let owed = Int((clock.now - started) / .seconds(1) * Double(rate)) - sent
            if owed > 0 {
                let keys = (sent..<(sent + owed)).map { "\(prefix)-\($0)" }
                sent += owed
                do {
                    let ids = try await ConnectionRetry.retrying("an enqueue", budget: .seconds(60), logger: logger, retryable: retryable) {
                        try await send(keys)
                    }
                    confirmed.withLock { $0.append(contentsOf: ids) }
                } catch {
                    if Task.isCancelled { return }
                    // Not counted as lost: the producer was told. The bench logs at error by default, so it shows.
                    logger.error("an enqueue failed for good", metadata: ["error": "\(DatabaseErrorSummary(error))"])
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
