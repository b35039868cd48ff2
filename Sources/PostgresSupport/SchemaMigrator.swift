import Foundation
import Logging
import PostgresNIO

/// Applies pending migrations in order, each once, each in its own transaction.
///
/// Every step is one transaction that holds a transaction-level advisory lock, so migrators
/// started at once on several machines apply each file exactly once (a later one finds it recorded
/// and skips it), and nothing lives in the session: through a transaction pooler (PgBouncer) a
/// session's lock or temporary function would stay on whichever server connection it picked.
public struct SchemaMigrator: Sendable {
    /// The lock key; any constant that nothing else in the database uses.
    static let advisoryLockKey: Int64 = 0x6173_7365_7373_0001
    let migrations: [Migration]
    let logger: Logger

    /// A migrator for these migrations.
    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is pending and returns the names applied now. Refuses to run, applying
    /// nothing, when an applied file's checksum changed or an applied file is missing.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [String] {
        let pending = try await client.withOpenConnection(logger: logger) { [self] connection in
            try await connection.withTransaction(logger: logger) { try await checkRecorded(on: $0) }
        }
        var appliedNow: [String] = []
        for migration in pending where try await apply(migration, client: client) {
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    /// The migrations this build has that the database lacks, by name; writes nothing. Commands
    /// other than `migrate` check this at start and refuse to run on an older schema.
    public func pending(_ client: PostgresClient) async throws -> [String] {
        var applied: Set<Int> = []
        for try await exists in try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger).decode(Bool.self)
        where exists {
            for try await version in try await client.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
        }
        return migrations.filter { !applied.contains($0.version) }.map(\.name)
    }

    /// Takes the lock, makes the record table, checks every recorded file against this build's,
    /// and returns the migrations not recorded.
    private func checkRecorded(on connection: PostgresConnection) async throws -> [Migration] {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))", logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = byVersion[version] else {
                throw MigrationError(reason: "migration \(record.name) was applied but its file is missing; restore it")
            }
            guard migration.checksum == record.checksum else {
                throw MigrationError(
                    reason: "migration \(migration.name) changed after it was applied; "
                        + "restore the applied file and put the change in a new numbered file")
            }
        }
        return migrations.filter { recorded[$0.version] == nil }
    }

    /// Applies `migration` in one transaction under the lock, unless another migrator recorded it
    /// first; says whether this one applied it.
    private func apply(_ migration: Migration, client: PostgresClient) async throws -> Bool {
        do {
            return try await client.withOpenConnection(logger: logger) { [self] connection in
                try await connection.withTransaction(logger: logger) { transaction in
                    try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))", logger: logger)
                    for try await _ in try await transaction.query(
                        "SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", logger: logger)
                    {
                        return false
                    }
                    // A file holds several statements, which a prepared statement cannot; PL/pgSQL's
                    // EXECUTE runs them all from one bound parameter.
                    try await transaction.query(
                        """
                        CREATE OR REPLACE FUNCTION pg_temp.assess_run_migration(body text) RETURNS void
                        LANGUAGE plpgsql AS $$ BEGIN EXECUTE body; END $$
                        """, logger: logger)
                    // A server error arrives with the rows, so they must be read for it to be thrown here.
                    let rows = try await transaction.query("SELECT pg_temp.assess_run_migration(\(migration.sql))", logger: logger)
                    for try await _ in rows {}
                    try await transaction.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger)
                    return true
                }
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
            throw MigrationError(reason: "migration \(migration.name) failed: \(ServerMessage(cause)); nothing of it was applied")
        }
    }
}

/// The server's message of a database error; PostgresNIO's own description hides it.
struct ServerMessage: CustomStringConvertible {
    let error: any Error
    init(_ error: any Error) { self.error = error }
    var description: String {
        (error as? PSQLError)?.serverInfo?[.message] ?? String(describing: error)
    }
}
