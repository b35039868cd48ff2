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

    private let prefix: String
    private let confirmed = Mutex<[Int64]>([])

    /// A producer whose unique keys start with `prefix`: one per producer of a run.
    init(prefix: String = "chaos") {
        self.prefix = prefix
    }

    /// Ids of the jobs whose enqueue was answered.
    var confirmedIDs: [Int64] { confirmed.withLock { $0 } }

    /// Adds ids enqueued by someone else (the burst) to those that must each run once.
    func confirm(_ ids: [Int64]) {
        confirmed.withLock { $0.append(contentsOf: ids) }
    }

    /// Enqueues at `rate` per second until cancelled.
    func run(queue: JobQueueClient, rate: Int, logger: Logger) async {
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        while !Task.isCancelled {
            let owed = Int((clock.now - started) / .seconds(1) * Double(rate)) - sent
            if owed > 0 {
                let numbers = sent..<(sent + owed)
                sent += owed
                do {
                    let jobs = try numbers.map {
                        try NewJob(ProbeJob(milliseconds: ChaosProducer.workMilliseconds), options: .init(uniqueKey: "\(prefix)-\($0)"))
                    }
                    let enqueued = try await ConnectionRetry.retrying("an enqueue", budget: .seconds(60), logger: logger) {
                        try await queue.enqueue(jobs)
                    }
                    confirmed.withLock { $0.append(contentsOf: enqueued.map(\.id)) }
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
