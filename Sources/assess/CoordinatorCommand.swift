import ArgumentParser
import CommandSupport
import JobQueue
import Notify
import PostgresNIO
import ServiceLifecycle
import Workers
import Workflow

/// `assess coordinator`: run a coordinator, or show who leads.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator", abstract: "Run a coordinator (default), or show its status.",
        subcommands: [Run.self, Status.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Lead or stand by until SIGTERM/SIGINT; rescue, promote, watch workers.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Name in the leader lease (default: host-pid-random).") var id: String?
        @Option(name: .long, help: "Milliseconds a leader's lease lasts without renewal.") var leaseMs = 3_000
        @Option(name: .long, help: "Milliseconds between renewals and duty rounds.") var tickMs = 500
        @Option(name: .long, help: "Milliseconds of silence after which a worker is dead.") var workerTimeoutMs = 6_000
        @Option(name: .long, help: "Milliseconds between queue statistics and pruning rounds.") var housekeepingMs = 10_000
        @Option(name: .long, help: "Hours completed and cancelled jobs are kept.") var completedRetentionHours = 24.0
        @Option(name: .long, help: "Hours discarded jobs and gone workers are kept.") var discardedRetentionHours = 168.0
        @Option(
            name: .long,
            help: ArgumentHelp(
                "A cron expression (5 fields, or 6 with leading seconds) that enqueues a probe job at each tick, to check cron end to end.",
                valueName: "expression")) var probeCron: String?
        @Option(name: .long, help: "The time zone cron expressions are read in.") var cronTimeZone = "Asia/Shanghai"
        @Option(name: .long, help: "Days the notification delivery log keeps attempts.") var notificationLogRetentionDays = 30.0

        func run() async throws {
            guard leaseMs > 2 * tickMs, tickMs > 0, workerTimeoutMs > 0, housekeepingMs > 0 else {
                throw ValidationError("--lease-ms must exceed twice --tick-ms, and all durations must be positive")
            }
            guard completedRetentionHours > 0, discardedRetentionHours > 0, notificationLogRetentionDays >= 1 else {
                throw ValidationError(
                    """
                    --completed-retention-hours and --discarded-retention-hours must be positive, \
                    --notification-log-retention-days at least 1
                    """)
            }
            var schedules: [CronSchedule]
            do {
                var notify = NotifyConfiguration()
                notify.logRetention = .seconds(notificationLogRetentionDays * 86_400)
                schedules = try Workflow.cronSchedules() + Notifier.cronSchedules(configuration: notify)
                if let probeCron {
                    schedules.append(try CronSchedule(name: "probe", expression: probeCron, timeZone: cronTimeZone, args: ProbeJob(milliseconds: 0)))
                }
            } catch let error as JobQueueError {
                throw ValidationError(error.message)
            }
            let logger = try database.logger(label: "assess.coordinator")
            let configuration = CoordinatorConfiguration(
                coordinatorID: id ?? WorkerConfiguration.defaultWorkerID(), leaseDuration: .milliseconds(leaseMs),
                tick: .milliseconds(tickMs), workerTimeout: .milliseconds(workerTimeoutMs), cronSchedules: schedules,
                completedRetention: .milliseconds(Int64(completedRetentionHours * 3_600_000)),
                discardedRetention: .milliseconds(Int64(discardedRetentionHours * 3_600_000)),
                housekeepingInterval: .milliseconds(housekeepingMs))
            try await database.runServices(logger: logger) { client, _ in
                [QueueCoordinator(client: client, configuration: configuration, logger: logger)]
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the leader, its term and the workers.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let logger = try database.logger(label: "assess.coordinator", quietest: .warning)
            try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                let status = try await JobQueueClient(client: client, logger: logger).clusterStatus()
                if let leader = status.leader {
                    print("leader: \(leader.holder), term \(leader.term)\(leader.leaseLive ? "" : " (lease expired: a standby takes over)")")
                } else {
                    print("leader: none yet")
                }
                for worker in status.workers {
                    print(
                        "worker \(worker.id): \(worker.state), queues \(worker.queues.joined(separator: ",")), seen \(String(format: "%.1f", worker.secondsSinceSeen)) s ago"
                    )
                }
            }
        }
    }
}
