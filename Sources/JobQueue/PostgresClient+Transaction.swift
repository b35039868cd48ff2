import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, except that an error thrown by `body` (a refusal, a snooze, a lost
    /// lease) reaches the caller as itself; only a failed BEGIN or COMMIT stays a transaction error.
    /// Jobs `body` enqueues wake their workers right after the commit, from a transaction that does
    /// not wait for its WAL flush, so this commit holds no NOTIFY lock while it waits for its own.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let pending = PendingWakes()
        let result: Result
        do {
            result = try await PendingWakes.$current.withValue(pending) {
                try await withTransaction(logger: logger) { try await body($0) }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
        let ready = pending.ready
        if !ready.isEmpty {
            do {
                try await withConnection { await PendingWakes.wake(ready, on: $0, logger: logger) }
            } catch {
                logger.notice("no connection to wake workers after a commit; their poll will find the jobs", metadata: ["error": "\(error)"])
            }
        }
        return result
    }
}
