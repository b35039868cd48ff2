import Logging
import PostgresNIO

/// Runs `body` with a client of `url` that runs while it does, and is shut down after: for a
/// command, bench or test that needs a database for the length of one piece of work.
public func withRunningClient<Result: Sendable>(
    _ url: DatabaseURL, maximumConnections: Int = 20, logger: Logger, isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(
        configuration: try url.clientConfiguration(maximumConnections: maximumConnections, logger: logger), backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
