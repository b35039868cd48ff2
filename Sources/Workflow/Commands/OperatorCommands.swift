import AssessmentStore
import Foundation

/// What operators do to the audit log from the command line: check its hash chain, and chain the
/// entries waiting to be sealed now rather than at the coordinator's next pass.
extension Workflow {
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
