import Foundation
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing

/// Real `assess` processes, killed, stopped and cut off from their database.
@Suite("Crashes and failover")
struct CrashTests {
    /// Fast settings, so that the suite measures seconds, not minutes.
    static let coordinatorArguments = ["--lease-ms", "1500", "--tick-ms", "250", "--worker-timeout-ms", "2000", "--log-level", "notice"]

    @Test("kill -9 a worker in the middle of 60 long jobs: every job completes exactly once after rescue")
    func killedWorker() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString]
                _ = try processes.start(["coordinator", "run", "--id", "c1"] + Self.coordinatorArguments, environment: environment)
                let doomed = try processes.start(["worker", "--queue", "default=20", "--log-level", "notice"], environment: environment)
                // 9 s of work for one worker: a test task starved by the rest of the suite for a few
                // seconds still kills it in the middle. (Freezing it first with SIGSTOP let its leases
                // lapse, and the coordinator rescued the jobs before the kill.)
                let enqueue = try processes.start(["jobs", "probe", "--count", "60", "--sleep-ms", "3000"], environment: environment)
                #expect(await enqueue.waitForExit(), "probe enqueue finished")
                // Not exactly 20: jobs end and are replaced every 3 s, and a loaded machine's poll can miss the moment.
                try await eventually("the first worker runs jobs") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'running'") > 0
                }
                var doomedID = ""
                for try await id in try await client.query("SELECT DISTINCT leased_by FROM jobs WHERE state = 'running'").decode(String.self) {
                    doomedID = id
                }
                doomed.send(SIGKILL)
                let killedAt = ContinuousClock.now
                _ = try processes.start(["worker", "--queue", "default=20", "--log-level", "notice"], environment: environment)
                try await eventually(timeout: .seconds(20), "no job is left with the dead worker") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE leased_by = \(doomedID)") == 0
                }
                let rescueTime = ContinuousClock.now - killedAt
                try await eventually(timeout: .seconds(60), "all 60 jobs complete") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'completed'") == 60
                }
                #expect(try await client.scalar("SELECT count(*)::int FROM queue_probes") == 60, "each job's effect exactly once")
                #expect(
                    try await client.scalar(
                        "SELECT count(*)::int FROM jobs WHERE attempt >= 2 AND errors::text LIKE '%rescued: worker ' || \(doomedID) || '%'") >= 1,
                    "jobs the killed worker held were rescued and run again")
                try await eventually(timeout: .seconds(10), "the killed worker is declared dead") {
                    try await client.scalar("SELECT count(*)::int FROM queue_workers WHERE id = \(doomedID) AND state = 'dead'") == 1
                }
                print("measured: rescue of a kill -9'd worker's jobs took \(rescueTime) (worker timeout 2 s, tick 250 ms)")
            }
        }
    }

    @Test("a job whose handler kills its worker is quarantined after 3 deaths; every job beside it completes exactly once")
    func poisonJobQuarantined() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString, "ASSESS_TEST_CRASH_PROBES": "1"]
                _ = try processes.start(["coordinator", "run", "--id", "c1"] + Self.coordinatorArguments, environment: environment)
                // The poison job first, so that every worker claims it in one batch with 7 innocent probes.
                let poison: Int = try await client.scalar(
                    """
                    INSERT INTO jobs (queue, kind, args, state) VALUES ('default', 'probe.crash', '{}', 'available') RETURNING id::int
                    """)
                let enqueue = try processes.start(["jobs", "probe", "--count", "40", "--sleep-ms", "300"], environment: environment)
                #expect(await enqueue.waitForExit(), "probe enqueue finished")
                // Each worker that claims the poison job dies; the test restarts it, as systemd would.
                var crashes = 0
                while crashes < 6 {
                    let worker = try processes.start(["worker", "--queue", "default=8", "--log-level", "notice"], environment: environment)
                    var quarantined = false
                    while !(await worker.waitForExit(timeout: .milliseconds(500))) {
                        quarantined = try await client.scalar("SELECT count(*)::int FROM jobs WHERE id = \(poison) AND state = 'discarded'") == 1
                        if quarantined { break }
                    }
                    // A trapping process prints its backtrace for seconds before it exits: the
                    // coordinator may quarantine the job meanwhile, and this worker still dies.
                    let exited = quarantined ? await worker.waitForExit(timeout: .seconds(15)) : true
                    if exited { crashes += 1 }
                    if quarantined { break }
                }
                _ = try processes.start(["worker", "--queue", "default=8", "--log-level", "notice"], environment: environment)
                var errors = ""
                for try await text in try await client.query("SELECT errors::text FROM jobs WHERE id = \(poison)").decode(String.self) {
                    errors = text
                }
                #expect(crashes == 3, "the poison job killed exactly 3 workers, not \(crashes): \(errors)")
                try await eventually(timeout: .seconds(40), "all 40 probes complete beside the quarantined job") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND state = 'completed'") == 40
                }
                #expect(try await client.scalar("SELECT count(*)::int FROM queue_probes") == 40, "each probe's effect exactly once")
                #expect(
                    try await client.scalar(
                        """
                        SELECT count(*)::int FROM jobs WHERE id = \(poison) AND state = 'discarded' AND worker_deaths = 3
                          AND quarantined_at IS NOT NULL AND args = '{}'::jsonb
                          AND errors::text LIKE '%quarantined: its worker process died 3 times while running it%'
                        """) == 1, "the poison job is kept, quarantined, with its arguments and the reason")
                #expect(
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE quarantined_at IS NOT NULL") == 1, "no innocent job quarantined")
                #expect(
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND worker_deaths = 2") >= 1,
                    "innocent probes died beside the poison twice, then ran alone and completed")

                let list = try processes.start(["jobs", "list", "--state", "discarded"], environment: environment)
                #expect(await list.waitForExit())
                #expect(list.output.contains("\(poison)\tdiscarded\tdefault\tprobe.crash"), "listed: \(list.output)")
                #expect(list.output.contains("quarantined: its worker died 3 times while running it"))
                let retry = try processes.start(["jobs", "retry", "\(poison)"], environment: environment)
                #expect(await retry.waitForExit())
                #expect(
                    try await client.scalar(
                        """
                        SELECT count(*)::int FROM jobs WHERE id = \(poison) AND worker_deaths = 0 AND quarantined_at IS NULL AND NOT run_alone
                          AND state IN ('available', 'running')
                        """) == 1, "a retried job starts again with no deaths counted")
            }
        }
    }

    @Test("kill -9 the leading coordinator: a standby leads within the bound, and no cron tick is lost or doubled")
    func killedLeader() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString]
                // Every second, so that a failover of about 1.5 s has ticks fall due while nobody leads.
                let cron = ["--probe-cron", "* * * * * *"]
                let first = try processes.start(["coordinator", "run", "--id", "first"] + cron + Self.coordinatorArguments, environment: environment)
                try await eventually("the first coordinator leads") { try await Self.leader(client)?.holder == "first" }
                _ = try processes.start(["coordinator", "run", "--id", "second"] + cron + Self.coordinatorArguments, environment: environment)
                _ = try processes.start(["worker", "--queue", "default=5", "--log-level", "notice"], environment: environment)
                try await eventually("the first coordinator fires ticks") { try await client.cronTicks(kind: "probe", schedule: "probe").count >= 2 }
                #expect(try await Self.leader(client)?.holder == "first", "the standby does not take a live lease")
                let before = try #require(try await Self.leader(client))
                first.send(SIGKILL)
                let killedAt = Date()
                let killedAtEpoch = Int64(killedAt.timeIntervalSince1970)
                try await eventually(timeout: .seconds(15), "the standby leads") { try await Self.leader(client)?.holder == "second" }
                #expect(try await Self.leader(client)!.term == before.term + 1)
                // When the standby took the lead, by the database's clock (this machine's): a test
                // task the rest of the suite starves would see it late, and measure itself.
                let acquiredMilliseconds = try await client.scalar("SELECT (extract(epoch FROM acquired_at) * 1000)::int8 FROM queue_leader")
                let failover = Duration.milliseconds(acquiredMilliseconds - Int(killedAt.timeIntervalSince1970 * 1000))
                #expect(failover < .seconds(5), "lease 1.5 s, tick 250 ms: \(failover)")
                try await eventually("the new leader fires ticks past the failover") {
                    try await client.cronTicks(kind: "probe", schedule: "probe").last ?? 0 >= killedAtEpoch + 3
                }
                let ticks = try await client.cronTicks(kind: "probe", schedule: "probe")
                #expect(Set(ticks).count == ticks.count, "no tick doubled")
                #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 == $0 + 1 }, "no tick lost: \(ticks)")
                try await eventually("every tick's probe ran once") {
                    try await client.scalar("SELECT count(*)::int FROM queue_probes") >= ticks.count
                }
                // One statement: the cron keeps firing, so two counts taken one after the other may differ by a tick.
                #expect(
                    try await client.scalar(
                        """
                        SELECT count(*) FILTER (WHERE j.unique_key IS NULL OR j.unique_key NOT LIKE 'probe:cron:probe:%')::int
                        FROM queue_probes p LEFT JOIN jobs j ON j.id = p.job_id
                        """) == 0, "every probe comes from a cron tick's job")
                print(
                    "measured: failover after kill -9 of the leader took \(failover) (lease 1.5 s, tick 250 ms); \(ticks.count) cron ticks, none lost or doubled"
                )
            }
        }
    }

    @Test("SIGSTOP the leader past its lease, then SIGCONT: it no longer leads and its term is fenced off")
    func stoppedLeader() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString]
                let first = try processes.start(["coordinator", "run", "--id", "first"] + Self.coordinatorArguments, environment: environment)
                try await eventually("the first coordinator leads") { try await Self.leader(client)?.holder == "first" }
                _ = try processes.start(["coordinator", "run", "--id", "second"] + Self.coordinatorArguments, environment: environment)
                let oldTerm = try #require(try await Self.leader(client)).term
                first.send(SIGSTOP)
                try await eventually(timeout: .seconds(15), "the standby leads") { try await Self.leader(client)?.holder == "second" }
                // A job whose lease ran out while the old leader slept: only the new leader may rescue it.
                try await client.query(
                    """
                    INSERT INTO jobs (queue, kind, args, state, attempt, lease_token, lease_deadline, leased_by)
                    VALUES ('stuck', 'probe', '{"milliseconds": 0}', 'running', 1, gen_random_uuid(), now() - interval '1 s', 'gone')
                    """)
                first.send(SIGCONT)
                try await Task.sleep(for: .seconds(2))
                let leader = try #require(try await Self.leader(client))
                #expect(leader.holder == "second" && leader.term == oldTerm + 1, "the woken leader did not take the lead back")
                // What the old term could still try: its fence finds nothing, so nothing is written.
                let fenced = try await client.scalar(
                    """
                    SELECT count(*)::int FROM queue_leader WHERE holder = 'first' AND term = \(oldTerm) AND expires_at > now()
                    """)
                #expect(fenced == 0)
                try await eventually("the new leader rescued the stuck job") {
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE queue = 'stuck' AND state = 'available'") == 1
                }
            }
        }
    }

    @Test("restart PostgreSQL under a worker and a coordinator: they reconnect and finish every job")
    func databaseRestart() async throws {
        try await TestDatabase.withOwnCluster { database, cluster in
            try await withChildProcesses { processes in
                let environment = ["DATABASE_URL": database.url.connectionString]
                let psql = Psql(cluster: cluster, url: database.url)
                let coordinator = try processes.start(["coordinator", "run", "--id", "c"] + Self.coordinatorArguments, environment: environment)
                // A handler caught mid-request by the restart may never hear back: the timeout cancels it,
                // and abandonment lets the coordinator rescue its job.
                let worker = try processes.start(
                    ["worker", "--queue", "default=10", "--job-timeout-seconds", "5", "--log-level", "notice"],
                    environment: environment)
                let enqueue = try processes.start(["jobs", "probe", "--count", "30", "--sleep-ms", "400"], environment: environment)
                #expect(await enqueue.waitForExit())
                try await eventually("some jobs ran") { Int(try await psql.scalar("SELECT count(*) FROM queue_probes")) ?? 0 >= 5 }
                try await runBlocking { try cluster.restart() }
                do {
                    try await eventually(timeout: .seconds(60), "all 30 jobs complete after the restart") {
                        (try? await psql.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'")) == "30"
                    }
                } catch {
                    let states =
                        (try? await psql.scalar(
                            """
                            SELECT string_agg(state || '=' || n, ' ') FROM (SELECT state::text, count(*) AS n FROM jobs GROUP BY state) s
                            """)) ?? "unknown"
                    Issue.record("jobs: \(states)\nworker:\n\(worker.output.suffix(3000))\ncoordinator:\n\(coordinator.output.suffix(1500))")
                    throw error
                }
                #expect(try await psql.scalar("SELECT count(*) FROM queue_probes") == "30", "each job's effect exactly once")
            }
        }
    }

    static func leader(_ client: PostgresClient) async throws -> (holder: String, term: Int64)? {
        for try await row in try await client.query("SELECT holder, term FROM queue_leader WHERE expires_at > now()")
            .decode((String, Int64).self)
        { return (row.0, row.1) }
        return nil
    }
}
