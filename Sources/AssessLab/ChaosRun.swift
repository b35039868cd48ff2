import AsyncHTTPClient
import Foundation
import JobQueue
import Logging
import Notify
import PostgresNIO
import PostgresSupport
import Workflow

/// One scenario: a deployment on a fresh database, a steady producer, the fault, a drain, and
/// what the jobs' rows say about it.
struct ChaosRun: Sendable {
    let scenario: ChaosScenario
    let servers: ChaosServers
    let url: DatabaseURL
    let rate: Int
    let short: Bool
    let logger: Logger

    private var warmSeconds: Int { short ? 4 : 10 }
    private var afterSeconds: Int { short ? 8 : 30 }
    private var drainLimit: Duration { .seconds(short ? 60 : 180) }

    func play() async throws -> ChaosResult {
        _ = try await withRunningClient(url.with(database: "postgres"), maximumConnections: 10, logger: logger) { admin in
            try await admin.query("CREATE DATABASE \(unescaped: url.database)", logger: logger)
        }
        let deployment = try ChaosDeployment(url: url)
        do {
            try await deployment.migrate()
            let result = try await withRunningClient(url, maximumConnections: 10, logger: logger) { client in
                try await withHTTPClient { http in try await play(on: deployment, client: client, http: http) }
            }
            let ended = await deployment.stop()
            guard ended.isEmpty else {
                throw ChaosFailure(
                    "\(scenario.rawValue): \(ended.joined(separator: ", ")) ended on its own during the fault; "
                        + "its log: \(deployment.tail(of: ended[0]))")
            }
            if result.lost > 0 || result.doubled > 0 {
                print("\(scenario.rawValue): the processes' logs are kept in \(deployment.folder)")
            } else {
                deployment.removeLogs()
            }
            return result
        } catch {
            await deployment.stop()
            throw ChaosFailure("\(scenario.rawValue): \(DatabaseErrorSummary(error)); the processes' logs are in \(deployment.folder)")
        }
    }

    private func play(on deployment: ChaosDeployment, client: PostgresClient, http: HTTPClient) async throws -> ChaosResult {
        let queue = JobQueueClient(client: client, logger: logger)
        let producer = ChaosProducer()
        let apiProducer = ChaosProducer(prefix: "chaos-api")
        try deployment.start()
        let token = try await Workflow(client: client, vault: .ephemeral(), signer: nil, logger: logger)
            .issueToken(role: .operations, subject: "chaos bench", validFor: .seconds(86_400))
        let api = ChaosAPIClient(http: http, base: deployment.apiBase, token: token)
        let first = try await queue.enqueue(ProbeJob(milliseconds: 0))
        producer.confirm([first.id])
        try await waitUntil("a coordinator leads, both workers and the API are alive and a first job ran", limit: .seconds(60)) {
            let leaders = try await client.scalar("SELECT count(*)::int FROM queue_leader WHERE expires_at > now()")
            let workers = try await client.scalar("SELECT count(*)::int FROM queue_workers WHERE state = 'alive'")
            let ran = try await client.scalar("SELECT count(*)::int FROM queue_probes")
            let serving = await api.ready()
            return leaders == 1 && workers == 2 && ran >= 1 && serving
        }
        // Jobs the fault adds (a burst, an overload, the backlog that measures capacity first) are
        // left out of the steady speed; recovery is when the last of them has run.
        var extra: [Int64] = []
        var capacity = 0.0
        if scenario == .overload {
            let backlog = try await queue.enqueue(
                (0..<ChaosScenario.capacityProbeSize(short: short)).map { _ in
                    try NewJob(ProbeJob(milliseconds: ChaosProducer.workMilliseconds))
                }
            ).map(\.id)
            producer.confirm(backlog)
            extra += backlog
            try await waitUntil("the capacity backlog drained", limit: drainLimit) {
                try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND state <> 'completed'") == 0
            }
            let measured = try await client.first(
                "SELECT count(*)::float8 / extract(epoch FROM max(ran_at) - min(ran_at))::float8 FROM queue_probes", as: Double?.self)
            capacity = measured.flatMap { $0 } ?? 0
        }
        // Half the rate through the API (an enqueue in a request's transaction), half standalone.
        let apiRate = rate / 2
        let producing = Task { await producer.run(queue: queue, rate: rate - apiRate, logger: logger) }
        let producingThroughAPI = Task {
            await apiProducer.run(rate: apiRate, logger: logger, retryable: ChaosAPIClient.isRetryable) { keys in
                try await api.enqueueProbes(keys: keys, milliseconds: ChaosProducer.workMilliseconds)
            }
        }
        try await Task.sleep(for: .seconds(warmSeconds))
        let faultAt = Date()
        let added = try await inject(deployment: deployment, client: client, queue: queue, capacity: capacity)
        producer.confirm(added)
        extra += added
        let heldUntil = Date()
        try await Task.sleep(for: .seconds(afterSeconds))
        producer.stop()
        apiProducer.stop()
        await producing.value
        await producingThroughAPI.value
        let stoppedAt = Date()
        let throughAPI = Set(apiProducer.confirmedIDs)
        let expected = Set(producer.confirmedIDs).union(throughAPI)
        try? await waitUntil("every job enqueued ran", limit: drainLimit) {
            try await client.scalar(
                "SELECT count(*)::int FROM jobs j WHERE j.kind = 'probe' AND NOT EXISTS (SELECT FROM queue_probes p WHERE p.job_id = j.id)") == 0
        }
        let rows = try await ChaosRow.all(client, logger: logger)
        return ChaosRow.result(
            scenario, rows: rows, expected: expected, throughAPI: throughAPI, extra: Set(extra), faultAt: faultAt, heldUntil: heldUntil,
            stoppedAt: stoppedAt, warmSeconds: warmSeconds)
    }

    /// Injects the fault and returns when it has ended; the ids of the jobs it added.
    private func inject(
        deployment: ChaosDeployment, client: PostgresClient, queue: JobQueueClient, capacity: Double
    ) async throws -> [Int64] {
        let hold = Duration.seconds(scenario.holdSeconds(short: short))
        switch scenario {
        case .restartFast, .restartImmediate:
            guard case .local(let cluster) = servers else { throw ChaosFailure("\(scenario.rawValue) restarts the bench's own cluster") }
            let mode: LocalPostgres.StopMode = scenario == .restartFast ? .fast : .immediate
            try await runBlocking { try cluster.restart(mode) }
        case .failover:
            guard case .formation(let formation) = servers else { throw ChaosFailure("failover needs the pg_auto_failover formation") }
            try await formation.performFailover(logger: logger)
        case .terminateBackends:
            _ = try await client.scalar(
                "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        case .poolExhaustion:
            let maximum = try await client.scalar("SELECT setting::int FROM pg_settings WHERE name = 'max_connections'")
            let used = try await client.scalar("SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'")
            let hog = max(1, maximum - used - 3)
            try await withRunningClient(url, maximumConnections: hog, logger: logger) { hogger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<hog {
                        group.addTask {
                            try await hogger.query("SELECT pg_sleep(\(hold / .seconds(1)))", logger: logger)
                        }
                    }
                    try await group.waitForAll()
                }
            }
        case .killWorker:
            await deployment.kill9("worker-1")
            try await Task.sleep(for: .seconds(1))
            try deployment.restart("worker-1")
        case .repeatedKills:
            let end = ContinuousClock.now + hold
            var victim = 1
            while ContinuousClock.now < end {
                await deployment.kill9("worker-\(victim)")
                try deployment.restart("worker-\(victim)")
                victim = 3 - victim
                try await Task.sleep(for: .seconds(2))
            }
        case .killLeader, .stopLeader:
            let holder = try await client.first("SELECT holder FROM queue_leader WHERE expires_at > now()", as: String.self)
            guard let leader = holder.flatMap(deployment.coordinatorName(leaseID:)) else {
                throw ChaosFailure("no coordinator of this deployment leads")
            }
            if scenario == .killLeader {
                await deployment.kill9(leader)
                try await Task.sleep(for: .seconds(1))
                try deployment.restart(leader)
            } else {
                deployment.signal(leader, SIGSTOP)
                try await Task.sleep(for: hold)
                deployment.signal(leader, SIGCONT)
            }
        case .idleTransaction:
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT txid_current()", logger: logger)
                try await Task.sleep(for: hold)
                try await connection.query("COMMIT", logger: logger)
            }
        case .overload:
            let offered = max(Int(1.5 * capacity) - rate, 1)
            let surge = ChaosProducer(prefix: "overload")
            let surging = Task { await surge.run(queue: queue, rate: offered, logger: logger) }
            try await Task.sleep(for: hold)
            surge.stop()
            await surging.value
            let added = surge.confirmedIDs
            print(
                "overload: capacity \(Int(capacity)) jobs/s (a backlog's drain); offered \(rate + added.count / max(Int(hold / .seconds(1)), 1))/s "
                    + "for \(hold) (1.5 times: \(Int(1.5 * capacity))/s)")
            return added
        case .burst:
            let jobs = try (0..<ChaosScenario.burstSize(short: short)).map { _ in try NewJob(ProbeJob(milliseconds: 0)) }
            return try await queue.enqueue(jobs).map(\.id)
        }
        return []
    }

    private func waitUntil(_ what: String, limit: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ChaosFailure("not within \(limit): \(what)")
    }
}

/// One probe job as the measurement reads it.
struct ChaosRow: Sendable {
    let id: Int64
    let completed: Bool
    let insertedAt: Double
    let firstRunAt: Double?
    let runs: [Double]

    static func all(_ client: PostgresClient, logger: Logger) async throws -> [ChaosRow] {
        var rows: [ChaosRow] = []
        for try await (id, state, inserted, runs) in try await client.query(
            """
            SELECT j.id, j.state::text, extract(epoch FROM j.inserted_at)::float8,
                   coalesce(array_agg(extract(epoch FROM p.ran_at)::float8 ORDER BY p.ran_at) FILTER (WHERE p.job_id IS NOT NULL), '{}')
            FROM jobs j LEFT JOIN queue_probes p ON p.job_id = j.id
            WHERE j.kind = 'probe' GROUP BY j.id
            """, logger: logger
        ).decode((Int64, String, Double, [Double]).self) {
            rows.append(ChaosRow(id: id, completed: state == "completed", insertedAt: inserted, firstRunAt: runs.first, runs: runs))
        }
        return rows
    }

    /// What the rows say: lost (a job enqueued, or answered as enqueued, that never ran), doubled
    /// (ran more than once), the speed before the fault, and the recovery.
    static func result(
        _ scenario: ChaosScenario, rows: [ChaosRow], expected: Set<Int64>, throughAPI: Set<Int64>, extra: Set<Int64>, faultAt: Date,
        heldUntil: Date, stoppedAt: Date, warmSeconds: Int
    ) -> ChaosResult {
        let present = Set(rows.map(\.id))
        let absent = expected.subtracting(present).sorted()
        let unrun = rows.filter { $0.runs.isEmpty }.map(\.id).sorted()
        let lost = absent.count + unrun.count
        // Which ones, so that a loss can be traced in the processes' logs and the tables.
        let lostDetail =
            lost == 0
            ? nil
            : "\(absent.count) answered as enqueued but absent from the table (ids \(absent.prefix(20).map(String.init).joined(separator: ", "))), "
                + "\(unrun.count) in the table but never run (ids \(unrun.prefix(20).map(String.init).joined(separator: ", ")))"
        let doubled = rows.filter { $0.runs.count > 1 }.count
        let fault = faultAt.timeIntervalSince1970
        let held = heldUntil.timeIntervalSince1970
        let stop = stoppedAt.timeIntervalSince1970
        let steady = rows.filter { !extra.contains($0.id) }
        let runs = steady.flatMap(\.runs).sorted()
        func completions(from start: Double, to end: Double) -> Int {
            lowerBound(runs, end) - lowerBound(runs, start)
        }
        let window = Double(max(warmSeconds - 1, 1))
        let baseline = Double(completions(from: fault - window, to: fault)) / window
        var recovery = 0.0
        if !extra.isEmpty {
            recovery = max(0, (rows.filter { extra.contains($0.id) }.compactMap(\.firstRunAt).max() ?? fault) - fault)
        } else {
            // The first moment from which every one-second window of the next three holds 90 % of
            // the speed before: a later hiccup of the disk is no part of this fault's recovery.
            func steady(from start: Double) -> Bool {
                stride(from: start, through: start + 3, by: 0.1).allSatisfy { Double(completions(from: $0, to: $0 + 1)) >= 0.9 * baseline }
            }
            recovery = stop - fault
            for start in stride(from: fault, through: stop - 4, by: 0.1) where steady(from: start) {
                recovery = start - fault
                break
            }
        }
        // The longest stretch after the fault with no job finishing: the outage as the jobs saw
        // it, which a quick catch-up can hide from a one-second window.
        var stall = 0.0
        var previous = fault
        for run in runs where run > fault && run <= stop {
            stall = max(stall, run - previous)
            previous = run
        }
        // Jobs enqueued from just before the fault until a second after it ended and speed was back.
        let latencyEnd = max(held, fault + max(recovery, 1)) + 1
        let latencies = rows.filter { $0.insertedAt >= fault - 1 && $0.insertedAt <= latencyEnd }
            .compactMap { row in row.firstRunAt.map { ($0 - row.insertedAt) * 1000 } }.sorted()
        let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)]
        let worst = latencies.last ?? 0
        let holdSpeed: Double? =
            held - fault >= 2 && baseline > 0 ? Double(completions(from: fault, to: held)) / (held - fault) / baseline : nil
        return ChaosResult(
            scenario: scenario, enqueued: rows.count, throughAPI: throughAPI.count, completed: rows.filter(\.completed).count, lost: lost,
            doubled: doubled,
            baseline: baseline, recoverySeconds: recovery, stallSeconds: stall, recoveryP99Milliseconds: p99,
            recoveryMaxMilliseconds: worst, holdSpeed: holdSpeed, lostDetail: lostDetail)
    }

    /// The index of the first element of sorted `values` not below `bound`.
    private static func lowerBound(_ values: [Double], _ bound: Double) -> Int {
        var (low, high) = (0, values.count)
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
