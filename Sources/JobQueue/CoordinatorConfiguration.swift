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

    /// Defaults: a 3 s lease renewed every 500 ms, workers dead after 6 s of silence, no cron
    /// schedules, finished jobs kept a day and discarded ones a week, housekeeping every 10 s.
    public init(
        coordinatorID: String = WorkerConfiguration.defaultWorkerID(), leaseDuration: Duration = .seconds(3),
        tick: Duration = .milliseconds(500), workerTimeout: Duration = .seconds(6), rescueBatchSize: Int = 1_000,
        cronSchedules: [CronSchedule] = [], cronCatchUp: Duration = .seconds(3_600),
        completedRetention: Duration = .seconds(86_400), discardedRetention: Duration = .seconds(7 * 86_400),
        pruneBatchSize: Int = 5_000, housekeepingInterval: Duration = .seconds(10)
    ) {
        self.coordinatorID = coordinatorID
        self.leaseDuration = leaseDuration
        self.tick = tick
        self.workerTimeout = workerTimeout
        self.rescueBatchSize = rescueBatchSize
        self.cronSchedules = cronSchedules
        self.cronCatchUp = cronCatchUp
        self.completedRetention = completedRetention
        self.discardedRetention = discardedRetention
        self.pruneBatchSize = pruneBatchSize
        self.housekeepingInterval = housekeepingInterval
    }
}
