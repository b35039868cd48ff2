import Foundation

/// A job as a worker claimed it: its identity, arguments and the lease that fences its writes.
public struct ClaimedJob: Sendable {
    /// The job's id.
    public let id: Int64
    /// The queue it was claimed from.
    public let queue: String
    /// The kind that routes it to a handler.
    public let kind: String
    /// The arguments, as stored JSON.
    public let argsJSON: String
    /// This attempt's number, from 1.
    public let attempt: Int
    /// Attempts allowed before it is discarded.
    public let maxAttempts: Int
    /// Proves this worker still holds the job; a rescued job gets a new one.
    public let leaseToken: UUID
    /// Whether a limit of its kind admitted it (see `JobLimit`).
    public var isLimited = false
    /// The W3C trace headers its enqueuer left, read only when the pool traces jobs.
    var traceHeaders: [String: String]?
}
