import Logging
import PostgresNIO
import Synchronization

/// What a running handler knows about its job, and the fenced transaction to finish it in.
public struct JobContext: Sendable {
    /// The job as claimed.
    public let job: ClaimedJob
    let workerLogger: Logger
    /// The database client, for reads outside the completing transaction.
    public let client: PostgresClient
    let completion: CompletionFlag

    /// A logger carrying the job's id, kind and attempt. Built on each access, because setting
    /// log metadata is costly with some handlers and most jobs never log: keep it in a local
    /// when logging several times.
    public var logger: Logger { workerLogger.forJob(job) }

    /// Runs `body` in a transaction that also completes this job, fenced by its lease: if the lease
    /// was lost (the job was rescued and may run elsewhere), the transaction rolls back, nothing
    /// `body` wrote stays, and this throws `JobQueueError.leaseLost`.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        // The handler's own error (a snooze, a lost lease, its failure) reaches the pool as itself.
        let result = try await transaction(body)
        completion.set()
        return result
    }

    /// Runs `body` in a transaction fenced by this job's lease that does not complete the job: for
    /// work done in batches, each committed on its own, of which none may land once the job was
    /// rescued and may run elsewhere. The job's row is locked against the rescue for the length of
    /// the transaction; a lost lease rolls `body` back and throws `JobQueueError.leaseLost`.
    @discardableResult
    public func withFencedTransaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws
        -> Result
    {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT id FROM jobs WHERE id = \(job.id) AND lease_token = \(job.leaseToken) FOR SHARE", logger: logger)
            var held = false
            for try await _ in rows { held = true }
            guard held else {
                throw JobQueueError(code: .leaseLost, message: "job \(job.id) lost its lease; its batch was not written")
            }
            return try await body(connection)
        }
    }

    private func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger) { connection in
            let value = try await body(connection)
            let rows = try await connection.query(
                """
                UPDATE jobs SET state = 'completed', finished_at = now(), lease_token = NULL, lease_deadline = NULL
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken)
                RETURNING id
                """, logger: logger)
            var completed = false
            for try await _ in rows { completed = true }
            guard completed else {
                throw JobQueueError(code: .leaseLost, message: "job \(job.id) lost its lease; its work was rolled back")
            }
            return value
        }
    }
}

/// Whether the handler already completed its job in its own transaction.
final class CompletionFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
