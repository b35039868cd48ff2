import Foundation
import PostgresNIO

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

/// One queue's minute, as the leading coordinator recorded it.
public struct QueueMinute: Sendable, Equatable {
    /// The minute's start.
    public let minute: Date
    /// Jobs waiting to be claimed, as last counted in the minute.
    public let available: Int
    /// The longest any available job had waited when counted in the minute; nil when none waited.
    public let oldestAgeSeconds: Double?
    /// Jobs completed within the minute.
    public let completed: Int
}

extension JobQueueClient {
    /// Each queue's recorded minutes within `window`, oldest first, by queue name.
    public func queueHistory(window: Duration = .seconds(3_600)) async throws -> [String: [QueueMinute]] {
        let rows = try await client.guardedQuery(
            """
            SELECT queue, minute, available, oldest_age_seconds, completed FROM queue_stats_history
            WHERE minute >= now() - \(window.milliseconds) * interval '1 millisecond' ORDER BY queue, minute
            """, logger: logger)
        var history: [String: [QueueMinute]] = [:]
        for (queue, minute, available, oldest, completed) in try rows.decode((String, Date, Int64, Double?, Int64).self) {
            history[queue, default: []].append(
                QueueMinute(minute: minute, available: Int(available), oldestAgeSeconds: oldest, completed: Int(completed)))
        }
        return history
    }
}

/// A running job's progress as its handler last reported it.
public struct RunningProgress: Sendable, Hashable {
    public let id: Int64
    public let queue: String
    public let kind: String
    /// 0 to 100.
    public let percent: Int
}
