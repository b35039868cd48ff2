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

    /// Defaults: a 3 s lease renewed every 500 ms, workers dead after 6 s of silence.
    public init(
        coordinatorID: String = WorkerConfiguration.defaultWorkerID(), leaseDuration: Duration = .seconds(3),
        tick: Duration = .milliseconds(500), workerTimeout: Duration = .seconds(6), rescueBatchSize: Int = 1_000
    ) {
        self.coordinatorID = coordinatorID
        self.leaseDuration = leaseDuration
        self.tick = tick
        self.workerTimeout = workerTimeout
        self.rescueBatchSize = rescueBatchSize
    }
}
