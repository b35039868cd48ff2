import AssessmentStore
import Foundation
import JobQueue

/// What operators do beyond the evaluations: check the audit log's hash chain, chain the entries
/// waiting to be sealed now rather than at the coordinator's next pass, and probe the deployment.
extension Workflow {
    /// Enqueues one probe job per key on the queue `default` (which `assess worker` serves) in one
    /// transaction, as a request's follow-up jobs are: each works `milliseconds` and records its
    /// run beside its completion. A key already used answers with its job, marked a duplicate, so a
    /// request sent again after a lost answer makes none twice.
    public func enqueueProbes(keys: [String], milliseconds: Int) async throws -> [EnqueuedJob] {
        let jobs = try keys.map { try NewJob(ProbeJob(milliseconds: milliseconds), options: EnqueueOptions(uniqueKey: $0)) }
        return try await transaction { [queue] in try await queue.enqueue(jobs, on: $0) }
    }

    /// Recomputes every entry's hash from its fields and the previous hash.
    public func verifyAuditLog() async throws -> AuditLog.Verification {
        try await client.withOpenConnection(logger: logger) { try await AuditLog.verify(on: $0, logger: logger) }
    }

    /// Seals what it can until nothing waits or `wait` has passed (entries of transactions still
    /// running cannot be sealed before they end); returns how many it sealed and how many still wait.
    public func sealAuditLog(waitingAtMost wait: Duration) async throws -> (sealed: Int, pending: Int) {
        let deadline = ContinuousClock.now + wait
        var total = 0
        while true {
            let sealed = try await AuditLog.seal(client: client, logger: logger)
            total += sealed
            let pending = try await AuditLog.pending(client: client, logger: logger)
            if pending == 0 || ContinuousClock.now >= deadline { return (total, pending) }
            if sealed == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
    }
}
