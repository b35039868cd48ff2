import Logging
import PostgresNIO
import PostgresSupport

extension PostgresClient {
    /// `withTransaction`, except that an error thrown by `body` (a refusal, a snooze, a lost
    /// lease) reaches the caller as itself; only a failed BEGIN or COMMIT stays a transaction error.
    /// Jobs `body` enqueues wake their workers right after the commit, from a transaction that does
    /// not wait for its WAL flush, so this commit holds no NOTIFY lock while it waits for its own.
    /// A connection that closes under `body` ends it with `ConnectionClosedUnanswered`, a lost
    /// connection, rather than leaving it waiting for an answer that never comes.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let pending = PendingWakes()
        let result: Result
        do {
            result = try await PendingWakes.$current.withValue(pending) {
                try await withOpenConnection(logger: logger) { connection in
                    try await connection.withTransaction(logger: logger) { try await body($0) }
                }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
        let ready = pending.ready
        if !ready.isEmpty {
            do {
                try await withOpenConnection(logger: logger) { await PendingWakes.wake(ready, on: $0, logger: logger) }
            } catch {
                logger.notice("no connection to wake workers after a commit; their poll will find the jobs", metadata: ["error": "\(error)"])
            }
        }
        return result
    }
}
