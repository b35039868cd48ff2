import Logging
import PostgresNIO
import PostgresSupport
import Synchronization
import TestSupport
import Testing

@testable import JobQueue

/// A transaction whose connection dies under it ends, as a lost connection (#24 item 5).
@Suite("A connection lost in a transaction")
struct ConnectionLossTests {
    @Test(
        "a statement written after the backend was terminated ends as a lost connection instead of waiting for ever, and the pool goes on"
    )
    func terminatedUnderTransaction() async throws {
        try await TestDatabase.with(maximumConnections: 4) { client, database in
            let logger = database.logger
            // More rounds than the pool has connections: an abandoned connection gives its place back.
            for round in 1...6 {
                let outcome = Mutex<String?>(nil)
                let attempt = Task {
                    let answer: String
                    do {
                        try await client.transaction(logger: logger) { connection in
                            var pid: Int32 = 0
                            for try await backend in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) {
                                pid = backend
                            }
                            _ = try await client.query("SELECT pg_terminate_backend(\(pid))", logger: logger).collect()
                            while !connection.isClosed { try await Task.sleep(for: .milliseconds(20)) }
                            // The driver writes this to a closed channel and, unguarded, never answers.
                            _ = try await connection.query("SELECT 1", logger: logger).collect()
                        }
                        answer = "answered"
                    } catch {
                        answer = DatabaseErrorSummary.isConnectionLoss(error) ? "lost" : "\(DatabaseErrorSummary(error))"
                    }
                    outcome.withLock { $0 = answer }
                }
                try await eventually(timeout: .seconds(30), "round \(round)'s transaction ends") { outcome.withLock { $0 } != nil }
                #expect(outcome.withLock { $0 } == "lost", "round \(round)")
                _ = await attempt.result
            }
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await ConnectionRetry.retrying("a probe", budget: .seconds(20), logger: logger) {
                            try await client.transaction(logger: logger) { connection in
                                var answer = -1
                                for try await value in try await connection.query("SELECT \(n)::int", logger: logger).decode(Int.self) {
                                    answer = value
                                }
                                return answer
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.sorted() == Array(0..<8), "the pool serves transactions after losing six connections")
        }
    }
}

@Suite("Where a worker pool hears of ready jobs")
struct WakeUpSourceTests {
    @Test("its own client directly; through a transaction pooler a direct listen client, or the poll alone when there is none")
    func chosenByURL() throws {
        let logger = Logger(label: "test")
        let direct = try DatabaseURL("postgres://assess@db:5432/assess")
        let pooled = try DatabaseURL("postgres://assess@pooler:6432/assess?pgbouncer=true")
        guard case (.ownClient, nil) = try JobWorkerPool.WakeUps.forDatabase(direct, listenURL: nil, logger: logger) else {
            Issue.record("a direct URL listens on the pool's own client")
            return
        }
        guard case (.pollOnly, nil) = try JobWorkerPool.WakeUps.forDatabase(pooled, listenURL: nil, logger: logger) else {
            Issue.record("a pooled URL without a listen URL polls")
            return
        }
        let (wakeUps, listener) = try JobWorkerPool.WakeUps.forDatabase(pooled, listenURL: direct, logger: logger)
        guard case .client(let client) = wakeUps, let listener else {
            Issue.record("a listen URL gets a client of its own, which the caller runs")
            return
        }
        #expect(client === listener)
    }
}
