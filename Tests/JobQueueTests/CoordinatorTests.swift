import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

/// Coordinators in this process; the crash tests of `assessTests` kill real processes.
@Suite("Coordinator: cron, pruning, statistics")
struct CoordinatorTests {
    static func configuration(
        _ id: String, schedules: [CronSchedule] = [], catchUp: Duration = .seconds(3_600)
    ) -> CoordinatorConfiguration {
        CoordinatorConfiguration(
            coordinatorID: id, leaseDuration: .seconds(1), tick: .milliseconds(100), workerTimeout: .seconds(5),
            cronSchedules: schedules, cronCatchUp: catchUp, completedRetention: .seconds(3_600),
            discardedRetention: .seconds(86_400), pruneBatchSize: 500, housekeepingInterval: .milliseconds(200))
    }

    static func everySecond() throws -> CronSchedule {
        try CronSchedule(name: "tick", expression: "* * * * * *", args: NumberedJob(n: 0), options: .init(queue: "cron"))
    }

    @Test("two coordinators fire every tick of a schedule exactly once, and a new schedule fires no past ticks")
    func cronOncePerTick() async throws {
        try await TestDatabase.with { client, database in
            let schedule = try Self.everySecond()
            let coordinators = ["a", "b"].map {
                QueueCoordinator(client: client, configuration: Self.configuration($0, schedules: [schedule]), logger: database.logger)
            }
            let started = Int64(Date().timeIntervalSince1970)
            try await withServices(coordinators, logger: database.logger) {
                try await eventually(timeout: .seconds(90), "four ticks fired") {
                    try await client.cronTicks(kind: "test.numbered", schedule: "tick").count >= 4
                }
            }
            let ticks = try await client.cronTicks(kind: "test.numbered", schedule: "tick")
            #expect(ticks.first! >= started, "no tick from before the schedule existed")
            #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 == $0 + 1 }, "consecutive ticks, none doubled: \(ticks)")
            let next = try await client.scalar("SELECT extract(epoch FROM next_tick_at)::int FROM queue_cron WHERE name = 'tick'")
            #expect(Int64(next) == ticks.last! + 1, "the bookkeeping moved with the last fired tick")
        }
    }

    @Test("cluster status names the leader with its term and the workers with their queues; a stopped worker shows as stopped")
    func clusterStatus() async throws {
        try await TestDatabase.with { client, database in
            let queue = JobQueueClient(client: client, logger: database.logger)
            #expect(try await queue.clusterStatus().leader == nil)
            let coordinator = QueueCoordinator(client: client, configuration: Self.configuration("lead"), logger: database.logger)
            try await withServices([coordinator], logger: database.logger) {
                try await withPool(
                    countingRegistry(Tally<Int>()), quickConfiguration(queues: ["mail": 2], workerID: "w1"),
                    client: client, database: database
                ) {
                    try await eventually("both are up") {
                        let status = try await queue.clusterStatus()
                        return status.leader?.holder == "lead" && status.leader?.leaseLive == true && status.leader.map { $0.term >= 1 } == true
                            && status.workers.map(\.id) == ["w1"] && status.workers.first?.queues == ["mail"]
                    }
                }
            }
            #expect(try await queue.clusterStatus().workers.first?.state == "stopped", "a drained pool says it stopped")
        }
    }

    @Test("ticks missed while nobody led fire late, once each, within the catch-up window")
    func cronCatchUp() async throws {
        try await TestDatabase.with { client, database in
            let schedule = try Self.everySecond()
            // As if the last leader died ten seconds ago, just before firing.
            try await client.query(
                """
                INSERT INTO queue_cron (name, expression, time_zone, next_tick_at)
                VALUES ('tick', '* * * * * *', 'Asia/Shanghai', date_trunc('second', now()) - interval '10 s')
                """)
            let missedFrom = try await client.scalar("SELECT extract(epoch FROM next_tick_at)::int FROM queue_cron")
            let coordinator = QueueCoordinator(
                client: client, configuration: Self.configuration("a", schedules: [schedule], catchUp: .seconds(4)), logger: database.logger)
            try await withServices([coordinator], logger: database.logger) {
                try await eventually(timeout: .seconds(90), "the backlog fired") {
                    try await client.cronTicks(kind: "test.numbered", schedule: "tick").count >= 5
                }
            }
            let ticks = try await client.cronTicks(kind: "test.numbered", schedule: "tick")
            #expect(ticks.first! > Int64(missedFrom), "ticks older than the catch-up window were skipped: \(ticks)")
            // The first round fired the ticks of the last four seconds together, in one transaction.
            let firstRound = try await client.scalar(
                """
                SELECT count(*)::int FROM jobs WHERE inserted_at = (SELECT min(inserted_at) FROM jobs WHERE queue = 'cron')
                """)
            #expect((4...5).contains(firstRound), "\(firstRound) ticks in the first round")
            // Once each; and every tick fired within the catch-up window of its time. A machine that
            // stalls the coordinator for longer than the window skips the ticks in between, by design.
            #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 > $0 }, "\(ticks)")
            let late = try await client.scalar(
                """
                SELECT count(*)::int FROM jobs WHERE unique_key LIKE 'test.numbered:cron:tick:%'
                  AND inserted_at > to_timestamp(split_part(unique_key, ':', 4)::bigint) + interval '5 s'
                """)
            #expect(late == 0, "fired past the catch-up window")
        }
    }

    @Test("pruning deletes finished jobs past retention in batches and keeps the rest")
    func pruning() async throws {
        try await TestDatabase.with { client, database in
            try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, finished_at)
                SELECT 'old', 'x', '{}', 'completed', now() - interval '2 hours' FROM generate_series(1, 1200)
                """)
            try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, finished_at) VALUES
                    ('old', 'x', '{}', 'cancelled', now() - interval '2 hours'),
                    ('old', 'x', '{}', 'discarded', now() - interval '2 days'),
                    ('keep', 'x', '{}', 'completed', now() - interval '10 minutes'),
                    ('keep', 'x', '{}', 'discarded', now() - interval '2 hours'),
                    ('keep', 'x', '{}', 'available', NULL),
                    ('keep', 'x', '{}', 'retryable', NULL)
                """)
            try await client.query(
                """
                INSERT INTO queue_workers (id, host, pid, queues, last_seen_at, state) VALUES
                    ('gone', 'h', 1, '{}', now() - interval '3 days', 'dead'),
                    ('stopped-recently', 'h', 2, '{}', now() - interval '1 hour', 'stopped')
                """)
            let coordinator = QueueCoordinator(client: client, configuration: Self.configuration("a"), logger: database.logger)
            try await withServices([coordinator], logger: database.logger) {
                // Workers long gone are pruned in the round's last step, after the jobs.
                try await eventually(timeout: .seconds(45), "old finished jobs and gone workers are pruned") {
                    let jobs = try await client.scalar("SELECT count(*)::int FROM jobs WHERE queue = 'old'")
                    let workers = try await client.scalar("SELECT count(*)::int FROM queue_workers WHERE id = 'gone'")
                    return jobs == 0 && workers == 0
                }
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE queue = 'keep'") == 4)
            var workers: [String] = []
            for try await id in try await client.query("SELECT id FROM queue_workers ORDER BY id").decode(String.self) { workers.append(id) }
            #expect(workers == ["stopped-recently"])
        }
    }

    @Test("statistics: counts by queue and state, the oldest available job's wait, and zero once a state empties")
    func statistics() async throws {
        try await TestDatabase.with { client, database in
            try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, run_at) VALUES
                    ('mail', 'x', '{}', 'available', now() - interval '60 s'),
                    ('mail', 'x', '{}', 'available', now()),
                    ('mail', 'x', '{}', 'scheduled', now() + interval '1 hour'),
                    ('bulk', 'x', '{}', 'available', now())
                """)
            let queue = JobQueueClient(client: client, logger: database.logger)
            let coordinator = QueueCoordinator(client: client, configuration: Self.configuration("a"), logger: database.logger)
            try await withServices([coordinator], logger: database.logger) {
                try await eventually(timeout: .seconds(45), "statistics are recorded") { try await queue.queueStats().count == 2 }
                let mail = try #require(try await queue.queueStats().first { $0.queue == "mail" })
                #expect(mail.counts[.available] == 2 && mail.counts[.scheduled] == 1)
                #expect((59...120).contains(mail.oldestAvailableAge ?? 0), "\(String(describing: mail.oldestAvailableAge))")
                try await client.query("UPDATE jobs SET state = 'cancelled', finished_at = now() WHERE queue = 'mail' AND state = 'available'")
                try await eventually("the emptied state falls to zero") {
                    let mail = try await queue.queueStats().first { $0.queue == "mail" }
                    return mail?.counts[.available] == 0 && mail?.counts[.cancelled] == 2 && mail?.oldestAvailableAge == nil
                }
            }
        }
    }

    @Test("history: each queue's minutes keep the waiting jobs, the longest wait seen and the jobs completed; rows older than a day go")
    func history() async throws {
        try await TestDatabase.with { client, database in
            try await client.query(
                """
                INSERT INTO jobs (queue, kind, args, state, run_at, finished_at) VALUES
                    ('mail', 'x', '{}', 'available', now() - interval '90 s', NULL),
                    ('mail', 'x', '{}', 'completed', now(), now()),
                    ('mail', 'x', '{}', 'completed', now(), now()),
                    ('mail', 'x', '{}', 'completed', now() - interval '1 hour', now() - interval '1 hour')
                """)
            try await client.query(
                "INSERT INTO queue_stats_history (queue, minute, available) VALUES ('mail', date_trunc('minute', now() - interval '2 days'), 9)")
            let queue = JobQueueClient(client: client, logger: database.logger)
            let coordinator = QueueCoordinator(client: client, configuration: Self.configuration("a"), logger: database.logger)
            try await withServices([coordinator], logger: database.logger) {
                try await eventually(timeout: .seconds(45), "the minute is recorded") {
                    let minutes = try await queue.queueHistory()["mail"] ?? []
                    return minutes.map(\.completed).reduce(0, +) == 2 && minutes.last?.available == 1
                }
            }
            let minutes = try await queue.queueHistory()["mail"] ?? []
            #expect(minutes.allSatisfy { ($0.oldestAgeSeconds ?? 90) >= 89 }, "the wait of the job 90 s old: \(minutes)")
            #expect(try await client.scalar("SELECT count(*)::int FROM queue_stats_history WHERE minute < now() - interval '1 day'") == 0)
            #expect(
                try await queue.queueHistory(window: .seconds(7_200))["mail"]?.contains { $0.completed == 1 } == false,
                "an hour ago is not counted again")
        }
    }
}
