import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Removes or anonymises the personal data the retention policy no longer lets us keep, class by
/// class in batches, each batch fenced by the job's lease so that a rescued run and its successor
/// never both write. What it did goes to the audit log as counts per class, in the transaction that
/// completes the job. The coordinator runs it nightly (`Workflow.cronSchedules`).
public struct EnforceRetention: JobArgs {
    public static let kind = "assessment.enforce_retention"
    /// Rows per transaction.
    public var batch: Int

    public init(batch: Int = 5_000) { self.batch = batch }

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: EnforceRetention, context: JobContext) async throws {
            let batch = min(max(args.batch, 1), 100_000)
            let policy = workflow.retention
            var counts: [String: String] = [:]
            for dataClass in RetentionPolicy.DataClass.allCases {
                var total = 0
                while true {
                    let done = try await context.withFencedTransaction {
                        try await workflow.store.expire(dataClass, olderThanDays: policy.keep(dataClass), batch: batch, on: $0)
                    }
                    total += done
                    if done < batch { break }
                }
                counts[dataClass.rawValue] = String(total)
            }
            try await context.withTransaction { [counts] connection in
                try await AuditLog.append(
                    actor: .system, action: "enforce retention", subject: .dataClass("personal"), detail: counts, on: connection,
                    logger: context.logger)
            }
        }
    }
}
