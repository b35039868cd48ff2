import Foundation
import Logging
import NotifyTesting
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing

/// A URL naming several hosts, through real servers: a streaming standby promoted after its primary
/// stopped, a primary turned read-only, a server that speaks TLS.
@Suite("Primary relay", .serialized)
struct PrimaryRelayTests {
    let logger: Logger = {
        var logger = Logger(label: "test.relay")
        logger.logLevel = .warning
        return logger
    }()

    @Test("a URL naming a standby and its primary writes to the primary, and follows the standby's promotion")
    func followsPromotion() async throws {
        let primary = try await runBlocking { try LocalPostgres.start() }
        defer { primary.stop() }
        let standby = try await runBlocking { try primary.startStandby() }
        defer { standby.stop() }
        // The standby first: the relay must pass over it.
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(standby.port),127.0.0.1:\(primary.port)/postgres?sslmode=disable")
        try await url.reach(budget: .seconds(30), logger: logger)
        try await withClient(url) { (client: PostgresClient) async throws in
            #expect(try await serverPort(client) == primary.port)
            try await write(client, "CREATE TABLE effects (id int PRIMARY KEY)")
            try await write(client, "INSERT INTO effects VALUES (1)")
            // Replication here is asynchronous (a synchronous standby is what pg_auto_failover
            // adds): the row must have reached the standby before its primary goes.
            let written = try await withClient(try DatabaseURL(primary.url())) { (direct: PostgresClient) async throws in
                try await scalar(direct, "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::int8")
            }
            try await withClient(try DatabaseURL(standby.url())) { (direct: PostgresClient) async throws in
                let deadline = ContinuousClock.now + .seconds(10)
                while try await scalar(direct, "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8") < written {
                    guard ContinuousClock.now < deadline else { throw TestSetupError(description: "the standby never replayed the row") }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await runBlocking { primary.stop() }
            try await runBlocking { try standby.promote() }
            // Every pooled connection led to the stopped primary: the next rounds lose theirs, are
            // tried again, and land on the promoted standby, which holds the row written before.
            try await write(client, "INSERT INTO effects VALUES (2)")
            #expect(try await serverPort(client) == standby.port)
            #expect(try await scalar(client, "SELECT count(*)::int FROM effects") == 2)
        }
    }

    @Test("of two writable hosts, the one promoted later wins: an old primary not yet stopped takes no writes")
    func fencesSupersededPrimary() async throws {
        let old = try await runBlocking { try LocalPostgres.start() }
        defer { old.stop() }
        let promoted = try await runBlocking { try old.startStandby() }
        defer { promoted.stop() }
        // Both accept writes now, as after a failover whose old primary was never stopped; the
        // old one comes first in the URL, as it would in a real one.
        try await runBlocking { try promoted.promote() }
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(old.port),127.0.0.1:\(promoted.port)/postgres?sslmode=disable")
        try await url.reach(budget: .seconds(30), logger: logger)
        try await withClient(url) { (client: PostgresClient) async throws in
            try await write(client, "CREATE TABLE fenced (id int)")
            #expect(try await serverPort(client) == promoted.port)
        }
        // Without the promoted one, the old primary alone is not refused: nothing says it was superseded.
        let alone = try DatabaseURL("postgres://postgres@127.0.0.1:\(old.port),127.0.0.1:1/postgres?sslmode=disable")
        try await alone.reach(budget: .seconds(30), logger: logger)
    }

    @Test("when no host accepts writes, reaching the database fails naming what each host is")
    func namesEachHost() async throws {
        let primary = try await runBlocking { try LocalPostgres.start() }
        defer { primary.stop() }
        let standby = try await runBlocking { try primary.startStandby() }
        defer { standby.stop() }
        let nobody = try freeLoopbackPort()
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(standby.port),127.0.0.1:\(nobody)/postgres?sslmode=disable")
        do {
            try await url.reach(budget: .milliseconds(300), logger: logger)
            Issue.record("a standby and a closed port reached as a primary")
        } catch {
            let text = "\(DatabaseErrorSummary(error))"
            #expect(text.contains("127.0.0.1:\(standby.port) is a standby"), "\(text)")
            #expect(text.contains("127.0.0.1:\(nobody) is unreachable"), "\(text)")
            #expect(DatabaseErrorSummary.isConnectionLoss(error))
        }
    }

    @Test("connections to a primary that turns read-only are closed, and writes move to the host that accepts them")
    func leavesReadOnlyHost() async throws {
        let first = try await runBlocking { try LocalPostgres.start() }
        defer { first.stop() }
        let second = try await runBlocking { try LocalPostgres.start() }
        defer { second.stop() }
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(first.port),127.0.0.1:\(second.port)/postgres?sslmode=disable")
        try await withClient(url) { (client: PostgresClient) async throws in
            #expect(try await serverPort(client) == first.port)
            try await withClient(try DatabaseURL(first.url())) { (direct: PostgresClient) async throws in
                try await write(direct, "ALTER SYSTEM SET default_transaction_read_only = on")
                try await write(direct, "SELECT pg_reload_conf()")
                // New sessions see the setting once the server has reloaded; the pool's own
                // session is told by the same signal.
                while try await scalar(direct, "SELECT (current_setting('transaction_read_only') = 'on')::int") == 0 {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            // The pool keeps its connections to the first host: only the relay's check moves them.
            try await write(client, "CREATE TABLE moved (id int)")
            #expect(try await serverPort(client) == second.port)
        }
    }

    @Test("the relay speaks TLS to the server when sslmode requires it")
    func tlsUpstream() async throws {
        let first = try await runBlocking { try LocalPostgres.start() }
        defer { first.stop() }
        let second = try await runBlocking { try LocalPostgres.start() }
        defer { second.stop() }
        let issued = try DevelopmentCA().issueServer(hosts: ["127.0.0.1"])
        try await runBlocking { try first.enableTLS(certificatePEM: issued.certificatePEM, keyPEM: issued.keyPEM) }
        let required = try DatabaseURL("postgres://postgres@127.0.0.1:\(first.port),127.0.0.1:\(second.port)/postgres?sslmode=require")
        try await withClient(required) { (client: PostgresClient) async throws in
            #expect(try await serverPort(client) == first.port)
            #expect(try await scalar(client, "SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == 1)
        }
        // The second host has no TLS: with `require` it is never used, even as the only one left.
        let plainOnly = try DatabaseURL("postgres://postgres@127.0.0.1:\(second.port),127.0.0.1:1/postgres?sslmode=require")
        await #expect(throws: (any Error).self) { try await plainOnly.reach(budget: .milliseconds(300), logger: logger) }
    }

    private func withClient<Result: Sendable>(_ url: DatabaseURL, _ body: (PostgresClient) async throws -> Result) async throws -> Result {
        try await withRunningClient(url, maximumConnections: 4, logger: logger, body)
    }

    private func write(_ client: PostgresClient, _ sql: String) async throws {
        try await ConnectionRetry.retrying("a test write", budget: .seconds(30), logger: logger) {
            _ = try await client.withOpenConnection(logger: logger) { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        }
    }

    private func scalar(_ client: PostgresClient, _ sql: String) async throws -> Int {
        try await ConnectionRetry.retrying("a test read", budget: .seconds(30), logger: logger) {
            try await client.withOpenConnection(logger: logger) { connection in
                for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
                    return value
                }
                return -1
            }
        }
    }

    private func serverPort(_ client: PostgresClient) async throws -> Int {
        try await scalar(client, "SELECT inet_server_port()")
    }
}
