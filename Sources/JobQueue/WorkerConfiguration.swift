import Foundation

/// How a worker pool claims, runs and acknowledges jobs.
public struct WorkerConfiguration: Sendable {
    /// The queues to work, with the number of jobs run at once on each.
    public var queues: [String: Int]
    /// Most jobs claimed in one statement.
    public var claimBatchSize: Int
    /// How long a claim holds a job without a heartbeat; after it, the coordinator rescues the job.
    public var leaseDuration: Duration
    /// How often running jobs' leases are extended; well under `leaseDuration`.
    public var heartbeatInterval: Duration
    /// How often queues are polled when no notification arrives, and due jobs promoted.
    public var pollInterval: Duration
    /// How long running jobs may finish after a shutdown request before they are released.
    public var drainTimeout: Duration
    /// The delays between failed attempts.
    public var retryPolicy: RetryPolicy
    /// This worker's name in leases and logs.
    public var workerID: String

    /// A configuration with working defaults: queue `default` with 10 at once, batches of 100,
    /// a 10 s lease extended every 2 s, a 1 s poll, a 30 s drain.
    public init(
        queues: [String: Int] = ["default": 10],
        claimBatchSize: Int = 100,
        leaseDuration: Duration = .seconds(10),
        heartbeatInterval: Duration = .seconds(2),
        pollInterval: Duration = .seconds(1),
        drainTimeout: Duration = .seconds(30),
        retryPolicy: RetryPolicy = .init(),
        workerID: String = WorkerConfiguration.defaultWorkerID()
    ) {
        self.queues = queues
        self.claimBatchSize = claimBatchSize
        self.leaseDuration = leaseDuration
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.drainTimeout = drainTimeout
        self.retryPolicy = retryPolicy
        self.workerID = workerID
    }

    /// host-pid-random: unique per process, readable by an operator.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt16.random(in: 0...UInt16.max))"
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
