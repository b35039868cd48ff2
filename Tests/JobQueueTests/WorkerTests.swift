import Foundation
import JobQueue
import PostgresNIO
import PostgresSupport
import Synchronization
import TestSupport
import Testing

@Suite("Worker pool")
struct WorkerTests {
    @Test("two pools competing for 1,000 jobs run each exactly once")
    func competingPoolsRunEachOnce() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            try await client.query("CREATE TABLE effects (n int PRIMARY KEY)")
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runs = Tally<Int>()
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, context in
                    runs.add(args.n)
                    try await context.withTransaction { connection in
                        try await connection.query("INSERT INTO effects (n) VALUES (\(args.n))", logger: context.logger)
                    }
                })
            let pools = ["a", "b"].map {
                JobWorkerPool(
                    client: client, registry: registry,
                    configuration: quickConfiguration(queues: ["default": 20], workerID: $0), logger: database.logger)
            }
            try await withServices(pools, logger: database.logger) {
                try await queue.enqueue((0..<1_000).map { try NewJob(NumberedJob(n: $0)) })
                // The claim here is exactly-once, not speed: beside the other suites on two cores this takes long.
                try await eventually(timeout: .seconds(60), "all 1,000 jobs completed") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 1_000
                }
            }
            #expect(runs.snapshot.count == 1_000)
            #expect(runs.snapshot.values.allSatisfy { $0 == 1 })
            #expect(try await client.scalar("SELECT count(*)::int FROM effects") == 1_000)
            let leased = try await client.scalar("SELECT count(*)::int FROM jobs WHERE lease_token IS NOT NULL OR lease_deadline IS NOT NULL")
            #expect(leased == 0, "completed jobs keep no lease")
            let unnamed = try await client.scalar("SELECT count(*)::int FROM jobs WHERE leased_by IS NULL")
            #expect(unnamed == 0, "each names the worker that completed it, for its lease history")
        }
    }

    @Test("a failing job retries with growing backoff and ends discarded with its errors kept")
    func retriesThenDiscards() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let starts = Mutex<[ContinuousClock.Instant]>([])
            struct Flaky: Error, CustomStringConvertible { var description: String { "the receiver was down" } }
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { _, _ in
                    starts.withLock { $0.append(.now) }
                    throw Flaky()
                })
            let job = try await withPool(registry, client: client, database: database) {
                let job = try await queue.enqueue(NumberedJob(n: 1), options: .init(maxAttempts: 4))
                try await eventually("the job is discarded") { try await queue.job(job.id)?.state == .discarded }
                return job
            }
            let record = try #require(try await queue.job(job.id))
            #expect(record.attempt == 4)
            #expect(record.finishedAt != nil)
            #expect(record.errorsJSON.components(separatedBy: "the receiver was down").count - 1 == 4)
            // Each failed attempt keeps the lease it ran under: the worker, and from when to when.
            let attempts = try #require(try JSONSerialization.jsonObject(with: Data(record.errorsJSON.utf8)) as? [[String: Any]])
            #expect(attempts.map { $0["attempt"] as? Int } == [1, 2, 3, 4])
            #expect(
                attempts.allSatisfy { ($0["worker"] as? String)?.isEmpty == false && $0["leasedAt"] is String && $0["at"] is String },
                "\(record.errorsJSON)")
            #expect(record.leasedBy == nil, "a discarded job holds no worker")
            let times = starts.withLock { $0 }
            #expect(times.count == 4)
            // Backoff 100 ms, 200 ms, 400 ms, each ±10 %.
            for (index, pair) in zip(times, times.dropFirst()).enumerated() {
                let expected = Duration.milliseconds(100) * (1 << index)
                #expect(pair.1 - pair.0 >= expected * 0.9, "gap \(index + 1) was \(pair.1 - pair.0)")
            }
        }
    }

    @Test("a job whose database connection was lost retries after the first delay each time, not a growing one, and counts its attempts")
    func connectionLossRetriesSoon() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            var registry = JobRegistry()
            registry.register(ClosureHandler(NumberedJob.self) { _, _ in throw ConnectionClosedUnanswered() })
            var configuration = quickConfiguration()
            configuration.retryPolicy = RetryPolicy(base: .seconds(1), cap: .seconds(60), jitter: 0.1)
            // The delay each failure chose, read from the row: the acknowledgement sets the next run
            // and stamps the error in one statement, so a stalled machine cannot blur it.
            let delays = try await withPool(registry, configuration, client: client, database: database) {
                let job = try await queue.enqueue(NumberedJob(n: 1), options: .init(maxAttempts: 10))
                var delays: [Double] = []
                try await eventually(timeout: .seconds(60), "three attempts failed") {
                    let rows = try await client.query(
                        """
                        SELECT attempt::int, extract(epoch FROM run_at - (errors -> -1 ->> 'at')::timestamptz)::float8
                        FROM jobs WHERE id = \(job.id) AND state = 'retryable'
                        """
                    ).collect()
                    guard let (attempt, delay) = try rows.first?.decode((Int, Double).self) else { return false }
                    if delays.count < attempt { delays.append(delay) }
                    return attempt >= 3
                }
                return delays
            }
            // Growing, the third would be 4 s; each is the first delay, 1 s within its 10 % jitter.
            #expect(delays.count >= 2 && delays.allSatisfy { (0.89...1.11).contains($0) }, "\(delays)")
        }
    }

    @Test("a handler whose lease was lost writes nothing and the job stays with its new owner")
    func staleLeaseWritesNothing() async throws {
        try await TestDatabase.with { client, database in
            try await client.query("CREATE TABLE effects (n int PRIMARY KEY)")
            let queue = JobQueueClient(client: client, logger: database.logger)
            let outcome = Mutex<(any Error)?>(nil)
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, context in
                    // Another worker rescued the job meanwhile: its lease token changed.
                    try await context.client.query(
                        "UPDATE jobs SET lease_token = gen_random_uuid() WHERE id = \(context.job.id)", logger: context.logger)
                    do {
                        try await context.withTransaction { connection in
                            try await connection.query("INSERT INTO effects (n) VALUES (\(args.n))", logger: context.logger)
                        }
                    } catch {
                        outcome.withLock { $0 = error }
                        throw error
                    }
                })
            // A slow heartbeat, so that the fence, not the heartbeat's cancellation, meets the stolen lease.
            var configuration = quickConfiguration()
            configuration.heartbeatInterval = .seconds(60)
            let job = try await withPool(registry, configuration, client: client, database: database) {
                let job = try await queue.enqueue(NumberedJob(n: 7))
                try await eventually("the handler ran") { outcome.withLock { $0 != nil } }
                return job
            }
            let error = try #require(outcome.withLock { $0 } as? JobQueueError)
            #expect(error.code == .leaseLost)
            #expect(try await client.scalar("SELECT count(*)::int FROM effects") == 0)
            // The new owner's lease is untouched by the old worker's acknowledgement.
            #expect(try await queue.job(job.id)?.state == .running)
        }
    }

    @Test("batches in fenced transactions land while the lease holds, and none does once it is lost; the job is not completed by them")
    func fencedBatches() async throws {
        try await TestDatabase.with { client, database in
            try await client.query("CREATE TABLE effects (n int PRIMARY KEY)")
            let queue = JobQueueClient(client: client, logger: database.logger)
            let outcome = Mutex<(state: JobState?, error: (any Error)?)>((nil, nil))
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, context in
                    try await context.withFencedTransaction { connection in
                        try await connection.query("INSERT INTO effects (n) VALUES (\(args.n))", logger: context.logger)
                    }
                    let state = try await JobQueueClient(client: context.client, logger: context.logger).job(context.job.id)?.state
                    try await context.client.query(
                        "UPDATE jobs SET lease_token = gen_random_uuid() WHERE id = \(context.job.id)", logger: context.logger)
                    do {
                        try await context.withFencedTransaction { connection in
                            try await connection.query("INSERT INTO effects (n) VALUES (\(args.n + 1))", logger: context.logger)
                        }
                    } catch {
                        outcome.withLock { $0 = (state, error) }
                        throw error
                    }
                })
            var configuration = quickConfiguration()
            configuration.heartbeatInterval = .seconds(60)
            try await withPool(registry, configuration, client: client, database: database) {
                try await queue.enqueue(NumberedJob(n: 10))
                try await eventually("the handler ran") { outcome.withLock { $0.error != nil } }
            }
            #expect(outcome.withLock { $0.state } == .running, "a fenced batch does not complete the job")
            #expect((outcome.withLock { $0.error } as? JobQueueError)?.code == .leaseLost)
            #expect(try await client.scalar("SELECT count(*)::int FROM effects") == 1, "the batch under the lease landed, the other did not")
        }
    }

    @Test("a snoozed job runs again later without counting the attempt")
    func snooze() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runs = Tally<Int>()
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, _ in
                    runs.add(args.n)
                    if runs.snapshot[args.n] == 1 { throw JobControl.snooze(.milliseconds(200)) }
                })
            let job = try await withPool(registry, client: client, database: database) {
                let job = try await queue.enqueue(NumberedJob(n: 1))
                try await eventually("the job completes") { try await queue.job(job.id)?.state == .completed }
                return job
            }
            #expect(runs.snapshot[1] == 2)
            #expect(try await queue.job(job.id)?.attempt == 1)
        }
    }

    @Test("a handler can cancel its job; an unknown kind and undecodable arguments are discarded, and the worker goes on")
    func handlerCancelAndBadJobs() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            struct OtherJob: JobArgs { static let kind = "test.unregistered" }
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, _ in
                    if args.n == 0 { throw JobControl.cancel(reason: "applicant withdrew") }
                })
            try await withPool(registry, client: client, database: database) {
                let cancelled = try await queue.enqueue(NumberedJob(n: 0))
                let unknown = try await queue.enqueue(OtherJob())
                try await client.query(
                    """
                    INSERT INTO jobs (queue, kind, args, state) VALUES ('default', 'test.numbered', '{"n": "seven"}', 'available')
                    """)
                let fine = try await queue.enqueue(NumberedJob(n: 1))
                try await eventually("every job ended") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE finished_at IS NULL AND state <> 'completed'") == 0
                }
                #expect(try await queue.job(cancelled.id)?.state == .cancelled)
                #expect(try await queue.job(cancelled.id)?.errorsJSON.contains("applicant withdrew") == true)
                let unknownRecord = try #require(try await queue.job(unknown.id))
                #expect(unknownRecord.state == .discarded)
                #expect(unknownRecord.errorsJSON.contains("no handler is registered for kind test.unregistered"))
                let undecodable = try await client.scalar(
                    """
                    SELECT count(*)::int FROM jobs WHERE state = 'discarded' AND errors::text LIKE '%n is not a Int%'
                    """)
                #expect(undecodable == 1)
                #expect(try await queue.job(fine.id)?.state == .completed)
            }
        }
    }

    @Test("cancelling from outside: a waiting job at once, a running one through task cancellation")
    func outsideCancel() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let sawCancellation = Mutex(false)
            let started = Mutex(false)
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { _, _ in
                    started.withLock { $0 = true }
                    do {
                        try await Task.sleep(for: .seconds(30))
                    } catch {
                        sawCancellation.withLock { $0 = true }
                        throw error
                    }
                })
            let waiting = try await queue.enqueue(NumberedJob(n: 1), options: .init(runAt: Date().addingTimeInterval(3600)))
            #expect(try await queue.cancel(waiting.id) == .cancelled)
            await #expect(throws: JobQueueError.self) { try await queue.cancel(waiting.id) }
            await #expect(throws: JobQueueError.self) { try await queue.cancel(999_999) }
            try await withPool(registry, client: client, database: database) {
                let running = try await queue.enqueue(NumberedJob(n: 2))
                try await eventually("the handler started") { started.withLock { $0 } }
                #expect(try await queue.cancel(running.id) == .running)
                try await eventually("the job ends cancelled") { try await queue.job(running.id)?.state == .cancelled }
            }
            #expect(sawCancellation.withLock { $0 })
        }
    }

    @Test("a notification wakes an idle worker at once; polling finds a job whose notification was lost")
    func wakeUpAndPollingFallback() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runs = Tally<Int>()
            let pool = JobWorkerPool(
                client: client, registry: countingRegistry(runs), configuration: slowPollConfiguration(),
                logger: database.logger)
            #expect(!pool.isListening)
            try await withServices([pool], logger: database.logger) {
                try await eventually("the pool listens") { pool.isListening }
                try await Task.sleep(for: .milliseconds(500))  // the first poll has passed; only a notification helps now
                let start = ContinuousClock.now
                try await queue.enqueue(NumberedJob(n: 1))
                try await eventually("the notified job ran") { runs.snapshot[1] == 1 }
                #expect(ContinuousClock.now - start < slowPollMargin, "a notification, not the 30 s poll, started it")
                // Without the trigger no notification is sent: the next poll must find it.
                try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SET LOCAL session_replication_role = replica", logger: database.logger)
                    try await connection.query(
                        """
                        INSERT INTO jobs (queue, kind, args, state) VALUES ('default', 'test.numbered', '{"n": 2}', 'available')
                        """, logger: database.logger)
                }
                try await eventually(timeout: .seconds(45), "the silent job ran") { runs.snapshot[2] == 1 }
            }
            #expect(!pool.isListening, "a stopped pool no longer listens")
        }
    }

    @Test("a paused queue is not claimed from, at once; resuming wakes its workers")
    func pauseAndResume() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runs = Tally<Int>()
            try await withPool(countingRegistry(runs), slowPollConfiguration(), client: client, database: database) {
                try await Task.sleep(for: .milliseconds(300))  // listening, first poll done
                try await queue.pause(queue: "default")
                try await Task.sleep(for: .milliseconds(100))
                let job = try await queue.enqueue(NumberedJob(n: 1))
                try await Task.sleep(for: .seconds(1))
                #expect(try await queue.job(job.id)?.state == .available, "paused: not claimed")
                #expect(try await queue.pausedQueues() == ["default"])
                let resumed = ContinuousClock.now
                try await queue.resume(queue: "default")
                try await eventually("the job runs after the resume") { runs.snapshot[1] == 1 }
                #expect(ContinuousClock.now - resumed < slowPollMargin, "the resume notification, not the 30 s poll, woke it")
            }
        }
    }

    @Test("higher priority runs first")
    func priorityOrder() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let order = Mutex<[Int]>([])
            var registry = JobRegistry()
            registry.register(ClosureHandler(NumberedJob.self) { args, _ in order.withLock { $0.append(args.n) } })
            try await queue.enqueue([
                try NewJob(NumberedJob(n: 9), options: .init(priority: 9)),
                try NewJob(NumberedJob(n: 5), options: .init(priority: 5)),
                try NewJob(NumberedJob(n: 0), options: .init(priority: 0)),
            ])
            var one = quickConfiguration(queues: ["default": 1])
            one.claimBatchSize = 1
            try await withPool(registry, one, client: client, database: database) {
                try await eventually("all ran") { order.withLock { $0.count } == 3 }
            }
            #expect(order.withLock { $0 } == [0, 5, 9])
        }
    }

    @Test("a running job reports its progress and metadata, shown while it runs; a value out of range is refused")
    func progress() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let (reported, released, refusals) = (Tally<Bool>(), Tally<Bool>(), Tally<String>())
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { _, context in
                    try await context.report(progress: 40, "四成 / 40% done")
                    try await context.record(metadata: ["round": "7", "chunk": "2"])
                    try await context.record(metadata: ["chunk": "3"])
                    for refused in [{ try await context.report(progress: 101) }, { try await context.record(metadata: ["": "x"]) }] {
                        do { _ = try await refused() } catch let error as JobQueueError { refusals.add(error.message) }
                    }
                    reported.add(true)
                    while released.total == 0 { try await Task.sleep(for: .milliseconds(20)) }
                })
            let id = try await queue.enqueue(NumberedJob(n: 1)).id
            try await withPool(registry, quickConfiguration(), client: client, database: database) {
                try await eventually("the job reported") { reported.total == 1 }
                let running = try #require(try await queue.job(id))
                #expect(running.state == .running && running.progress == 40 && running.progressMessage == "四成 / 40% done")
                #expect(running.metadataJSON == #"{"chunk": "3", "round": "7"}"#, "later keys replace earlier ones")
                #expect(refusals.snapshot.keys.contains("progress runs from 0 to 100, not 101") && refusals.total == 2)
                released.add(true)
                try await eventually("the job completed") { try await queue.job(id)?.state == .completed }
            }
            #expect(try await queue.job(id)?.progress == 40, "what it last reported stays")
        }
    }

    @Test("shutdown lets running jobs finish and claims nothing more")
    func shutdownDrains() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let started = Tally<Int>()
            // The three jobs run until a second after the shutdown began, however slowly this machine
            // runs: with a fixed working time a loaded machine let them end first and three more start.
            let released = Tally<Bool>()
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, _ in
                    started.add(args.n)
                    while released.total == 0 { try await Task.sleep(for: .milliseconds(20)) }
                })
            try await withPool(registry, quickConfiguration(queues: ["default": 3]), client: client, database: database) {
                try await queue.enqueue((0..<10).map { try NewJob(NumberedJob(n: $0)) })
                try await eventually("three jobs are running") { started.total == 3 }
                Task {
                    try? await Task.sleep(for: .seconds(1))
                    released.add(true)
                }
            }
            #expect(started.total == 3)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 3)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'available'") == 7)
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'running'") == 0)
        }
    }

    @Test("jobs still running at the drain timeout are released without counting the attempt")
    func drainTimeoutReleases() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let started = Tally<Int>()
            let registry = countingRegistry(started, working: .seconds(60))
            var configuration = quickConfiguration(queues: ["default": 2])
            configuration.drainTimeout = .milliseconds(300)
            let clock = ContinuousClock()
            let stopStarted = try await withPool(registry, configuration, client: client, database: database) {
                try await queue.enqueue((0..<2).map { try NewJob(NumberedJob(n: $0)) })
                try await eventually("both jobs run") { started.total == 2 }
                return clock.now
            }
            // The handlers work for 60 s: a stop well short of that was ended by the 300 ms drain
            // timeout. The margin is wide, since a loaded two-core machine once took 5.7 s to stop.
            #expect(clock.now - stopStarted < .seconds(30), "the drain timeout, not the 60 s handlers, ended the wait")
            #expect(
                try await client.scalar(
                    "SELECT count(*)::int FROM jobs WHERE state = 'available' AND attempt = 0 AND lease_token IS NULL") == 2)
        }
    }

    @Test("heartbeats keep a long job's lease; a lost lease cancels the handler")
    func heartbeatAndLostLease() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let cancelled = Mutex(false)
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(NumberedJob.self) { args, _ in
                    do {
                        try await Task.sleep(for: args.n == 1 ? .milliseconds(5000) : .seconds(30))
                    } catch {
                        cancelled.withLock { $0 = true }
                        throw error
                    }
                })
            // A 2 s lease is extended once half spent; the job runs 5 s, so only heartbeats keep it.
            var configuration = quickConfiguration()
            configuration.leaseDuration = .seconds(2)
            try await withPool(registry, configuration, client: client, database: database) {
                let long = try await queue.enqueue(NumberedJob(n: 1))
                // The property, not a wall-clock margin: the deadline set at the claim moves later
                // while the job runs, so a starved machine delays the heartbeat without failing the test.
                let deadline: PostgresQuery = "SELECT coalesce((extract(epoch FROM lease_deadline) * 1000)::int8, -1) FROM jobs WHERE id = \(long.id)"
                try await eventually("it runs") { try await queue.job(long.id)?.state == .running }
                // A starved test may read only after the job finished and cleared its lease (-1).
                let claimed = try await client.scalar(deadline)
                if claimed >= 0 {
                    try await eventually("a heartbeat extended the lease past its first deadline") {
                        let now = try await client.scalar(deadline)
                        return now > claimed || now < 0
                    }
                }
                try await eventually("the long job completes") { try await queue.job(long.id)?.state == .completed }
                #expect(try await queue.job(long.id)?.attempt == 1)

                let lost = try await queue.enqueue(NumberedJob(n: 2))
                try await eventually("it runs") { try await queue.job(lost.id)?.state == .running }
                try await client.query("UPDATE jobs SET lease_token = gen_random_uuid() WHERE id = \(lost.id)")
                try await eventually("the handler was cancelled") { cancelled.withLock { $0 } }
            }
        }
    }
}

@Suite("Worker pool: stuck handlers")
struct StuckHandlerTests {
    @Test("a handler past its timeout is cancelled and retried; one that ignores cancellation is abandoned to rescue")
    func timeoutAndAbandonment() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            struct Stubborn: JobArgs {
                static let kind = "test.stubborn"
                var ignoresCancellation: Bool
            }
            var registry = JobRegistry()
            registry.register(
                ClosureHandler(Stubborn.self) { args, _ in
                    if args.ignoresCancellation {
                        // Never returns and never hears cancellation: as a handler stuck in a dead driver call.
                        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                    } else {
                        try await Task.sleep(for: .seconds(60))
                    }
                })
            registry.register(ClosureHandler(NumberedJob.self) { _, _ in })
            var configuration = quickConfiguration(queues: ["default": 1])
            configuration.jobTimeout = .milliseconds(300)
            configuration.leaseDuration = .seconds(1)
            try await withPool(registry, configuration, client: client, database: database) {
                let polite = try await queue.enqueue(Stubborn(ignoresCancellation: false), options: .init(maxAttempts: 1))
                try await eventually("the timed-out job is discarded after its only attempt") {
                    try await queue.job(polite.id)?.state == .discarded
                }
                #expect(try await queue.job(polite.id)?.errorsJSON.contains("timed out") == true)
                let stuck = try await queue.enqueue(Stubborn(ignoresCancellation: true))
                try await eventually("the stuck job runs") { try await queue.job(stuck.id)?.state == .running }
                // Its only slot is freed once the handler is abandoned, so the next job runs.
                let next = try await queue.enqueue(NumberedJob(n: 1))
                try await eventually("the next job runs in the freed slot") {
                    try await queue.job(next.id)?.state == .completed
                }
                try await eventually(timeout: .seconds(20), "the abandoned job's lease runs out") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE id = \(stuck.id) AND lease_deadline < now()") == 1
                }
            }
        }
    }
}
