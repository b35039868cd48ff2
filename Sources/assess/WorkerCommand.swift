import ArgumentParser
import CommandSupport
import JobQueue
import Logging
import Notify
import ServiceLifecycle
import Workers
import Workflow

/// `assess worker`: a worker pool until SIGTERM or SIGINT, then a graceful drain.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run a worker pool until SIGTERM/SIGINT, then drain.")

    @OptionGroup var database: DatabaseOptions

    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "Queues to work, as name or name=concurrency (default: default=10 assessment=10 signing=2 notify=16; signing needs ASSESS_BUREAU_KEY, notify ASSESS_DATA_KEY)."
    )
    var queue: [String] = ["default=10", "assessment=10", "signing=2", "notify=16"]

    @Option(name: .long, help: "Most jobs claimed at once.")
    var batchSize = 100

    @Option(name: .long, help: "Seconds running jobs may finish after a shutdown request.")
    var drainSeconds = 30

    @Option(name: .long, help: "Seconds one attempt may run before it is cancelled and retried.")
    var jobTimeoutSeconds = 600

    @Option(name: .long, help: "Rehearsal only: milliseconds every job waits before its handler starts, to crash a worker with jobs in flight.")
    var rehearsalDelayMs = 0

    func run() async throws {
        let logger = try database.logger(label: "assess.worker")
        var configured = WorkerConfiguration(
            queues: try Self.parseQueues(queue), claimBatchSize: batchSize, drainTimeout: .seconds(drainSeconds),
            jobTimeout: .seconds(jobTimeoutSeconds))
        configured.tracesJobs = TraceExport.isConfigured()
        let configuration = configured
        let notify = NotifyConfiguration(endpoints: try .fromEnvironment())
        let rehearsalDelayMs = rehearsalDelayMs
        let listenURL = try database.listenURL
        try await DeliveryHTTP.with(configuration: notify) { http in
            try await database.runServices(logger: logger) { client, url in
                let workflow = try WorkerHandlers.workflow(client: client, logger: logger)
                let notifier = try WorkerHandlers.notifier(client: client, configuration: notify, logger: logger)
                var configuration = configuration
                if workflow.signer == nil { configuration.queues[Workflow.signingQueueName] = nil }
                if notifier == nil { configuration.queues[NotifyConfiguration.queueName] = nil }
                var registry = WorkerHandlers.registry(workflow: workflow, notifier: notifier, http: http)
                if rehearsalDelayMs > 0 { registry.delayEveryHandler(by: .milliseconds(rehearsalDelayMs)) }
                let (wakeUps, listener) = try JobWorkerPool.WakeUps.forDatabase(url, listenURL: listenURL, logger: logger)
                // The listening client first: it stops after the pool that uses it.
                return [listener].compactMap { $0 }
                    + [JobWorkerPool(client: client, registry: registry, configuration: configuration, wakeUps: wakeUps, logger: logger)]
            }
        }
    }

    static func parseQueues(_ specs: [String]) throws -> [String: Int] {
        var queues: [String: Int] = [:]
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first, !name.isEmpty else { throw ValidationError("--queue needs a name, like default=10") }
            let concurrency = parts.count == 2 ? Int(parts[1]) : 10
            guard let concurrency, concurrency > 0 else {
                throw ValidationError("--queue \(spec): the concurrency after = must be a positive whole number")
            }
            queues[name] = concurrency
        }
        return queues
    }
}
