import Foundation

/// One queue's jobs by state, as the leading coordinator last recorded them.
public struct QueueStats: Sendable, Equatable {
    /// The queue.
    public let queue: String
    /// Jobs per state; a state without jobs is absent or zero.
    public let counts: [JobState: Int]
    /// How long the oldest available job has been waiting to be claimed, at `recordedAt`; nil when none waits.
    public let oldestAvailableAge: Double?
    /// When the counts were taken.
    public let recordedAt: Date
}
