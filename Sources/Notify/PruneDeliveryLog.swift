import JobQueue

/// Drops delivery-log attempts older than the retention; the deliveries themselves stay.
public struct PruneDeliveryLog: JobArgs {
    public static let kind = "notify.prune_log"
    public var retentionSeconds: Int

    public init(retentionSeconds: Int) { self.retentionSeconds = retentionSeconds }

    struct Handler: JobHandler {
        let notifier: Notifier

        func handle(_ args: PruneDeliveryLog, context: JobContext) async throws {
            let retention = Double(max(args.retentionSeconds, 3_600))
            // Batches, so that a large backlog never holds one long transaction.
            while try await notifier.pruneDeliveryLog(olderThanSeconds: retention, batch: 10_000) == 10_000 {}
            try await context.withTransaction { _ in }
        }
    }
}

extension Notifier {
    /// Deletes up to `batch` attempts older than the retention; returns how many.
    func pruneDeliveryLog(olderThanSeconds retention: Double, batch: Int) async throws -> Int {
        for deleted in try await client.guardedQuery(
            """
            WITH old AS (
                SELECT ctid FROM notification_attempts WHERE at < now() - make_interval(secs => \(retention)) LIMIT \(batch)
            ), gone AS (
                DELETE FROM notification_attempts WHERE ctid IN (SELECT ctid FROM old) RETURNING 1
            )
            SELECT count(*)::int FROM gone
            """, logger: logger
        ).decode(Int.self) { return deleted }
        return 0
    }
}
