import Logging
import PostgresNIO
import ServiceLifecycle
import Testing

/// Waits until `condition` holds, failing the test after `timeout`. The timeout is no claim of
/// speed, only the point of giving up: the suites share two cores (eight tests at a time under
/// `ops/test`, all at once under a bare `swift test`), and a condition that holds in a second alone
/// has taken twenty beside the rest. Checking every 100 ms, not 20, keeps the waiting tests from
/// loading the database they wait on.
public func eventually(
    timeout: Duration = .seconds(45), _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// Runs services (pools, coordinators) while `body` runs, then shuts them down gracefully and
/// waits for them to drain.
public func withServices<Result: Sendable>(
    _ services: [any Service], logger: Logger, _ body: () async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

extension PostgresClient {
    /// The single integer a query returns.
    public func scalar(_ query: PostgresQuery) async throws -> Int {
        for try await value in try await self.query(query).decode(Int.self) { return value }
        throw TestSetupError(description: "the query returned no row")
    }

    /// The ticks (Unix seconds) of cron schedule `schedule` that have a job of `kind`, in order:
    /// the tick is the last part of the job's unique key.
    public func cronTicks(kind: String, schedule: String) async throws -> [Int64] {
        var ticks: [Int64] = []
        for try await tick in try await query(
            """
            SELECT split_part(unique_key, ':', 4)::bigint AS tick FROM jobs
            WHERE unique_key LIKE \(kind + ":cron:" + schedule + ":%") ORDER BY tick
            """
        ).decode(Int64.self) { ticks.append(tick) }
        return ticks
    }
}
