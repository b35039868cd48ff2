import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import JobQueue

/// Standalone enqueues that arrive while every writer is busy share the next statement. The
/// writers are held busy for real: a transaction keeps a job with a unique key uncommitted, and one
/// standalone enqueue per writer uses the same key, so the server makes each wait for that commit.
@Suite("Enqueue coalescing")
struct CoalescingTests {
    @Test("enqueues that wait for a writer share one statement, and each caller gets its own jobs in order")
    func waitingEnqueuesShareOneStatement() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let callers = (0..<100).map { caller in
                { @Sendable in
                    (caller, try await queue.enqueue(try (0..<3).map { try NewJob(NumberedJob(n: caller * 3 + $0)) }))
                }
            }
            let (held, heldWriters, results) = try await Self.withWritersBusy(queue, client, database.logger, callers)
            #expect(heldWriters == Array(repeating: EnqueuedJob(id: held, isDuplicate: true), count: JobQueueClient.enqueueWriters))
            for (caller, jobs) in results {
                #expect(jobs.count == 3 && jobs.allSatisfy { !$0.isDuplicate })
                #expect(jobs.map(\.id) == jobs.map(\.id).sorted(), "a caller's jobs come back in its order")
                for (offset, job) in jobs.enumerated() {
                    let args = try #require(try await queue.job(job.id)).argsJSON.replacingOccurrences(of: " ", with: "")
                    #expect(args == "{\"n\":\(caller * 3 + offset)}", "each caller gets the ids of its own jobs")
                }
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE (args->>'n')::int >= 0") == 300)
            // The rows of one statement that is its own transaction share that transaction's id.
            #expect(
                try await client.scalar(
                    "SELECT count(DISTINCT xmin::text)::int FROM jobs WHERE (args->>'n')::int >= 0") == 1,
                "the 100 waiting callers were written in one statement")
        }
    }

    @Test("when the server refuses a shared statement, each caller is written on its own and only the refused one fails")
    func refusedStatementFailsOnlyItsCaller() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            // A rule of this database, not of the queue: it refuses any job whose n is 13.
            try await client.query(
                """
                CREATE FUNCTION refuse_thirteen() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.args->>'n' = '13' THEN RAISE EXCEPTION 'job 13 is refused here'; END IF;
                    RETURN NEW;
                END $$
                """)
            try await client.query(
                "CREATE TRIGGER refuse_thirteen BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_thirteen()")
            let callers = (10..<20).map { n in
                { @Sendable () async throws -> (Int, String) in
                    do {
                        return (n, "enqueued as \(try await queue.enqueue(NumberedJob(n: n)).id)")
                    } catch {
                        return (n, "\(DatabaseErrorSummary(error))")
                    }
                }
            }
            let (_, _, results) = try await Self.withWritersBusy(queue, client, database.logger, callers)
            for (n, outcome) in results where n != 13 {
                #expect(outcome.hasPrefix("enqueued as"), "job \(n) is not refused, but got: \(outcome)")
            }
            #expect(
                results.first { $0.0 == 13 }?.1.contains("job 13 is refused here") == true,
                "the refused caller gets the server's own reason")
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE (args->>'n')::int BETWEEN 10 AND 19") == 9)
        }
    }

    /// Holds every writer of `queue` busy, starts `callers` and waits until all of them wait for a
    /// writer, then lets the writers go. Returns the held job's id, what the held writers got (the
    /// held job, as a duplicate) and the callers' results in their order.
    private static func withWritersBusy<Value: Sendable>(
        _ queue: JobQueueClient, _ client: PostgresClient, _ logger: Logger,
        _ callers: [@Sendable () async throws -> Value]
    ) async throws -> (Int64, [EnqueuedJob], [Value]) {
        let key = EnqueueOptions(uniqueKey: "hold the writers")
        let (heldIDs, heldIDContinuation) = AsyncStream<Int64>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        defer { releaseContinuation.finish() }
        return try await withThrowingTaskGroup(of: WriterTestOutcome<Value>.self) { group in
            group.addTask {
                try await client.withTransaction(logger: logger) { connection in
                    heldIDContinuation.yield(try await queue.enqueue(NumberedJob(n: -1), options: key, on: connection).id)
                    for await _ in release {}
                }
                return .holderDone
            }
            var ids = heldIDs.makeAsyncIterator()
            let held = try #require(await ids.next())
            // One at a time, or the first writer would take the others into its statement.
            for count in 1...JobQueueClient.enqueueWriters {
                group.addTask { .heldWriter(try await queue.enqueue(NumberedJob(n: -2), options: key)) }
                try await eventually("\(count) writers wait for the held job's commit") {
                    try await client.scalar(
                        """
                        SELECT count(*)::int FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO jobs%'
                        """) == count
                }
            }
            for (index, caller) in callers.enumerated() {
                group.addTask { .caller(index, try await caller()) }
            }
            try await eventually("every caller waits for a writer") { queue.coalescer.waitingCount == callers.count }
            releaseContinuation.finish()
            var heldWriters: [EnqueuedJob] = []
            var results: [(Int, Value)] = []
            for try await outcome in group {
                switch outcome {
                case .holderDone: break
                case .heldWriter(let job): heldWriters.append(job)
                case .caller(let index, let value): results.append((index, value))
                }
            }
            return (held, heldWriters, results.sorted { $0.0 < $1.0 }.map(\.1))
        }
    }
}

/// What one task of `withWritersBusy` ended with.
private enum WriterTestOutcome<Value: Sendable>: Sendable {
    case holderDone
    case heldWriter(EnqueuedJob)
    case caller(Int, Value)
}
