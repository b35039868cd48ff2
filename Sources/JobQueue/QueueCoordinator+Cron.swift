import Foundation
import Logging
import PostgresNIO

extension QueueCoordinator {
    /// Enqueues the jobs of every due cron tick and moves each schedule to its next tick, in the
    /// caller's fenced transaction: a tick's job exists exactly when its bookkeeping moved on.
    /// Ticks missed while no coordinator led (a failover, an outage) fire late, each once; those
    /// older than `cronCatchUp` are skipped, except that the newest due tick always fires.
    func fireDueCronTicks(on connection: PostgresConnection) async throws -> Int {
        let schedules = configuration.cronSchedules
        guard !schedules.isEmpty else { return 0 }
        var now = Date()
        for try await databaseNow in try await connection.query("SELECT now()", logger: logger).decode(Date.self) {
            now = databaseNow
        }
        var stored: [String: (expression: String, timeZone: String, next: Date)] = [:]
        let rows = try await connection.query(
            """
            SELECT name, expression, time_zone, next_tick_at FROM queue_cron WHERE name = ANY(\(schedules.map(\.name))) FOR UPDATE
            """, logger: logger)
        for try await (name, expression, timeZone, next) in rows.decode((String, String, String, Date).self) {
            stored[name] = (expression, timeZone, next)
        }
        var fired = 0
        for schedule in schedules {
            let current = stored[schedule.name]
            guard let current, current.expression == schedule.expression.description,
                current.timeZone == schedule.timeZone.identifier
            else {
                // New or changed: it starts with its next tick from now, never with past ones.
                try await store(schedule, next: schedule.expression.nextTick(after: now, in: schedule.timeZone), lastJob: nil, on: connection)
                continue
            }
            guard current.next <= now else { continue }
            var due: [Date] = []
            var tick: Date? = current.next
            while let candidate = tick, candidate <= now, due.count < Self.maxTicksPerRound {
                due.append(candidate)
                tick = schedule.expression.nextTick(after: candidate, in: schedule.timeZone)
            }
            let catchUpStart = now.addingTimeInterval(-(configuration.cronCatchUp / .seconds(1)))
            let kept = due.filter { $0 >= catchUpStart }
            let firing = kept.isEmpty ? [due.last!] : kept
            if firing.count < due.count {
                logger.warning(
                    "skipped cron ticks older than the catch-up window",
                    metadata: ["schedule": "\(schedule.name)", "skipped": "\(due.count - firing.count)"])
            }
            let jobs = try await queue.enqueue(firing.map(schedule.job(for:)), on: connection)
            try await store(schedule, next: tick, lastTick: firing.last, lastJob: jobs.last?.id, on: connection)
            fired += firing.count
        }
        return fired
    }

    /// Most ticks of one schedule fired in one round; a longer backlog continues next round.
    static var maxTicksPerRound: Int { 1_000 }

    private func store(
        _ schedule: CronSchedule, next: Date?, lastTick: Date? = nil, lastJob: Int64?, on connection: PostgresConnection
    ) async throws {
        guard let next else {
            logger.error("cron schedule never fires again; it is left out", metadata: ["schedule": "\(schedule.name)"])
            return
        }
        try await connection.query(
            """
            INSERT INTO queue_cron (name, expression, time_zone, next_tick_at, last_tick_at, last_job_id)
            VALUES (\(schedule.name), \(schedule.expression.description), \(schedule.timeZone.identifier), \(next), \(lastTick), \(lastJob))
            ON CONFLICT (name) DO UPDATE SET
                expression = excluded.expression, time_zone = excluded.time_zone, next_tick_at = excluded.next_tick_at,
                last_tick_at = coalesce(excluded.last_tick_at, queue_cron.last_tick_at),
                last_job_id = coalesce(excluded.last_job_id, queue_cron.last_job_id), updated_at = now()
            """, logger: logger)
    }
}
