import Foundation
import Logging
import PostgresNIO
import PostgresSupport
import ServiceLifecycle

/// Keeps the queue healthy. Several may run on several machines; one leads at a time through a
/// lease with a term that only grows, and every write the leader makes is fenced by that term in
/// the same transaction, so a leader that stalled past its lease and woke up cannot act.
///
/// The leader rescues jobs whose lease ran out or whose worker went silent, promotes due delayed
/// and retrying jobs, fires cron schedules, prunes finished jobs and records queue statistics.
/// The others stand by and take over when the leader stops renewing.
public struct QueueCoordinator: Service {
    let client: PostgresClient
    let configuration: CoordinatorConfiguration
    let logger: Logger
    let queue: JobQueueClient

    /// A coordinator.
    public init(client: PostgresClient, configuration: CoordinatorConfiguration = .init(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "coordinator"] = "\(configuration.coordinatorID)"
        self.logger = logger
        self.queue = JobQueueClient(client: client, logger: logger)
    }

    /// Leads or stands by until graceful shutdown; a leader hands over at once when it stops.
    public func run() async throws {
        logger.info("coordinator started")
        var term: Int64?
        var nextHousekeeping = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let housekeeping = ContinuousClock.now >= nextHousekeeping
                let (current, housekeepingDone) = try await withDeadline(roundDeadline, "a coordination round") { [self] in
                    let current = try await acquireOrRenew()
                    guard let current else { return (Int64?.none, false) }
                    return (current, try await performDuties(term: current, housekeeping: housekeeping))
                }
                if housekeeping, current != nil {
                    nextHousekeeping = housekeepingDone ? .now + configuration.housekeepingInterval : .now
                }
                if current != term {
                    if let lost = term { logger.notice("lost the lead", metadata: ["term": "\(lost)"]) }
                    if let current {
                        logger.notice("leading", metadata: ["term": "\(current)"])
                    } else {
                        logger.notice("standing by: another coordinator leads")
                    }
                }
                term = current
            } catch {
                if !(error is NotLeading) {
                    logger.warning("coordination failed; retrying", metadata: ["error": "\(DatabaseErrorSummary(error))"])
                }
                // Whatever cut the round short, this coordinator no longer knows that it leads.
                if let lost = term { logger.notice("lost the lead", metadata: ["term": "\(lost)"]) }
                term = nil
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.tick) }
        }
        if let term { await resign(term: term) }
        logger.info("coordinator stopped")
    }

    /// A round that takes longer has lost its lease anyway; it is abandoned, not awaited forever.
    var roundDeadline: Duration { max(configuration.leaseDuration * 2, .seconds(5)) }

    /// Takes the lead when it is free or expired, renews it when held; returns the term, or nil
    /// when another coordinator leads. A leader whose own lease lapsed comes back with a new term.
    func acquireOrRenew() async throws -> Int64? {
        try await client.transaction(logger: logger) { [self] connection in
            // A duty of the current leader holds the lease row for a moment; never wait long on it.
            try await connection.query("SELECT set_config('lock_timeout', '1000', true)", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO queue_leader AS l (id, holder, term, expires_at)
                VALUES (1, \(configuration.coordinatorID), 1,
                        now() + \(configuration.leaseDuration.milliseconds) * interval '1 millisecond')
                ON CONFLICT (id) DO UPDATE SET
                    holder = excluded.holder,
                    term = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.term ELSE l.term + 1 END,
                    acquired_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.acquired_at ELSE now() END,
                    expires_at = excluded.expires_at
                WHERE l.holder = excluded.holder OR l.expires_at < now()
                RETURNING l.term
                """, logger: logger)
            for try await term in rows.decode(Int64.self) { return term }
            return nil
        }
    }

    /// Runs `body` in a transaction that holds the lease row for `term`, unexpired: a takeover
    /// waits for it, and after a takeover it finds nothing and writes nothing. A session that
    /// stalls inside it is cut off by the server, so a stopped leader cannot block the others.
    /// Each step renews the lease: on a loaded machine a round of several steps may outlast one
    /// lease, and a leader that lost its lead before the round's last step (statistics, pruning)
    /// would never get to it.
    func fenced<Result: Sendable>(term: Int64, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger) { connection in
            let timeout = String(max(1, configuration.leaseDuration.milliseconds))
            try await connection.query(
                "SELECT set_config('idle_in_transaction_session_timeout', \(timeout), true)", logger: logger)
            let rows = try await connection.query(
                """
                UPDATE queue_leader
                SET expires_at = greatest(expires_at, now() + \(configuration.leaseDuration.milliseconds) * interval '1 millisecond')
                WHERE holder = \(configuration.coordinatorID) AND term = \(term) AND expires_at > now()
                RETURNING 1
                """, logger: logger)
            var holds = false
            for try await _ in rows { holds = true }
            guard holds else { throw NotLeading(term: term) }
            return try await body(connection)
        }
    }

    /// Gives the lead up on a graceful stop, so that a standby takes over at its next tick.
    private func resign(term: Int64) async {
        _ = try? await client.guardedQuery(
            """
            UPDATE queue_leader SET expires_at = now()
            WHERE holder = \(configuration.coordinatorID) AND term = \(term)
            """, logger: logger)
    }
}

/// The lead was lost: another coordinator took over, or this one's lease ran out.
struct NotLeading: Error {
    let term: Int64
}
