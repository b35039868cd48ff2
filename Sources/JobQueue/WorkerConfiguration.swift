import Foundation

/// How a worker pool claims, runs and acknowledges jobs.
public struct WorkerConfiguration: Sendable {
    /// The queues to work, with the number of jobs run at once on each.
    public var queues: [String: Int]
    /// Most jobs claimed in one statement.
    public var claimBatchSize: Int
    /// How long a claim holds a job without a heartbeat; after it, the coordinator rescues the job.
    public var leaseDuration: Duration
    /// How often the heartbeat runs; it extends the leases that are half spent, so keep it well
    /// under half of `leaseDuration`.
    public var heartbeatInterval: Duration
    /// How often queues are polled when no notification arrives, and due jobs promoted.
    public var pollInterval: Duration
    /// How long running jobs may finish after a shutdown request before they are released.
    public var drainTimeout: Duration
    /// The delays between failed attempts.
    public var retryPolicy: RetryPolicy
    /// How long one attempt may run before its handler is cancelled (and retried). A handler that
    /// ignores the cancellation for `leaseDuration` more is abandoned: its slot is freed and the
    /// coordinator rescues the job when its lease runs out.
    public var jobTimeout: Duration
    /// This worker's name in leases and logs.
    public var workerID: String
    /// How long one database round of the pool (a claim, an acknowledgement, a heartbeat, a poll)
    /// may take before it is abandoned and tried afresh: after a database restart some requests
    /// are never answered.
    public var databaseRoundDeadline: Duration = .seconds(15)
    /// Runs each job in a span of the process's tracer that continues the trace of the code that
    /// enqueued it (one more read per claimed batch, for the jobs' trace context). Off unless the
    /// process exports traces.
    public var tracesJobs = false

    /// A configuration with working defaults: queue `default` with 10 at once, batches of 100,
    /// a 10 s lease extended every 2 s, a 1 s poll, a 30 s drain, a 10 min job timeout.
    public init(
        queues: [String: Int] = ["default": 10],
        claimBatchSize: Int = 100,
        leaseDuration: Duration = .seconds(10),
        heartbeatInterval: Duration = .seconds(2),
        pollInterval: Duration = .seconds(1),
        drainTimeout: Duration = .seconds(30),
        retryPolicy: RetryPolicy = .init(),
        jobTimeout: Duration = .seconds(600),
        workerID: String = WorkerConfiguration.defaultWorkerID()
    ) {
        self.jobTimeout = jobTimeout
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
    /// Whole milliseconds, saturating at the ends of `Int64` rather than trapping on a duration
    /// that came from outside.
    var milliseconds: Int64 {
        let (whole, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return components.seconds < 0 ? .min : .max }
        let (total, carry) = whole.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000)
        return carry ? (whole < 0 ? .min : .max) : total
    }
}
