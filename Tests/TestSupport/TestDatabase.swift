import Foundation
import Logging
import Migrations
import PostgresNIO
import PostgresSupport

/// A database of its own for one test, cloned from a migrated template on the shared test
/// cluster, so tests run in parallel without seeing each other's rows.
///
/// The cluster is `TEST_DATABASE_URL` when set, otherwise a throwaway local cluster started once
/// per test process and removed when it exits.
public struct TestDatabase: Sendable {
    /// The database's URL, for clients and for child processes.
    public let url: DatabaseURL
    /// A logger for tests: warnings and worse, unless `TEST_LOG_LEVEL` says otherwise.
    public let logger: Logger

    /// Creates a fresh migrated database and runs `body` with a running client on it.
    public static func with<Result: Sendable>(
        maximumConnections: Int = 20,
        _ body: @Sendable (PostgresClient, TestDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try await TestCluster.shared.createDatabase()
        return try await withRunningClient(database.url, maximumConnections: maximumConnections, logger: database.logger) {
            try await body($0, database)
        }
    }

    /// The same database reached at `url` (through a pooler in front of its server, say).
    public func reached(at url: DatabaseURL) -> TestDatabase {
        TestDatabase(url: url, logger: logger)
    }

    /// Creates a fresh empty (unmigrated) database, for migrator tests.
    public static func empty() async throws -> TestDatabase {
        try await TestCluster.shared.createDatabase(template: "template0")
    }

    /// Creates a fresh empty (unmigrated) database and runs `body` with a running client on it.
    public static func withEmpty<Result: Sendable>(
        _ body: @Sendable (PostgresClient, TestDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try await empty()
        return try await database.withClient { try await body($0, database) }
    }

    /// Runs `body` with a running client on this database.
    @discardableResult
    public func withClient<Result: Sendable>(_ body: (PostgresClient) async throws -> Result) async throws -> Result {
        try await withRunningClient(url, logger: logger, body)
    }

    /// Runs `body` on a migrated database of a cluster of its own, which the test may restart
    /// without disturbing the tests that share the common cluster. No client of this process stays
    /// connected: a test that restarts the server reads it with `Psql`, one process per query,
    /// so that a request cut off by the restart cannot hang the test process.
    public static func withOwnCluster<Result: Sendable>(
        _ body: @Sendable (TestDatabase, LocalPostgres) async throws -> Result
    ) async throws -> Result {
        let cluster = try await runBlocking { try LocalPostgres.start(durability: .throwaway) }
        defer { cluster.stop() }
        let database = TestDatabase(url: try DatabaseURL(cluster.url()), logger: TestCluster.shared.logger)
        try await database.withClient { client in
            try await SchemaMigrator(migrations: try BundledMigrations.load(), logger: database.logger).migrate(client)
        }
        return try await body(database, cluster)
    }
}

actor TestCluster {
    static let shared = TestCluster()

    private var server: (url: DatabaseURL, local: LocalPostgres?)?
    /// Made once; callers arriving while it is made wait for the same task (the actor is reentrant).
    private var template: Task<Void, any Error>?
    let logger: Logger = {
        var logger = Logger(label: "test")
        let level = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .warning
        return logger
    }()

    private func start() throws -> (url: DatabaseURL, local: LocalPostgres?) {
        if let server { return server }
        let started: (url: DatabaseURL, local: LocalPostgres?)
        if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] {
            started = (try DatabaseURL(url), nil)
        } else {
            let local = try LocalPostgres.start(durability: .throwaway, maxConnections: 500)
            started = (try DatabaseURL(local.url()), local)
        }
        server = started
        return started
    }

    func createDatabase(template: String? = nil) async throws -> TestDatabase {
        do {
            return try await createDatabaseOrFail(template: template)
        } catch let error as PSQLError {
            // Test data only, so the full detail PostgresNIO hides by default is fine to show.
            throw TestSetupError(description: "creating a test database failed: \(String(reflecting: error))")
        }
    }

    private func createDatabaseOrFail(template source: String?) async throws -> TestDatabase {
        let server = try start()
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        if template == nil {
            let templateTask = Task {
                try await withRunningClient(server.url, maximumConnections: 2, logger: self.logger) {
                    try await self.createTemplate(admin: $0, url: server.url)
                }
            }
            self.template = templateTask
        }
        try await self.template!.value
        try await withRunningClient(server.url, maximumConnections: 2, logger: logger) { admin in
            let source = source ?? "assess_template"
            // The migrating connection to the template may still be closing; cloning waits for it.
            for attempt in 1...100 {
                do {
                    try await admin.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: source)", logger: logger)
                    break
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 100 {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        return TestDatabase(url: server.url.with(database: name), logger: logger)
    }

    private func createTemplate(admin: PostgresClient, url: DatabaseURL) async throws {
        // A template left by an earlier run against TEST_DATABASE_URL may be out of date.
        try await admin.query("DROP DATABASE IF EXISTS assess_template", logger: logger)
        try await admin.query("CREATE DATABASE assess_template", logger: logger)
        let migrations = try BundledMigrations.load()
        _ = try await withRunningClient(url.with(database: "assess_template"), maximumConnections: 2, logger: logger) { client in
            try await SchemaMigrator(migrations: migrations, logger: logger).migrate(client)
        }
    }

}

/// A test database or process could not be set up.
public struct TestSetupError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// What went wrong, and how to set it right.
    public init(description: String) { self.description = description }
}
