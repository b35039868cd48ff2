import Foundation
import PostgresNIO
import TestSupport
import Testing

/// Limits kept by separate `assess worker` processes, each free to run far more than allowed.
@Suite("Limits across worker processes")
struct LimitProcessTests {
    @Test("three worker processes keep at most 4 probes running, 1 per key and 10 starts in any 500 ms; each bound is reached")
    func limitsAcrossProcesses() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString]
                let set = try processes.start(
                    ["jobs", "limit", "--queue", "default", "--kind", "probe", "--concurrency", "4", "--per-key", "key=1", "--rate", "10/500"],
                    environment: environment)
                #expect(await set.waitForExit(), "the limit is set")
                for _ in 0..<3 {
                    _ = try processes.start(["worker", "--queue", "default=20", "--log-level", "notice"], environment: environment)
                }
                try await eventually("three workers are up") {
                    try await client.scalar("SELECT count(*)::int FROM queue_workers WHERE state = 'alive'") == 3
                }
                let enqueue = try processes.start(
                    ["jobs", "probe", "--count", "60", "--sleep-ms", "100", "--keys", "6"], environment: environment)
                #expect(await enqueue.waitForExit(), "probes enqueued")
                var mostRunning = 0
                var mostPerKey = 0
                try await eventually(timeout: .seconds(60), "all 60 probes complete") {
                    mostRunning = max(mostRunning, try await client.runningNow(kind: "probe"))
                    mostPerKey = max(mostPerKey, try await client.runningNow(kind: "probe", perArgument: "key"))
                    return try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND state = 'completed'") == 60
                }
                #expect(mostRunning <= 4 && mostPerKey <= 1, "sampled from running rows: \(mostRunning) running, \(mostPerKey) per key")
                #expect(try await client.mostRunningAtOnce(kind: "probe") == 4, "never more than 4 at once, and 4 did run together")
                #expect(try await client.mostRunningAtOnce(kind: "probe", perArgument: "key") == 1, "never two of one key")
                #expect(try await client.mostStartsWithin(milliseconds: 500, kind: "probe") == 10, "never more than 10 starts in 500 ms")
                let workers = try await client.scalar("SELECT count(DISTINCT worker)::int FROM queue_probes")
                #expect(workers >= 2, "the probes ran in several processes: \(workers)")
                #expect(try await client.scalar("SELECT count(*)::int FROM queue_probes") == 60, "each probe ran once")
            }
        }
    }
}
