/// Runs `operation` but stops waiting for it after `limit`: a request caught by a database
/// restart can stay unanswered forever, and a maintenance loop must not stall behind it. The
/// operation is cancelled and left to end on its own; everything it writes is fenced anyway.
public func withDeadline<Result: Sendable>(
    _ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await abandonable(operation) { abandon in
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            abandon(DeadlineExceeded(what: what, limit: limit))
        }
        return { timer.cancel() }
    }
}

/// A database round took longer than its deadline and was abandoned.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    public var description: String { "\(what) got no answer within \(limit); abandoned" }
}
