import PostgresSupport

/// Runs `operation` but stops waiting for it after `limit`: a request caught by a database
/// restart can stay unanswered forever, and a maintenance loop must not stall behind it. The
/// operation is cancelled and left to end on its own; everything it writes is fenced anyway.
func withDeadline<Result: Sendable>(
    _ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let relay = OneShotRelay<Swift.Result<Result, any Error>>()
    let work = Task {
        do { relay.deliver(.success(try await operation())) } catch { relay.deliver(.failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: limit)
        relay.deliver(.failure(DeadlineExceeded(what: what, limit: limit)))
    }
    let result = await withTaskCancellationHandler {
        await relay.wait()
    } onCancel: {
        work.cancel()
    }
    timer.cancel()
    if case .failure(let error) = result, error is DeadlineExceeded { work.cancel() }
    return try result.get()
}

/// A database round took longer than its deadline and was abandoned.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "\(what) got no answer within \(limit); abandoned" }
}
