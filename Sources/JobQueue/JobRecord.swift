import Foundation
import PostgresNIO

/// A stored job, for inspection.
public struct JobRecord: Sendable {
    /// The job's id.
    public let id: Int64
    /// Its queue.
    public let queue: String
    /// Its kind.
    public let kind: String
    /// Its arguments as JSON.
    public let argsJSON: String
    /// Its state.
    public let state: JobState
    /// Attempts so far.
    public let attempt: Int
    /// Attempts allowed.
    public let maxAttempts: Int
    /// 0 first, 9 last.
    public let priority: Int
    /// When it runs (or ran).
    public let runAt: Date
    /// When it was enqueued.
    public let insertedAt: Date
    /// When it finished, if it did.
    public let finishedAt: Date?
    /// The last errors, oldest first, as JSON objects with `attempt`, `at` and `error`, and the
    /// lease the attempt ran under: `worker` and `leasedAt` (absent from errors of older versions).
    public let errorsJSON: String
    /// The worker holding the job (running) or that completed it; nil otherwise.
    public let leasedBy: String?
    /// When the latest attempt began.
    public let attemptedAt: Date?
    /// When a running job's lease runs out unless renewed.
    public let leaseDeadline: Date?
    /// Runs lost with their worker (a crash, a kill, a lease left to run out).
    public let workerDeaths: Int
    /// When the coordinator quarantined it for killing its workers; nil otherwise.
    public let quarantinedAt: Date?
    /// How far it got, 0 to 100, as its handler last reported; nil when it never did.
    public let progress: Int?
    /// The message that came with the progress.
    public let progressMessage: String?
    /// Structured metadata its handler recorded, as a JSON object.
    public let metadataJSON: String

    /// A constant SELECT over `jobs`, to be followed by a WHERE clause.
    static let selectSQL = """
        SELECT id, queue, kind, args::text, state::text, attempt::int, max_attempts::int, priority::int,
               run_at, inserted_at, finished_at, errors::text, worker_deaths::int, quarantined_at, progress::int, progress_message, coalesce(meta, '{}')::text,
               leased_by, attempted_at, lease_deadline
        FROM jobs
        """

    init(row: PostgresRow) throws {
        let (
            id, queue, kind, args, state, attempt, maxAttempts, priority, runAt, insertedAt, finishedAt, errors, deaths, quarantinedAt, progress,
            message, meta, leasedBy, attemptedAt, leaseDeadline
        ) =
            try row.decode(
                (
                    Int64, String, String, String, JobState, Int, Int, Int, Date, Date, Date?, String, Int, Date?, Int?, String?, String, String?,
                    Date?, Date?
                ).self)
        (self.leasedBy, self.attemptedAt, self.leaseDeadline) = (leasedBy, attemptedAt, leaseDeadline)
        (self.progress, self.progressMessage, self.metadataJSON) = (progress, message, meta)
        (self.id, self.queue, self.kind, self.argsJSON, self.state) = (id, queue, kind, args, state)
        (self.attempt, self.maxAttempts, self.priority, self.runAt) = (attempt, maxAttempts, priority, runAt)
        (self.insertedAt, self.finishedAt, self.errorsJSON) = (insertedAt, finishedAt, errors)
        (self.workerDeaths, self.quarantinedAt) = (deaths, quarantinedAt)
    }
}
