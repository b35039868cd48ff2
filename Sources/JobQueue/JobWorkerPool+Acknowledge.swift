import Foundation
import Logging
import PostgresNIO
import PostgresSupport

extension JobWorkerPool {
    /// Writes outcomes in batches: whatever accumulated while the previous batch was written goes
    /// in the next one, so the batch grows with the load. A failed write is retried, never dropped.
    func acknowledge() async {
        var failures = 0
        while true {
            let batch = runtime.takeAcknowledgements()
            if batch.isEmpty {
                if runtime.acknowledgerMayStop { return }
                await runtime.acknowledgementSignal.wait()
                continue
            }
            do {
                try await withDeadline(configuration.databaseRoundDeadline, "an acknowledgement") { [self] in try await write(batch) }
                runtime.acknowledged(batch)
                failures = 0
                await wakeLimited(Set(batch.compactMap(\.limitedQueue)))
            } catch {
                failures += 1
                runtime.returnAcknowledgements(batch)
                logger.warning(
                    "acknowledging \(batch.count) jobs failed; retrying",
                    metadata: [
                        "error": "\(DatabaseErrorSummary(error))"
                    ])
                try? await Task.sleep(for: min(.milliseconds(100) * (1 << min(failures, 6)), .seconds(5)))
            }
        }
    }

    /// A limited job that ended makes room under its limit, which no insert announces: the
    /// queue's workers are woken, this one by the echo of the same notification when it listens
    /// (waking it here as well cost a claim that found nothing, a fifth of the deliveries to one
    /// host). A lost wake-up costs a poll interval, nothing more.
    private func wakeLimited(_ queues: Set<String>) async {
        guard !queues.isEmpty else { return }
        if !runtime.isListening { queues.forEach(runtime.requestPoll) }
        _ = try? await withDeadline(configuration.databaseRoundDeadline, "a wake-up") { [self] in
            try await client.withOpenConnection(logger: logger) { [logger] in await PendingWakes.wake(queues, on: $0, logger: logger) }
        }
    }

    private func write(_ batch: [Acknowledgement]) async throws {
        var completedIDs: [Int64] = []
        var completedTokens: [UUID] = []
        var others: [OutcomeRow] = []
        for acknowledgement in batch {
            switch acknowledgement.outcome {
            case .completed:
                completedIDs.append(acknowledgement.jobID)
                completedTokens.append(acknowledgement.leaseToken)
            case .completedInTransaction, .abandon:
                continue
            default:
                others.append(OutcomeRow(acknowledgement))
            }
        }
        if !completedIDs.isEmpty {
            try await client.guardedQuery(Self.completionQuery(ids: completedIDs, tokens: completedTokens), logger: logger)
        }
        if !others.isEmpty {
            let json = String(decoding: try JSONEncoder().encode(others), as: UTF8.self)
            let rows = try await client.guardedQuery(
                """
                WITH a AS (
                    SELECT * FROM jsonb_to_recordset(\(json)::jsonb)
                        AS a(id bigint, token uuid, state job_state, delay_ms bigint, uncount boolean, error text)
                ), changed AS (
                    UPDATE jobs j SET
                        state = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled' ELSE a.state END,
                        run_at = CASE WHEN a.delay_ms IS NULL THEN j.run_at
                                      ELSE now() + a.delay_ms * interval '1 millisecond' END,
                        attempt = CASE WHEN a.uncount THEN j.attempt - 1 ELSE j.attempt END,
                        errors = CASE WHEN a.error IS NULL THEN j.errors
                                      ELSE jobs_append_attempt(j.errors, j.attempt, a.error, \(JobQueueClient.keptErrors),
                                                               j.leased_by, j.attempted_at) END,
                        finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL
                                            OR a.state IN ('discarded', 'cancelled') THEN now() END,
                        lease_token = NULL, lease_deadline = NULL, leased_by = NULL
                    FROM a
                    WHERE j.id = ANY(ARRAY(SELECT id FROM a)) AND j.id = a.id AND j.lease_token = a.token
                    RETURNING j.queue, j.state
                )
                SELECT pg_notify('\(unescaped: JobQueueSchema.wakeChannel)', 'q:' || queue) IS NULL
                FROM (SELECT DISTINCT queue FROM changed WHERE state = 'available') AS released
                """, logger: logger)
            for _ in rows {}
        }
    }

    /// Marks completed the jobs that still hold the given leases (id with the claim's token),
    /// leaving each lease's holder in `leased_by` for the job's history.
    ///
    /// Every statement that looks jobs up by lease pairs says `j.id = ANY(ARRAY(…))` as well, so
    /// PostgreSQL finds them through the primary key and the cost follows the batch, never the
    /// table. Joined on the pairs alone, a batch of thousands looked big enough to the planner to
    /// read all of `jobs` into a hash or merge join: 75 ms against 47 ms for 3,000 jobs among
    /// 200,000 kept, and a fifth of PostgreSQL's CPU in `bench queue`.
    static func completionQuery(ids: [Int64], tokens: [UUID]) -> PostgresQuery {
        """
        WITH a AS (SELECT * FROM unnest(\(ids), \(tokens)) AS a(id, token))
        UPDATE jobs j SET state = 'completed', finished_at = now(), lease_token = NULL, lease_deadline = NULL
        FROM a
        WHERE j.id = ANY(ARRAY(SELECT id FROM a)) AND j.id = a.id AND j.lease_token = a.token
        """
    }
}

/// One non-completion outcome as a JSON record for `jsonb_to_recordset`; a nil field is left out, which reads as NULL.
private struct OutcomeRow: Encodable {
    let id: Int64
    let token: UUID
    let state: String
    let delayMs: Int64?
    let uncount: Bool
    let error: String?

    init(_ acknowledgement: Acknowledgement) {
        id = acknowledgement.jobID
        token = acknowledgement.leaseToken
        switch acknowledgement.outcome {
        case .retry(let delay, let error):
            (state, delayMs, uncount, self.error) = ("retryable", delay.milliseconds, false, error)
        case .discard(let error):
            (state, delayMs, uncount, self.error) = ("discarded", nil, false, error)
        case .snooze(let delay):
            (state, delayMs, uncount, error) = ("scheduled", delay.milliseconds, true, nil)
        case .cancel(let reason):
            (state, delayMs, uncount, error) = ("cancelled", nil, false, reason)
        case .release:
            (state, delayMs, uncount, error) = ("available", nil, true, nil)
        case .completed, .completedInTransaction, .abandon:
            preconditionFailure("completions are written by id, not as outcome rows")
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, token, state, uncount, error
        case delayMs = "delay_ms"
    }
}
