import Logging

/// Runs work again when it failed because its connection was lost (`DatabaseErrorSummary
/// .isConnectionLoss`), for as long as a budget allows: PostgreSQL restarting, a backend terminated
/// or a failover leave a process's own statements failing for a moment, and a command should carry
/// on once the server is back rather than end. Only for work that is whole or nothing: a transaction
/// (rolled back when its connection dies), a read, or a write whose repeat is harmless.
public enum ConnectionRetry {
    /// `retryable` widens what counts as a lost connection, for a client of another protocol (HTTP)
    /// whose server answers "unavailable, send again".
    public static func retrying<Result>(
        _ what: String, budget: Duration = .seconds(60), logger: Logger,
        retryable: (any Error) -> Bool = DatabaseErrorSummary.isConnectionLoss, _ work: () async throws -> Result
    ) async throws -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        var pause = Duration.milliseconds(100)
        while true {
            do {
                return try await work()
            } catch  where retryable(error) && clock.now + pause < deadline {
                logger.warning("\(what) lost its connection; trying again", metadata: ["error": "\(DatabaseErrorSummary(error))"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
    }
}
