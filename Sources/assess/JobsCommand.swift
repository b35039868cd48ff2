import ArgumentParser
import CommandSupport
import Foundation
import JobQueue

/// `assess jobs …`: inspect and steer jobs and queues.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, inspect, retry and cancel jobs; pause and resume queues; probe a deployment.",
        subcommands: [
            List.self, Show.self, Stats.self, Retry.self, Cancel.self, Pause.self, Resume.self, Limits.self, Limit.self, Unlimit.self,
            Probe.self,
        ])

    /// Runs `body` with a queue client on DATABASE_URL.
    static func withQueue(_ database: DatabaseOptions, _ body: @escaping @Sendable (JobQueueClient) async throws -> Void) async throws {
        let logger = try database.logger(label: "assess.jobs", quietest: .warning)
        try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
            try await body(JobQueueClient(client: client, logger: logger))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest jobs.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Only this state.") var state: String?
        @Option(name: .long, help: "Only this queue.") var queue: String?
        @Flag(name: .long, help: "Only jobs quarantined for killing their workers.") var quarantined = false
        @Option(name: .long, help: "At most this many (1 to 10000).") var limit = 50

        func run() async throws {
            let state = try state.map { name -> JobState in
                guard let state = JobState(rawValue: name) else {
                    throw ValidationError("--state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
            let (queue, limit, quarantined) = (self.queue, self.limit, self.quarantined)
            try await JobsCommand.withQueue(database) { client in
                for job in try await client.jobs(state: state, queue: queue, quarantined: quarantined, limit: limit) {
                    let note = job.quarantinedAt == nil ? "" : "\tquarantined: its worker died \(job.workerDeaths) times while running it"
                    print("\(job.id)\t\(job.state.rawValue)\t\(job.queue)\t\(job.kind)\tattempt \(job.attempt)/\(job.maxAttempts)\(note)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One job with its arguments, progress, metadata and last errors.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let id = self.id
            try await JobsCommand.withQueue(database) { client in
                guard let job = try await client.job(id) else { throw ValidationError("no job has the id \(id)") }
                print("job \(job.id): \(job.state.rawValue), queue \(job.queue), kind \(job.kind), priority \(job.priority)")
                print("attempt \(job.attempt) of \(job.maxAttempts), runs at \(job.runAt), enqueued \(job.insertedAt)")
                print(
                    "runs lost with their worker: \(job.workerDeaths)"
                        + (job.quarantinedAt.map { ", quarantined at \($0); `assess jobs retry \(job.id)` runs it again" } ?? ""))
                print("args: \(job.argsJSON)")
                if let progress = job.progress { print("progress: \(progress)%" + (job.progressMessage.map { ", \($0)" } ?? "")) }
                print("metadata: \(job.metadataJSON)")
                print("errors: \(job.errorsJSON)")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Jobs per queue and state, and the oldest available job's wait, as the leading coordinator last recorded them.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await JobsCommand.withQueue(database) { client in
                let stats = try await client.queueStats()
                if stats.isEmpty { print("no statistics yet: a leading coordinator records them every housekeeping interval") }
                let states = JobState.allCases
                print((["queue"] + states.map(\.rawValue) + ["oldest available (s)", "recorded at"]).joined(separator: "\t"))
                for queue in stats {
                    let counts = states.map { String(queue.counts[$0] ?? 0) }
                    let oldest = queue.oldestAvailableAge.map { String(format: "%.1f", $0) } ?? "-"
                    print(([queue.queue] + counts + [oldest, "\(queue.recordedAt)"]).joined(separator: "\t"))
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a discarded, cancelled or waiting job again now.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id.") var id: Int64
        func run() async throws {
            let id = self.id
            try await JobsCommand.withQueue(database) {
                try await $0.retry(id)
                print("job \(id) is available again")
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job (a running one through task cancellation).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id.") var id: Int64
        func run() async throws {
            let id = self.id
            try await JobsCommand.withQueue(database) { print("job \(id): \(try await $0.cancel(id).rawValue)") }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop workers claiming from a queue.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The queue.") var queue: String
        func run() async throws {
            let queue = self.queue
            try await JobsCommand.withQueue(database) {
                try await $0.pause(queue: queue)
                print("queue \(queue) paused")
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let workers claim from a paused queue again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The queue.") var queue: String
        func run() async throws {
            let queue = self.queue
            try await JobsCommand.withQueue(database) {
                try await $0.resume(queue: queue)
                print("queue \(queue) resumed")
            }
        }
    }

    struct Limits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The limits in force, per queue and kind.")
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            try await JobsCommand.withQueue(database) { client in
                let limits = try await client.limits()
                if limits.isEmpty { print("no limits: every kind runs as fast as its workers claim it") }
                for limit in limits { print(Self.describe(limit)) }
            }
        }

        static func describe(_ limit: JobLimit) -> String {
            var parts = ["\(limit.queue)\t\(limit.kind)"]
            if let concurrency = limit.concurrency { parts.append("at most \(concurrency) running") }
            if let perKey = limit.perKey { parts.append("at most \(perKey.concurrency) running per \(perKey.field)") }
            if let rate = limit.rate { parts.append("at most \(rate.starts) starts per \(rate.periodMilliseconds) ms") }
            return parts.joined(separator: "\t")
        }
    }

    struct Limit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Limit a kind on a queue across all workers: running at once, running per key, starts per interval.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "The queue.") var queue: String
        @Option(name: .long, help: "The kind of job.") var kind: String
        @Option(name: .long, help: "Most running at once anywhere (1 to 10000).") var concurrency: Int?
        @Option(name: .long, help: "Most running per value of an argument, as field=N, e.g. round=1 (N 1 to 10000).") var perKey: String?
        @Option(name: .long, help: "Most starts per interval, as N/milliseconds, e.g. 50/1000 (N 1 to 1000, 1 ms to 24 h).") var rate: String?

        func run() async throws {
            let perKey = try self.perKey.map { spec -> JobLimit.PerKey in
                let parts = spec.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let n = Int(parts[1]) else { throw ValidationError("--per-key must be field=N, e.g. round=1") }
                return JobLimit.PerKey(field: String(parts[0]), concurrency: n)
            }
            let rate = try self.rate.map { spec -> JobLimit.Rate in
                let parts = spec.split(separator: "/", maxSplits: 1)
                guard parts.count == 2, let n = Int(parts[0]), let ms = Int64(parts[1]), JobLimit.ratePeriodMillisecondsRange.contains(ms) else {
                    throw ValidationError("--rate must be N/milliseconds with 1 to 86400000 milliseconds, e.g. 50/1000")
                }
                return JobLimit.Rate(starts: n, period: .milliseconds(ms))
            }
            let limit = JobLimit(queue: queue, kind: kind, concurrency: concurrency, perKey: perKey, rate: rate)
            do {
                try limit.validate()
            } catch let error as JobQueueError {
                throw ValidationError(error.message)
            }
            try await JobsCommand.withQueue(database) {
                try await $0.setLimit(limit)
                print("limit set: \(Limits.describe(limit))")
            }
        }
    }

    struct Unlimit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the limit of a kind on a queue.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "The queue.") var queue: String
        @Option(name: .long, help: "The kind of job.") var kind: String
        func run() async throws {
            let (queue, kind) = (self.queue, self.kind)
            try await JobsCommand.withQueue(database) {
                print(try await $0.removeLimit(queue: queue, kind: kind) ? "limit lifted" : "\(kind) on \(queue) had no limit")
            }
        }
    }

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue probe jobs that record their one run, or (--check) report how many ran, once or more.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Probe jobs to enqueue.") var count = 10
        @Option(name: .long, help: "Milliseconds each probe works (0 to 600000).") var sleepMs = 0
        @Option(name: .long, help: "The queue to probe.") var queue = "default"
        @Option(name: .long, help: "Spread the probes over this many values of their `key` argument, for per-key limits (0: none).")
        var keys = 0
        @Flag(name: .long, help: "Report instead of enqueuing.") var check = false

        func run() async throws {
            guard (1...1_000_000).contains(count), (0...ProbeHandler.longest).contains(sleepMs), (0...10_000).contains(keys) else {
                throw ValidationError("--count must be 1 to 1000000, --sleep-ms 0 to \(ProbeHandler.longest) and --keys 0 to 10000")
            }
            let (count, sleepMs, queue, check, keys) = (self.count, self.sleepMs, self.queue, self.check, self.keys)
            try await JobsCommand.withQueue(database) { client in
                if check {
                    let report = try await client.probeReport()
                    print(
                        "probes: \(report.enqueued) enqueued, \(report.ranOnce) ran exactly once, \(report.doubled) more than once, \(report.completed) completed"
                    )
                } else {
                    try await client.enqueue(
                        (0..<count).map { n in
                            try NewJob(ProbeJob(milliseconds: sleepMs, key: keys == 0 ? nil : "k\(n % keys)"), options: .init(queue: queue))
                        })
                    print("enqueued \(count) probe jobs on \(queue)")
                }
            }
        }
    }
}
