import ArgumentParser
import CommandSupport
import Foundation
import JobQueue

/// `assess jobs …`: inspect and steer jobs and queues.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, inspect, retry and cancel jobs; pause and resume queues; probe a deployment.",
        subcommands: [List.self, Show.self, Stats.self, Retry.self, Cancel.self, Pause.self, Resume.self, Probe.self])

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

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue probe jobs that record their one run, or (--check) report how many ran, once or more.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Probe jobs to enqueue.") var count = 10
        @Option(name: .long, help: "Milliseconds each probe works (0 to 600000).") var sleepMs = 0
        @Option(name: .long, help: "The queue to probe.") var queue = "default"
        @Flag(name: .long, help: "Report instead of enqueuing.") var check = false

        func run() async throws {
            guard (1...1_000_000).contains(count), (0...ProbeHandler.longest).contains(sleepMs) else {
                throw ValidationError("--count must be 1 to 1000000 and --sleep-ms 0 to \(ProbeHandler.longest)")
            }
            let (count, sleepMs, queue, check) = (self.count, self.sleepMs, self.queue, self.check)
            try await JobsCommand.withQueue(database) { client in
                if check {
                    let report = try await client.probeReport()
                    print("probes: \(report.enqueued) enqueued, \(report.ranOnce) ran exactly once, \(report.completed) completed")
                } else {
                    try await client.enqueue(
                        (0..<count).map { _ in
                            try NewJob(ProbeJob(milliseconds: sleepMs), options: .init(queue: queue))
                        })
                    print("enqueued \(count) probe jobs on \(queue)")
                }
            }
        }
    }
}
