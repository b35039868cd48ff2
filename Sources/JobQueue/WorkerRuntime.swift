import Foundation
import Synchronization

/// The shared state of one worker pool: leased jobs, free slots, outcomes awaiting
/// acknowledgement, and the shutdown flag. Every loop of the pool reads and changes it.
final class WorkerRuntime: Sendable {
    enum StopReason: Sendable {
        case cancelRequested
        case leaseLost
        case shutdown
    }

    struct Lease {
        let token: UUID
        let queue: String
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
    }

    private let state = Mutex(State())
    let queueSignals: [String: WakeSignal]
    let acknowledgementSignal = WakeSignal()
    let shutdownSignal = WakeSignal()

    init(queues: [String]) {
        queueSignals = Dictionary(uniqueKeysWithValues: queues.map { ($0, WakeSignal()) })
    }

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    func beginShutdown() {
        let first = state.withLock { state -> Bool in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        guard first else { return }
        queueSignals.values.forEach { $0.signal() }
        shutdownSignal.signal()
    }

    func inFlight(_ queue: String) -> Int { state.withLock { $0.inFlight[queue, default: 0] } }

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
        state.withLock { state in
            for job in jobs {
                state.leases[job.id] = Lease(token: job.leaseToken, queue: job.queue)
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
            if lease.stopReason == nil { lease.stopReason = reason }
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

    /// The handler ended: frees its slot and queues its outcome for acknowledgement.
    func finished(_ job: ClaimedJob, outcome: JobOutcome) {
        state.withLock { state in
            state.leases[job.id]?.handlerRunning = false
            state.leases[job.id]?.cancelHandler = nil
            state.inFlight[job.queue, default: 1] -= 1
            state.acknowledgements.append(Acknowledgement(jobID: job.id, leaseToken: job.leaseToken, outcome: outcome))
        }
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

    /// The leases to extend by heartbeat: running handlers and outcomes not yet written.
    func heldLeases() -> [(id: Int64, token: UUID)] {
        state.withLock { state in state.leases.map { ($0.key, $0.value.token) } }
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
