import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

/// Limits kept by several pools at once, each claiming on its own, as separate processes would.
@Suite("Limits")
struct LimitTests {
    /// Three pools of the same queue, each able to run far more than the limits allow.
    static func pools(_ registry: JobRegistry, client: PostgresClient, database: TestDatabase, poll: Duration) -> [JobWorkerPool] {
        ["a", "b", "c"].map {
            var configuration = quickConfiguration(queues: ["default": 10], workerID: $0)
            configuration.pollInterval = poll
            return JobWorkerPool(client: client, registry: registry, configuration: configuration, logger: database.logger)
        }
    }

    /// A poll interval no test waits out: what happens sooner was woken by something else.
    static let noPoll: Duration = .seconds(600)
    /// How long a test waits for its jobs (beside the whole suite on two cores), well under `noPoll`.
    static let patience: Duration = .seconds(120)

    /// Samples the running rows every 10 ms while `body` runs; returns the most seen at once.
    static func sampling(_ client: PostgresClient, kind: String, perArgument field: String? = nil, _ body: () async throws -> Void)
        async throws -> Int
    {
        try await withThrowingTaskGroup(of: Int.self) { sampler in
            sampler.addTask {
                var most = 0
                while !Task.isCancelled {
                    do {
                        most = max(most, try await client.runningNow(kind: kind, perArgument: field))
                    } catch  where Task.isCancelled {
                        // Cancelled inside the query: the body is done, and so is sampling.
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return most
            }
            try await body()
            sampler.cancelAll()
            return try await sampler.next() ?? 0
        }
    }

    @Test("limits out of range are refused, saying what to fix; a limit is read back as set, replaced and lifted")
    func validation() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let refused: [(JobLimit, String)] = [
                (JobLimit(queue: "default", kind: "k"), "needs a concurrency"),
                (JobLimit(queue: "default", kind: "k", concurrency: 0), "concurrency must be 1 to 10000"),
                (JobLimit(queue: "default", kind: "k", concurrency: 10_001), "not 10001"),
                (JobLimit(queue: "default", kind: "k", perKey: .init(field: "a.b", concurrency: 1)), "one argument name"),
                (JobLimit(queue: "default", kind: "k", perKey: .init(field: "round", concurrency: -1)), "per-key concurrency"),
                (JobLimit(queue: "default", kind: "k", rate: .init(starts: 1_001, period: .seconds(1))), "1 to 1000 starts"),
                (JobLimit(queue: "default", kind: "k", rate: .init(starts: 5, period: .zero)), "1 ms to 24 h"),
                (JobLimit(queue: "default", kind: "k", rate: .init(starts: 5, period: .seconds(Int64.max))), "1 ms to 24 h"),
                (JobLimit(queue: "", kind: "k", concurrency: 1), "needs a queue and a kind"),
            ]
            for (limit, message) in refused {
                let error = await #expect(throws: JobQueueError.self) { try await queue.setLimit(limit) }
                #expect(error?.code == .invalidOptions)
                #expect(error?.message.contains(message) == true, "\(error?.message ?? "") says \(message)")
            }
            #expect(try await queue.limits(queues: ["default"]).isEmpty, "nothing refused was stored")

            let limit = JobLimit(
                queue: "default", kind: NumberedJob.kind, concurrency: 4, perKey: .init(field: "n", concurrency: 1),
                rate: .init(starts: 50, period: .seconds(1)))
            try await queue.setLimit(limit)
            #expect(try await queue.limits(queues: ["default"]) == [limit])
            let replaced = JobLimit(queue: "default", kind: NumberedJob.kind, concurrency: 2)
            try await queue.setLimit(replaced)
            #expect(try await queue.limits(queues: ["default"]) == [replaced])
            #expect(try await queue.limits(queues: ["other"]).isEmpty)
            #expect(try await queue.removeLimit(queue: "default", kind: NumberedJob.kind))
            #expect(try await !queue.removeLimit(queue: "default", kind: NumberedJob.kind), "a second lift finds nothing")
        }
    }

    @Test("at most 2 of a kind run across three pools, which wake one another as jobs end; other kinds run beside them")
    func globalConcurrency() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            try await queue.setLimit(JobLimit(queue: "default", kind: ProbeJob.kind, concurrency: 2))
            var registry = JobRegistry()
            registry.register(ProbeHandler())
            registry.register(ClosureHandler(NumberedJob.self) { _, _ in try await Task.sleep(for: .milliseconds(100)) })
            // Pools that never poll while the test runs: the probes after the first two can only
            // start because an ending probe woke them.
            let pools = Self.pools(registry, client: client, database: database, poll: Self.noPoll)
            let most = try await withServices(pools, logger: database.logger) {
                try await Self.sampling(client, kind: ProbeJob.kind) {
                    try await queue.enqueue((0..<12).map { _ in try NewJob(ProbeJob(milliseconds: 150)) })
                    try await queue.enqueue((0..<30).map { try NewJob(NumberedJob(n: $0)) })
                    try await eventually(timeout: Self.patience, "all jobs complete") {
                        try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 42
                    }
                }
            }
            #expect(most <= 2, "sampled: at most 2 probes running")
            #expect(try await client.mostRunningAtOnce(kind: ProbeJob.kind) == 2, "never more than 2 at once, and 2 did run together")
            #expect(try await client.mostRunningAtOnce(kind: NumberedJob.kind) > 2, "the unlimited kind ran many at once beside them")
            let report = try await queue.probeReport()
            #expect(report.ranOnce == 12 && report.doubled == 0 && report.completed == 12, "each probe ran once")
        }
    }

    @Test("at most 1 running per key: jobs of different keys run at once, two of one key never")
    func perKeyConcurrency() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            try await queue.setLimit(JobLimit(queue: "default", kind: ProbeJob.kind, perKey: .init(field: "key", concurrency: 1)))
            var registry = JobRegistry()
            registry.register(ProbeHandler())
            let pools = Self.pools(registry, client: client, database: database, poll: .milliseconds(200))
            let most = try await withServices(pools, logger: database.logger) {
                try await Self.sampling(client, kind: ProbeJob.kind, perArgument: "key") {
                    // All of key k0 first: a claim must look past them to find the other keys.
                    let keys = Array(repeating: "k0", count: 8) + (1...3).flatMap { Array(repeating: "k\($0)", count: 4) }
                    try await queue.enqueue(keys.map { try NewJob(ProbeJob(milliseconds: 120, key: $0)) })
                    try await eventually(timeout: .seconds(60), "all probes complete") {
                        try await queue.probeReport().completed == 20
                    }
                }
            }
            #expect(most <= 1, "sampled: never two of one key running")
            #expect(try await client.mostRunningAtOnce(kind: ProbeJob.kind, perArgument: "key") == 1)
            #expect(try await client.mostRunningAtOnce(kind: ProbeJob.kind) >= 3, "different keys ran at once")
        }
    }

    @Test("at most 5 starts in any 400 ms; the pools wait for the window to open, not for the poll")
    func rate() async throws {
        try await TestDatabase.with(maximumConnections: 30) { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            try await queue.setLimit(JobLimit(queue: "default", kind: ProbeJob.kind, rate: .init(starts: 5, period: .milliseconds(400))))
            var registry = JobRegistry()
            registry.register(ProbeHandler())
            // Pools that never poll while the test runs: after the first 5 starts only the rate's
            // own wait lets them claim again.
            let pools = Self.pools(registry, client: client, database: database, poll: Self.noPoll)
            try await withServices(pools, logger: database.logger) {
                try await queue.enqueue((0..<25).map { _ in try NewJob(ProbeJob(milliseconds: 0)) })
                try await eventually(timeout: Self.patience, "all probes complete") { try await queue.probeReport().completed == 25 }
            }
            #expect(try await client.mostStartsWithin(milliseconds: 400, kind: ProbeJob.kind) == 5, "5 starts at most, and 5 did start together")
            let span: Double =
                try await client.query(
                    "SELECT extract(epoch FROM max(attempted_at) - min(attempted_at))::float8 FROM jobs WHERE kind = \(ProbeJob.kind)"
                ).decode(Double.self).first { _ in true } ?? 0
            #expect(span >= 1.6, "25 starts at 5 per 400 ms take at least 4 windows: \(span) s")
        }
    }

    @Test("one start an hour runs one job; lifting the limit lets the rest run, and setting it again stops them at once")
    func liftAndSet() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            let runs = Tally<Int>()
            try await queue.setLimit(JobLimit(queue: "default", kind: NumberedJob.kind, rate: .init(starts: 1, period: .seconds(3_600))))
            try await withPool(countingRegistry(runs), slowPollConfiguration(), client: client, database: database) {
                try await queue.enqueue([try NewJob(NumberedJob(n: 1)), try NewJob(NumberedJob(n: 2))])
                try await eventually("the first job runs") { runs.total == 1 }
                try await Task.sleep(for: .milliseconds(500))
                #expect(runs.total == 1, "one start per hour")
                try await queue.removeLimit(queue: "default", kind: NumberedJob.kind)
                try await eventually("the second runs once the limit is lifted") { runs.total == 2 }
                try await queue.setLimit(JobLimit(queue: "default", kind: NumberedJob.kind, rate: .init(starts: 1, period: .seconds(3_600))))
                try await queue.enqueue([try NewJob(NumberedJob(n: 3)), try NewJob(NumberedJob(n: 4))])
                try await eventually("one of the next two runs under the new limit") { runs.total == 3 }
                try await Task.sleep(for: .milliseconds(500))
                #expect(runs.total == 3, "the ordinary claim left the other to the limit")
            }
        }
    }
}
