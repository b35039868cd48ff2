import Foundation
import Synchronization

/// The shared state of one worker pool: leased jobs, free slots, outcomes awaiting
/// acknowledgement, and the shutdown flag. Every loop of the pool reads and changes it.
final class WorkerRuntime: Sendable {
    enum StopReason: Sendable {
        case cancelRequested
        case leaseLost
        case shutdown
        case timedOut
    }

    struct Lease {
        let token: UUID
        let queue: String
        /// When the lease was taken or last extended (by this process's clock).
        var extendedAt: ContinuousClock.Instant
        /// When the handler started.
        let startedAt: ContinuousClock.Instant
        /// When the handler was asked to stop.
        var stoppedAt: ContinuousClock.Instant?
        var handlerRunning = true
        var cancelHandler: (@Sendable () -> Void)?
        var stopReason: StopReason?
    }

    private struct State {
        var leases: [Int64: Lease] = [:]
        var inFlight: [String: Int] = [:]
        var pollRequested: Set<String> = []
        var acknowledgements: [Acknowledgement] = []
        var shuttingDown = false
        var fetchersDone = false
        var paused: Set<String> = []
        /// Counts pause and resume notifications, so that a poll's older answer never undoes one.
        var pauseChanges = 0
        var listening = false
        /// Queues with suspects waiting: jobs one worker death short of quarantine, run one at a time.
        var suspects: Set<String> = []
        var isolating = false
        /// The limited kinds of each queue (`job_limits`), as the last poll read them.
        var limitedKinds: [String: [String]] = [:]
    }

    private let state = Mutex(State())
    let queueSignals: [String: WakeSignal]
    let acknowledgementSignal = WakeSignal()
    let shutdownSignal = WakeSignal()
    /// Runs the poll before its interval is up: limits changed.
    let pollSignal = WakeSignal()

    init(queues: [String]) {
        queueSignals = Dictionary(uniqueKeysWithValues: queues.map { ($0, WakeSignal()) })
    }

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    var isListening: Bool { state.withLock { $0.listening } }

    func setListening(_ listening: Bool) { state.withLock { $0.listening = listening } }

    func beginShutdown() {
        let first = state.withLock { state -> Bool in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        guard first else { return }
        queueSignals.values.forEach { $0.signal() }
        shutdownSignal.signal()
    }

    /// How many pause or resume notifications arrived so far.
    var pauseChanges: Int { state.withLock { $0.pauseChanges } }

    /// Applies a poll's answer, unless a notification arrived since the poll asked (`seen`).
    func setPaused(_ queues: Set<String>, unlessChangedSince seen: Int) {
        state.withLock { state in
            if state.pauseChanges == seen { state.paused = queues }
        }
    }

    func pause(_ queue: String) {
        state.withLock { state in
            state.paused.insert(queue)
            state.pauseChanges += 1
        }
    }

    func resume(_ queue: String) {
        state.withLock { state in
            state.paused.remove(queue)
            state.pauseChanges += 1
        }
    }

    func isPaused(_ queue: String) -> Bool { state.withLock { $0.paused.contains(queue) } }

    func inFlight(_ queue: String) -> Int { state.withLock { $0.inFlight[queue, default: 0] } }

    func setLimits(_ limits: [JobLimit]) {
        let kinds = Dictionary(grouping: limits, by: \.queue).mapValues { $0.map(\.kind) }
        state.withLock { $0.limitedKinds = kinds }
    }

    func limitedKinds(_ queue: String) -> [String] { state.withLock { $0.limitedKinds[queue] ?? [] } }

    func setSuspects(_ queues: Set<String>) { state.withLock { $0.suspects = queues } }

    func clearSuspects(_ queue: String) { state.withLock { _ = $0.suspects.remove(queue) } }

    func hasSuspects(_ queue: String) -> Bool { state.withLock { $0.suspects.contains(queue) } }

    /// While a suspect waits or runs, this process claims nothing else: a suspect that crashes
    /// the process must take no innocent job with it, or the innocent would be counted too.
    var holdsClaimsForSuspects: Bool { state.withLock { !$0.suspects.isEmpty || $0.isolating } }

    /// Starts running a suspect alone: only when nothing runs here and no other queue isolates.
    func beginIsolation() -> Bool {
        state.withLock { state in
            guard !state.isolating, state.inFlight.values.allSatisfy({ $0 == 0 }) else { return false }
            state.isolating = true
            return true
        }
    }

    func endIsolation() {
        state.withLock { $0.isolating = false }
        queueSignals.values.forEach { $0.signal() }
    }

    func requestPoll(_ queue: String) {
        guard let signal = queueSignals[queue] else { return }
        state.withLock { _ = $0.pollRequested.insert(queue) }
        signal.signal()
    }

    func requestPollOfAllQueues() { queueSignals.keys.forEach(requestPoll) }

    func takePollRequest(_ queue: String) -> Bool {
        state.withLock { $0.pollRequested.remove(queue) != nil }
    }

    func started(_ jobs: [ClaimedJob]) {
        let claimedAt = ContinuousClock.now
        state.withLock { state in
            for job in jobs {
                state.leases[job.id] = Lease(token: job.leaseToken, queue: job.queue, extendedAt: claimedAt, startedAt: claimedAt)
                state.inFlight[job.queue, default: 0] += 1
            }
        }
    }

    /// Registers how to cancel a running handler; cancels it at once if a stop was asked for before.
    func setCancelHandler(_ jobID: Int64, _ cancel: @escaping @Sendable () -> Void) {
        let cancelNow = state.withLock { state -> Bool in
            state.leases[jobID]?.cancelHandler = cancel
            return state.leases[jobID]?.stopReason != nil
        }
        if cancelNow { cancel() }
    }

    /// Asks a running handler to stop; the first reason given wins.
    func stop(_ jobID: Int64, reason: StopReason) {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            guard var lease = state.leases[jobID], lease.handlerRunning else { return nil }
            if lease.stopReason == nil {
                lease.stopReason = reason
                lease.stoppedAt = .now
            }
            state.leases[jobID] = lease
            return lease.cancelHandler
        }
        cancel?()
    }

    func stopAllRunning(reason: StopReason) {
        let running = state.withLock { state in state.leases.filter { $0.value.handlerRunning }.map(\.key) }
        running.forEach { stop($0, reason: reason) }
    }

    func stopReason(_ jobID: Int64) -> StopReason? { state.withLock { $0.leases[jobID]?.stopReason } }

    /// Cancels handlers running longer than `timeout`; abandons those still running `grace`
    /// after that: their slot is freed and their lease no longer extended, so the coordinator
    /// rescues the job, and the stale lease token fences whatever the stuck handler may still write.
    func enforce(timeout: Duration, grace: Duration) -> (timedOut: [Int64], abandoned: [Int64]) {
        let now = ContinuousClock.now
        var cancels: [@Sendable () -> Void] = []
        var timedOut: [Int64] = []
        var abandoned: [Int64] = []
        var freedQueues: [String] = []
        state.withLock { state in
            for (id, lease) in state.leases where lease.handlerRunning {
                if lease.stopReason == nil, now - lease.startedAt > timeout {
                    state.leases[id]?.stopReason = .timedOut
                    state.leases[id]?.stoppedAt = now
                    if let cancel = lease.cancelHandler { cancels.append(cancel) }
                    timedOut.append(id)
                } else if let stoppedAt = lease.stoppedAt, now - stoppedAt > grace {
                    state.leases[id] = nil
                    state.inFlight[lease.queue, default: 1] -= 1
                    freedQueues.append(lease.queue)
                    abandoned.append(id)
                }
            }
        }
        cancels.forEach { $0() }
        freedQueues.forEach { queueSignals[$0]?.signal() }
        return (timedOut, abandoned)
    }

    /// The handler ended: frees its slot and queues its outcome for acknowledgement, unless the
    /// job was abandoned meanwhile (its slot is free already and its lease belongs to no one here).
    func finished(_ job: ClaimedJob, outcome: JobOutcome) {
        let abandoned = state.withLock { state -> Bool in
            // One lookup, changed in place: this runs once per job, and copying the lease out and
            // back showed in profiles of a backlog.
            guard let index = state.leases.index(forKey: job.id),
                state.leases.values[index].token == job.leaseToken
            else { return true }
            state.leases.values[index].handlerRunning = false
            state.leases.values[index].cancelHandler = nil
            state.inFlight[job.queue, default: 1] -= 1
            state.acknowledgements.append(
                Acknowledgement(jobID: job.id, leaseToken: job.leaseToken, outcome: outcome, limitedQueue: job.isLimited ? job.queue : nil))
            return false
        }
        guard !abandoned else { return }
        queueSignals[job.queue]?.signal()
        acknowledgementSignal.signal()
    }

    func takeAcknowledgements() -> [Acknowledgement] {
        state.withLock { state in
            defer { state.acknowledgements.removeAll(keepingCapacity: true) }
            return state.acknowledgements
        }
    }

    func returnAcknowledgements(_ unwritten: [Acknowledgement]) {
        state.withLock { $0.acknowledgements.insert(contentsOf: unwritten, at: 0) }
    }

    func acknowledged(_ batch: [Acknowledgement]) {
        state.withLock { state in
            for acknowledgement in batch { state.leases[acknowledgement.jobID] = nil }
        }
    }

    /// The leases to extend by heartbeat (running handlers and outcomes not yet written) that were
    /// taken or extended at least `age` ago: younger ones have time left, and extending them
    /// would only write row versions that the completion is about to replace.
    func leasesToExtend(olderThan age: Duration) -> [(id: Int64, token: UUID)] {
        let cutoff = ContinuousClock.now - age
        return state.withLock { state in
            state.leases.compactMap { $0.value.extendedAt <= cutoff ? ($0.key, $0.value.token) : nil }
        }
    }

    func extended(_ jobIDs: Set<Int64>, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            for id in jobIDs { state.leases[id]?.extendedAt = instant }
        }
    }

    /// Whether this pool holds the lease and the handler is still running.
    func isRunning(_ jobID: Int64, token: UUID) -> Bool {
        state.withLock { $0.leases[jobID].map { $0.token == token && $0.handlerRunning } ?? false }
    }

    func fetchersFinished() {
        state.withLock { $0.fetchersDone = true }
        acknowledgementSignal.signal()
    }

    /// True once no fetcher can produce more outcomes and every outcome was taken.
    var acknowledgerMayStop: Bool {
        state.withLock { $0.fetchersDone && $0.acknowledgements.isEmpty }
    }
}
