import Logging
import PostgresNIO
import PostgresSupport
import Synchronization

/// The queues a transaction made ready, to wake once it has committed. `PostgresClient.transaction`
/// binds one for its body; an enqueue inside it records its queues here instead of notifying from
/// the insert trigger, so the caller's commit holds no NOTIFY lock across its WAL flush.
final class PendingWakes: Sendable {
    @TaskLocal static var current: PendingWakes?

    private let queues = Mutex(Set<String>())

    func add(_ ready: Set<String>) { queues.withLock { $0.formUnion(ready) } }

    var ready: Set<String> { queues.withLock { $0 } }

    /// Wakes the workers of `queues` from a transaction that does not wait for its WAL flush:
    /// NOTIFY's cluster-wide lock is held for microseconds instead of an fsync (see
    /// Schema/0011). The jobs are committed already; if this is lost, the workers' poll finds
    /// them, so a failure is logged, not thrown.
    static func wake(_ queues: Set<String>, on connection: PostgresConnection, logger: Logger) async {
        guard !queues.isEmpty else { return }
        do {
            try await connection.query(statement(waking: queues), logger: logger)
        } catch {
            logged(error, logger: logger)
        }
    }

    /// The same, right after a statement that committed on its own, on its connection, and run
    /// even with no queue to wake: the server takes it only once that commit is done (with a
    /// synchronous standby's acknowledgement when there is one), while the statement's rows came
    /// back before. So it confirms the commit, and a lost connection here (a primary stopped for
    /// a failover while the commit waited) leaves the outcome unknown: thrown, for the caller to
    /// send again, where a logged failure once answered jobs as enqueued that the failover lost.
    /// Any other failure came after the commit, and is logged.
    static func wakeConfirmingCommit(_ queues: Set<String>, on connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await connection.query(statement(waking: queues), logger: logger)
        } catch  where DatabaseErrorSummary.isConnectionLoss(error) {
            throw error
        } catch {
            logged(error, logger: logger)
        }
    }

    private static func statement(waking queues: Set<String>) -> PostgresQuery {
        """
        SELECT set_config('synchronous_commit', 'off', true), pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || q)
        FROM unnest(\(queues.sorted())) AS q
        """
    }

    private static func logged(_ error: any Error, logger: Logger) {
        logger.notice(
            "waking workers after an enqueue failed; their poll will find the jobs", metadata: ["error": "\(DatabaseErrorSummary(error))"])
    }
}
