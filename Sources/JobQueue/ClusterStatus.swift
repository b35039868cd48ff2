import Foundation
import PostgresNIO

/// Who leads the coordinators, and which workers are about: what `coordinator status` prints.
public struct ClusterStatus: Sendable {
    public struct Leader: Sendable {
        public let holder: String
        public let term: Int64
        /// False once its lease ran out: a standby takes over.
        public let leaseLive: Bool
    }

    public struct Worker: Sendable {
        public let id: String
        public let state: String
        public let queues: [String]
        /// Seconds since its last heartbeat.
        public let secondsSinceSeen: Double
    }

    /// Nil before any coordinator led.
    public let leader: Leader?
    /// Alive workers, and the others seen within the window.
    public let workers: [Worker]
}

extension JobQueueClient {
    /// The leader and the workers alive or seen within `window`, by id.
    public func clusterStatus(window: Duration = .seconds(3_600)) async throws -> ClusterStatus {
        var leader: ClusterStatus.Leader?
        let leaders = try await client.guardedQuery("SELECT holder, term, (expires_at > now()) FROM queue_leader", logger: logger)
        for (holder, term, live) in try leaders.decode((String, Int64, Bool).self) {
            leader = .init(holder: holder, term: term, leaseLive: live)
        }
        var workers: [ClusterStatus.Worker] = []
        let rows = try await client.guardedQuery(
            """
            SELECT id, state, queues, extract(epoch FROM now() - last_seen_at)::float8
            FROM queue_workers
            WHERE state = 'alive' OR last_seen_at > now() - \(window.milliseconds) * interval '1 millisecond'
            ORDER BY id
            """, logger: logger)
        for (id, state, queues, age) in try rows.decode((String, String, [String], Double).self) {
            workers.append(.init(id: id, state: state, queues: queues, secondsSinceSeen: age))
        }
        return ClusterStatus(leader: leader, workers: workers)
    }
}

/// A cron schedule as the leading coordinator keeps it: what the dashboard lists.
public struct CronEntry: Sendable {
    /// The schedule's name.
    public let name: String
    /// Its cron expression.
    public let expression: String
    /// The time zone it fires in.
    public let timeZone: String
    /// When it fires next.
    public let nextTick: Date
    /// When it last fired, and the job that tick enqueued.
    public let lastTick: Date?
    public let lastJobID: Int64?
}

extension JobQueueClient {
    /// Every cron schedule a coordinator has registered, by name.
    public func cronEntries() async throws -> [CronEntry] {
        let rows = try await client.guardedQuery(
            "SELECT name, expression, time_zone, next_tick_at, last_tick_at, last_job_id FROM queue_cron ORDER BY name", logger: logger)
        var entries: [CronEntry] = []
        for (name, expression, zone, next, last, job) in try rows.decode((String, String, String, Date, Date?, Int64?).self) {
            entries.append(CronEntry(name: name, expression: expression, timeZone: zone, nextTick: next, lastTick: last, lastJobID: job))
        }
        return entries
    }
}
