import Foundation

/// How a coordinator leads and keeps the queue healthy.
public struct CoordinatorConfiguration: Sendable {
    /// This coordinator's name in the leader lease.
    public var coordinatorID: String
    /// How long a leader's lease lasts without renewal: a standby takes over within about this
    /// plus one tick after the leader stops renewing.
    public var leaseDuration: Duration
    /// How often leadership is renewed (or sought) and the duties run.
    public var tick: Duration
    /// A worker silent for this long is marked dead and its jobs are rescued at once, without
    /// waiting for their leases to run out.
    public var workerTimeout: Duration
    /// Most jobs rescued per transaction.
    public var rescueBatchSize: Int
    /// Runs a job may lose with its worker (a crash, a kill, a lease left to run out) before it is
    /// quarantined: discarded with its arguments and errors kept, instead of killing the next worker.
    public var workerDeathLimit: Int
    /// `workerDeathLimit` for particular kinds, e.g. 1 for a kind that must never run twice
    /// unattended, or more for one whose handler is known to be slow to heartbeat.
    public var workerDeathLimitByKind: [String: Int]
    /// Periodic jobs; every coordinator should be given the same list.
    public var cronSchedules: [CronSchedule]
    /// Cron ticks missed for longer than this (no leader for a while) are skipped, except the newest.
    public var cronCatchUp: Duration
    /// How long completed and cancelled jobs are kept.
    public var completedRetention: Duration
    /// How long discarded jobs (and workers that stopped or died) are kept: longer, for post-mortems.
    public var discardedRetention: Duration
    /// Jobs deleted per pruning transaction.
    public var pruneBatchSize: Int
    /// How often finished jobs are pruned and queue statistics recorded.
    public var housekeepingInterval: Duration

    /// Defaults: a 3 s lease renewed every 500 ms, workers dead after 6 s of silence, a job
    /// quarantined after its third worker died running it, no cron schedules, finished jobs kept a
    /// day and discarded ones a week, housekeeping every 10 s.
    public init(
        coordinatorID: String = WorkerConfiguration.defaultWorkerID(), leaseDuration: Duration = .seconds(3),
        tick: Duration = .milliseconds(500), workerTimeout: Duration = .seconds(6), rescueBatchSize: Int = 1_000,
        workerDeathLimit: Int = 3, workerDeathLimitByKind: [String: Int] = [:],
        cronSchedules: [CronSchedule] = [], cronCatchUp: Duration = .seconds(3_600),
        completedRetention: Duration = .seconds(86_400), discardedRetention: Duration = .seconds(7 * 86_400),
        pruneBatchSize: Int = 5_000, housekeepingInterval: Duration = .seconds(10)
    ) {
        self.coordinatorID = coordinatorID
        self.leaseDuration = leaseDuration
        self.tick = tick
        self.workerTimeout = workerTimeout
        self.rescueBatchSize = rescueBatchSize
        self.workerDeathLimit = workerDeathLimit
        self.workerDeathLimitByKind = workerDeathLimitByKind
        self.cronSchedules = cronSchedules
        self.cronCatchUp = cronCatchUp
        self.completedRetention = completedRetention
        self.discardedRetention = discardedRetention
        self.pruneBatchSize = pruneBatchSize
        self.housekeepingInterval = housekeepingInterval
    }
}
