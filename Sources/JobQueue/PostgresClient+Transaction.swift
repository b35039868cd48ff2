import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, except that an error thrown by `body` (a refusal, a snooze, a lost
    /// lease) reaches the caller as itself; only a failed BEGIN or COMMIT stays a transaction error.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { try await body($0) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}
