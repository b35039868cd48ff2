import PostgresNIO

/// What the `jobs` rows tell about limits, after the fact and while jobs run.
///
/// A limited claim writes the moment it admitted a job as `attempted_at`, after it counted the
/// running jobs; a job that completes in its own transaction writes `finished_at` before that
/// commits. So the intervals from one to the other cover each job's whole time as `running`,
/// and no more jobs overlap in them than the claims saw running.
extension PostgresClient {
    /// The most jobs of `kind` whose runs overlapped at any moment, per value of the argument
    /// `field` when one is given (the highest of any value); counts each run that finished.
    public func mostRunningAtOnce(kind: String, perArgument field: String? = nil) async throws -> Int {
        try await scalar(
            """
            WITH runs AS (
                SELECT coalesce(args ->> \(field ?? ""), '') AS k, attempted_at AS started, finished_at AS ended
                FROM jobs WHERE kind = \(kind) AND finished_at IS NOT NULL
            ), events AS (
                SELECT k, started AS at, 1 AS delta FROM runs UNION ALL SELECT k, ended, -1 FROM runs
            )
            SELECT coalesce(max(running), 0)::int FROM (
                SELECT sum(delta) OVER (PARTITION BY k ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS running FROM events) x
            """)
    }

    /// The most jobs of `kind` started within any interval of `milliseconds`.
    public func mostStartsWithin(milliseconds: Int, kind: String) async throws -> Int {
        try await scalar(
            """
            SELECT coalesce(max(n), 0)::int FROM (
                SELECT count(*) OVER (ORDER BY attempted_at RANGE BETWEEN CURRENT ROW
                                      AND \(milliseconds) * interval '1 millisecond' - interval '1 microsecond' FOLLOWING) AS n
                FROM jobs WHERE kind = \(kind) AND attempted_at IS NOT NULL) x
            """)
    }

    /// Running jobs of `kind` now: the most per value of `field` when one is given.
    public func runningNow(kind: String, perArgument field: String? = nil) async throws -> Int {
        try await scalar(
            """
            SELECT coalesce(max(n), 0)::int FROM (
                SELECT count(*) AS n FROM jobs WHERE kind = \(kind) AND state = 'running'
                GROUP BY coalesce(args ->> \(field ?? ""), '')) x
            """)
    }
}
