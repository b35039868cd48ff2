import Foundation
import JobQueue
import PostgresNIO
import Synchronization
import TestSupport
import Testing

@Suite("An enqueue is answered once it is durable")
struct EnqueueDurabilityTests {
    @Test("a standalone enqueue is answered only when its commit is confirmed, not when its rows come back")
    func waitsForTheCommit() async throws {
        try await TestDatabase.withOwnCluster { database, _ in
            try await database.withClient { client in
                // A synchronous standby that never comes: every commit waits until this is lifted,
                // as a primary's commits wait for its standby's acknowledgement.
                try await client.query("ALTER SYSTEM SET synchronous_commit = on")
                try await client.query("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
                try await client.query("SELECT pg_reload_conf()")
                // Connections opened from now on read the setting as they start; the pool's open
                // ones would only once their server process has taken the reload signal.
                try await database.withClient { fresh in
                    try await eventually("the server reloaded its settings") {
                        try await fresh.query("SELECT current_setting('synchronous_standby_names')").collect().first?.decode(String.self)
                            == "nobody"
                    }
                    let queue = JobQueueClient(client: fresh, logger: database.logger)
                    let answered = Mutex(false)
                    let enqueue = Task {
                        defer { answered.withLock { $0 = true } }
                        return try await queue.enqueue([NewJob(NumberedJob(n: 1)), NewJob(NumberedJob(n: 2))])
                    }
                    try await Task.sleep(for: .seconds(2))
                    let early = answered.withLock { $0 }
                    #expect(!early, "answered while its commit still waited for the standby")
                    // The server gives up the wait (as a primary stopping for a failover does): the
                    // commit is not confirmed, so the enqueue must fail as a lost connection, whose
                    // caller sends it again, rather than answer with ids a failover may lose.
                    let waiting = try await client.query(
                        "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
                    ).collect()
                    #expect(try waiting.first?.decode(Int.self) == 1)
                    switch await enqueue.result {
                    case .success(let jobs):
                        Issue.record("answered with \(jobs.map(\.id)) though its commit was never confirmed")
                    case .failure(let error):
                        #expect(DatabaseErrorSummary.isConnectionLoss(error), "\(DatabaseErrorSummary(error))")
                    }
                }
                try await client.query("ALTER SYSTEM RESET synchronous_standby_names")
                try await client.query("SELECT pg_reload_conf()")
            }
        }
    }
}
