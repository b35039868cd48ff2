import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import JobQueue

@Suite("Enqueue")
struct EnqueueTests {
    @Test("many jobs in one call come back in input order with their options")
    func bulkEnqueueKeepsOrder() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let jobs = try (0..<25_000).map { try NewJob(NumberedJob(n: $0), options: .init(priority: $0 % 10)) }
            let enqueued = try await queue.enqueue(jobs)
            #expect(enqueued.count == 25_000)
            #expect(Set(enqueued.map(\.id)).count == 25_000)
            #expect(enqueued.map(\.id) == enqueued.map(\.id).sorted(), "ids follow the input, so the claim keeps its order")
            for index in [0, 9_999, 10_000, 24_999] {
                let record = try #require(try await queue.job(enqueued[index].id))
                #expect(record.argsJSON.contains("\"n\": \(index)") || record.argsJSON.contains("\"n\":\(index)"))
                #expect(record.priority == index % 10)
                #expect(record.state == .available)
            }
        }
    }

    @Test("a bulk enqueue streamed with COPY keeps every character of the arguments, and a rolled-back one leaves nothing")
    func copiedArguments() async throws {
        struct Note: JobArgs {
            static let kind = "test.note"
            var text: String
        }
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let texts = ["a\\b", "tab\there", "line\nbreak", "cr\rreturn", "quote \" and \\N", "职称评审 🎓", "\\.", ""]
            let jobs = try (0..<JobQueueClient.copyThreshold).map { try NewJob(Note(text: texts[$0 % texts.count] + "#\($0)")) }
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await client.transaction(logger: database.logger) { connection in
                    try await queue.enqueue(jobs, on: connection)
                    throw Rollback()
                }
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs") == 0)
            let enqueued = try await queue.enqueue(jobs)
            let stored = try await client.query("SELECT id, args->>'text' FROM jobs ORDER BY id", logger: database.logger)
                .decode((Int64, String).self).reduce(into: [(Int64, String)]()) { $0.append($1) }
            #expect(stored.map(\.0) == enqueued.map(\.id))
            #expect(stored.map(\.1) == jobs.indices.map { texts[$0 % texts.count] + "#\($0)" }, "every character survives COPY")
        }
    }

    @Test("a bulk enqueue with unique keys and run times goes through the staging table and keeps their meaning")
    func copiedUniqueKeys() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let earlier = try await queue.enqueue(NumberedJob(n: -1), options: .init(uniqueKey: "k-7"))
            let later = Date().addingTimeInterval(3_600)
            let jobs = try (0..<3_000).map {
                try NewJob(NumberedJob(n: $0), options: .init(runAt: $0 % 2 == 0 ? nil : later, uniqueKey: "k-\($0 % 1_500)"))
            }
            let enqueued = try await queue.enqueue(jobs)
            #expect(enqueued.count == 3_000)
            #expect(enqueued[7] == EnqueuedJob(id: earlier.id, isDuplicate: true), "the key existed before")
            #expect(!enqueued[8].isDuplicate && enqueued[1_508] == EnqueuedJob(id: enqueued[8].id, isDuplicate: true), "the batch's own repeat")
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs") == 1_500)
            #expect(try await queue.job(enqueued[8].id)?.state == .available)
            let scheduled = try #require(try await queue.job(enqueued[9].id))
            #expect(scheduled.state == .scheduled && abs(scheduled.runAt.timeIntervalSince(later)) < 0.000_01, "to the microsecond")
            let newIDs = enqueued.prefix(1_500).filter { !$0.isDuplicate }.map(\.id)
            #expect(newIDs == newIDs.sorted(), "in input order")
        }
    }

    @Test("a job enqueued in a rolled-back transaction does not exist; a committed one does")
    func transactionalEnqueue() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            struct Rollback: Error {}
            await #expect {
                try await client.withTransaction(logger: database.logger) { connection in
                    try await queue.enqueue(NumberedJob(n: 1), on: connection)
                    throw Rollback()
                }
            } throws: { error in
                (error as? PostgresTransactionError)?.closureError is Rollback
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs") == 0)
            let committed = try await client.withTransaction(logger: database.logger) { connection in
                try await queue.enqueue(NumberedJob(n: 2), on: connection)
            }
            #expect(try await queue.job(committed.id)?.state == .available)
        }
    }

    @Test("a future run time makes the job scheduled, with that run time")
    func delayedJobIsScheduled() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runAt = Date().addingTimeInterval(3600)
            let job = try await queue.enqueue(NumberedJob(n: 1), options: .init(runAt: runAt))
            let record = try #require(try await queue.job(job.id))
            #expect(record.state == .scheduled)
            #expect(abs(record.runAt.timeIntervalSince(runAt)) < 0.001)
            #expect(try await queue.promoteDueJobs() == 0)
        }
    }

    @Test("a second enqueue with the same unique key returns the existing job")
    func uniqueKeyReturnsExisting() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let options = EnqueueOptions(uniqueKey: "case-42")
            let first = try await queue.enqueue(NumberedJob(n: 1), options: options)
            let second = try await queue.enqueue(NumberedJob(n: 2), options: options)
            #expect(!first.isDuplicate)
            #expect(second == EnqueuedJob(id: first.id, isDuplicate: true))
            let batch = try await queue.enqueue([
                try NewJob(NumberedJob(n: 3), options: .init(uniqueKey: "case-43")),
                try NewJob(NumberedJob(n: 4), options: .init(uniqueKey: "case-43")),
                try NewJob(NumberedJob(n: 5), options: options),
            ])
            #expect(!batch[0].isDuplicate && batch[1].isDuplicate && batch[0].id == batch[1].id)
            #expect(batch[2] == EnqueuedJob(id: first.id, isDuplicate: true))
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs") == 2)
        }
    }

    @Test("a unique key with a window allows a new job in the next window")
    func uniqueWindow() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let options = EnqueueOptions(uniqueKey: "tick", uniqueWindow: .milliseconds(300))
            let first = try await queue.enqueue(NumberedJob(n: 1), options: options)
            try await Task.sleep(for: .milliseconds(650))
            let later = try await queue.enqueue(NumberedJob(n: 2), options: options)
            #expect(!later.isDuplicate)
            #expect(later.id != first.id)
        }
    }

    @Test("concurrent enqueues with one unique key make exactly one job")
    func concurrentUniqueEnqueues() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let results = try await withThrowingTaskGroup(of: EnqueuedJob.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        try await client.withTransaction(logger: database.logger) { connection in
                            let job = try await queue.enqueue(NumberedJob(n: n), options: .init(uniqueKey: "same"), on: connection)
                            try await connection.query("SELECT pg_sleep(0.01)", logger: database.logger)
                            return job
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(results.filter { !$0.isDuplicate }.count == 1)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs") == 1)
        }
    }

    @Test("options out of range are refused with what to fix")
    func invalidOptions() throws {
        #expect(throws: JobQueueError.self) { try NewJob(NumberedJob(n: 1), options: .init(priority: 10)) }
        #expect(throws: JobQueueError.self) { try NewJob(NumberedJob(n: 1), options: .init(maxAttempts: 0)) }
        #expect(throws: JobQueueError.self) { try NewJob(NumberedJob(n: 1), options: .init(queue: "")) }
        #expect(throws: JobQueueError.self) { try NewJob(NumberedJob(n: 1), options: .init(uniqueWindow: .seconds(5))) }
        do {
            _ = try NewJob(NumberedJob(n: 1), options: .init(priority: 12))
        } catch let error as JobQueueError {
            #expect(error.message.contains("between 0 (first) and 9 (last)"))
        }
    }

    @Test("arguments holding U+0000 are refused before they reach PostgreSQL; the text \\u0000 is kept")
    func nulInArguments() async throws {
        struct TextJob: JobArgs {
            static let kind = "test.text"
            var text: String
        }
        #expect {
            try NewJob(TextJob(text: "before\u{0}after"))
        } throws: { error in
            (error as? JobQueueError)?.code == .invalidArgs && "\(error)".contains("NUL character")
        }
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let kept = try await queue.enqueue(TextJob(text: #"a backslash: \u0000"#))
            let args = try #require(try await queue.job(kept.id)).argsJSON
            #expect(args.contains(#"\\u0000"#), "\(args)")
        }
        #expect(JSONText.escapesNUL(Array(#"{"a": "x\u0000"}"#.utf8)))
        #expect(!JSONText.escapesNUL(Array(#"{"a": "x\\u0000", "b": "\u00e9\n\\"}"#.utf8)))
        #expect(JSONText.escapesNUL(Array(#"{"a": "\\\u0000"}"#.utf8)), "an escaped backslash, then the escape")
    }

    @Test("the claim is an index scan over ready jobs, however many finished jobs there are")
    func claimUsesReadyIndex() async throws {
        try await TestDatabase.with { client, _ in
            try await Self.keepFinishedJobs(50_000, client)
            try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state) SELECT 'default', 'x', '{}', 'available' FROM generate_series(1, 20)
                """)
            try await client.query("ANALYZE jobs")
            let plan = try await Self.plan(
                of: JobWorkerPool.claimQuery(queue: "default", limit: 100, lease: .seconds(10), workerID: "w", token: UUID()), client)
            #expect(plan.contains("Index Scan using jobs_ready_idx"), "plan was:\n\(plan)")
            // The plan as run, for the benchmarks: the claim is rolled back, nothing is claimed.
            let analyzed = try await JobQueueClient(client: client, logger: .init(label: "test")).explainClaim(queue: "default", limit: 100)
            #expect(analyzed.contains("jobs_ready_idx") && analyzed.contains("Buffers:") && analyzed.contains("actual time"), "\(analyzed)")
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'available'") == 20)
        }
    }

    @Test("a batch of completions finds its jobs through the primary key, however many jobs are kept")
    func completionUsesPrimaryKey() async throws {
        try await TestDatabase.with { client, _ in
            try await Self.keepFinishedJobs(50_000, client)
            let token = UUID()
            var ids: [Int64] = []
            for try await id in try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, lease_token, lease_deadline, leased_by)
                SELECT 'default', 'x', '{}', 'running', \(token), now() + interval '1 minute', 'w'
                FROM generate_series(1, 3000) RETURNING id
                """
            ).decode(Int64.self) { ids.append(id) }
            try await client.query("ANALYZE jobs")
            // The last pair carries a stale token: that job must stay running.
            let completion = JobWorkerPool.completionQuery(ids: ids, tokens: Array(repeating: token, count: ids.count - 1) + [UUID()])
            let plan = try await Self.plan(of: completion, client)
            #expect(plan.contains("Index Cond: (id = ANY"), "plan was:\n\(plan)")
            #expect(!plan.contains("Seq Scan on jobs"), "plan was:\n\(plan)")

            try await client.query(completion)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 52999)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'running' AND id = \(ids.last!)") == 1)
        }
    }

    @Test("an enqueue wakes its queue once: standalone or in the queue's transaction helper after the commit; in another transaction at commit")
    func wakeUpsPerEnqueue() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let received = Tally<String>()
            let listening = Tally<Bool>()
            let listener = Task {
                try await client.withConnection { connection in
                    try await connection.listen(on: "jobqueue") { notifications in
                        listening.add(true)
                        for try await notification in notifications { received.add(notification.payload) }
                    }
                }
            }
            defer { listener.cancel() }
            try await eventually("listening") { listening.total == 1 }

            // Standalone: the insert trigger stays silent (its NOTIFY would be a second one,
            // sent from the commit that waits for the flush) and the client wakes the queue.
            try await queue.enqueue((1...3).map { try NewJob(NumberedJob(n: $0)) })
            try await eventually("the standalone enqueue woke its queue") { received.snapshot["q:default"] == 1 }
            // A delayed job wakes nobody, nor does a duplicate; a job on another queue wakes that queue.
            try await queue.enqueue(NumberedJob(n: 4), options: .init(runAt: Date().addingTimeInterval(60)))
            try await queue.enqueue(NumberedJob(n: 5), options: .init(queue: "other", uniqueKey: "five"))
            try await eventually("the other queue was woken") { received.snapshot["q:other"] == 1 }
            #expect(try await queue.enqueue(NumberedJob(n: 5), options: .init(queue: "other", uniqueKey: "five")).isDuplicate)

            // In the caller's transaction: the trigger notifies, once, when the caller commits.
            try await client.withTransaction(logger: database.logger) { connection in
                try await queue.enqueue((6...7).map { try NewJob(NumberedJob(n: $0)) }, on: connection)
                try await queue.enqueue(NumberedJob(n: 8), on: connection)
            }
            try await eventually("the transaction's enqueues woke their queue") { received.snapshot["q:default"] == 2 }

            // In the queue's own transaction helper, as the workflow and the job handlers use it: the
            // trigger stays silent, so the commit holds no NOTIFY lock across its flush, and the
            // queues the transaction made ready are woken once, right after it commits.
            let setting = try await client.transaction(logger: database.logger) { connection in
                try await queue.enqueue((9...10).map { try NewJob(NumberedJob(n: $0)) }, on: connection)
                try await queue.enqueue(NumberedJob(n: 11), options: .init(queue: "other"), on: connection)
                return try await connection.query("SELECT current_setting('jobqueue.wake')", logger: database.logger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            #expect(setting == ["after_commit"], "the insert trigger did not notify")
            try await eventually("the helper woke both queues after its commit") {
                received.snapshot["q:default"] == 3 && received.snapshot["q:other"] == 2
            }
            // A transaction that rolls back wakes nobody.
            await #expect(throws: JobQueueError.self) {
                try await client.transaction(logger: database.logger) { connection in
                    try await queue.enqueue(NumberedJob(n: 12), on: connection)
                    throw JobQueueError(code: .leaseLost, message: "rolled back")
                }
            }
            // A bulk enqueue streamed with COPY wakes its queue once, after its commit, too.
            try await queue.enqueue(
                (0..<JobQueueClient.copyThreshold).map { try NewJob(NumberedJob(n: 100_000 + $0), options: .init(queue: "bulk")) })
            try await eventually("the bulk enqueue woke its queue") { received.snapshot["q:bulk"] == 1 }
            let session = try await client.withConnection { connection in
                try await connection.query("SELECT coalesce(current_setting('jobqueue.wake', true), '')", logger: database.logger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            #expect(session == [""], "no session keeps the trigger silenced after a bulk enqueue")
            try await Task.sleep(for: .milliseconds(300))
            #expect(received.snapshot == ["q:default": 3, "q:other": 2, "q:bulk": 1], "no wake-up was sent twice, nor for a rollback")
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE args->>'n' = '12'") == 0)
        }
    }

    /// Completed jobs as a queue keeps them for days: the plans above must not depend on their number.
    private static func keepFinishedJobs(_ count: Int, _ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO jobs (queue, kind, args, state, finished_at)
            SELECT 'default', 'x', '{}', 'completed', now() FROM generate_series(1, \(count))
            """)
    }

    private static func plan(of query: PostgresQuery, _ client: PostgresClient) async throws -> String {
        var plan = ""
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds)
        for try await line in try await client.query(explain).decode(String.self) { plan += line + "\n" }
        return plan
    }
}
