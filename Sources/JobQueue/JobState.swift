/// Where a job is in its life.
public enum JobState: String, Sendable, Codable, CaseIterable, PostgresCodableEnum {
    /// Ready to be claimed now.
    case available
    /// Waits for its run time (delayed or snoozed).
    case scheduled
    /// Claimed by a worker, under a lease.
    case running
    /// Done.
    case completed
    /// Failed; waits for its backoff before the next attempt.
    case retryable
    /// Failed for the last time, or could not be run at all (unknown kind, undecodable arguments).
    case discarded
    /// Cancelled by its handler or from outside.
    case cancelled

    /// Whether the job will never run again.
    public var isFinal: Bool { self == .completed || self == .discarded || self == .cancelled }
}
