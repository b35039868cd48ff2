import AssessmentStore
import JobQueue
import PostgresNIO

/// Chains the audit entries of finished transactions onto the audit log (see `AuditLog`). The
/// coordinator enqueues it on a cron schedule (`Workflow.cronSchedules`); a backlog larger than a
/// batch is sealed batch by batch, the last batch in the transaction that completes the job.
public struct SealAuditLog: JobArgs {
    public static let kind = "assessment.seal_audit_log"
    /// Entries per sealing transaction.
    public var batch: Int

    public init(batch: Int = 10_000) { self.batch = batch }

    struct Handler: JobHandler {
        func handle(_ args: SealAuditLog, context: JobContext) async throws {
            let batch = max(1, args.batch)
            // Sealing twice is harmless (a sealed entry leaves the pending table in the same
            // transaction), so the batches before the last need no fence.
            while try await AuditLog.seal(batch: batch, client: context.client, logger: context.logger) == batch {}
            try await context.withTransaction { try await AuditLog.seal(batch: batch, on: $0, logger: context.logger) }
        }
    }
}
