import Foundation
import PostgresNIO

/// A job that does nothing: for benchmarks and smoke tests of a deployment.
public struct NoOpJob: JobArgs {
    public static let kind = "noop"
    /// When it was enqueued, in nanoseconds since 1970, for latency figures.
    public var enqueuedAtNanos: Int64?

    public init(enqueuedAtNanos: Int64? = nil) {
        self.enqueuedAtNanos = enqueuedAtNanos
    }
}

public struct NoOpHandler: JobHandler {
    public init() {}
    public func handle(_ args: NoOpJob, context: JobContext) async throws {}
}

/// A job that works a while and records its run in `queue_probes` in the same transaction that
/// completes it: a second run that got past the lease's fence would leave a second row, so the
/// table shows whether each ran exactly once.
public struct ProbeJob: JobArgs {
    public static let kind = "probe"
    public var milliseconds: Int
    /// A value for per-key limits to group probes by (`JobLimit.PerKey` on field `key`).
    public var key: String?

    public init(milliseconds: Int, key: String? = nil) {
        self.milliseconds = milliseconds
        self.key = key
    }
}

public struct ProbeHandler: JobHandler {
    /// The longest a probe works: its arguments come from the database, and a duration far past
    /// this would overflow.
    public static let longest = 600_000

    public init() {}

    public func handle(_ args: ProbeJob, context: JobContext) async throws {
        try await Task.sleep(for: .milliseconds(min(max(args.milliseconds, 0), Self.longest)))
        let worker = context.logger[metadataKey: "worker"].map { "\($0)" } ?? "unknown"
        try await context.withTransaction { connection in
            try await connection.query(
                "INSERT INTO queue_probes (job_id, worker) VALUES (\(context.job.id), \(worker))", logger: context.logger)
        }
    }
}

/// What the probes tell: how many were enqueued, ran exactly once, ran more than once (doubled),
/// and completed.
public struct ProbeReport: Sendable, Equatable {
    public let enqueued: Int
    public let ranOnce: Int
    public let doubled: Int
    public let completed: Int
}

extension JobQueueClient {
    /// How the probe jobs fared.
    public func probeReport() async throws -> ProbeReport {
        for (jobs, once, doubled, completed) in try await client.guardedQuery(
            """
            SELECT count(*)::int, count(*) FILTER (WHERE runs = 1)::int, count(*) FILTER (WHERE runs > 1)::int,
                   count(*) FILTER (WHERE j.state = 'completed')::int
            FROM jobs j, LATERAL (SELECT count(*) AS runs FROM queue_probes p WHERE p.job_id = j.id) r
            WHERE j.kind = \(ProbeJob.kind)
            """, logger: logger
        ).decode((Int, Int, Int, Int).self) {
            return ProbeReport(enqueued: jobs, ranOnce: once, doubled: doubled, completed: completed)
        }
        return ProbeReport(enqueued: 0, ranOnce: 0, doubled: 0, completed: 0)
    }
}
