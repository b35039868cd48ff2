import Foundation
import Logging
import PostgresNIO

/// Applies pending migrations in order, each once, each in its own transaction.
///
/// Holds a session advisory lock for the whole run, so migrators started at once on several
/// machines apply each file exactly once; the later ones find nothing left to do.
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
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
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

    private func apply(on connection: PostgresConnection) async throws -> [String] {
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
        var appliedNow: [String] = []
        let pending = migrations.filter { recorded[$0.version] == nil }
        if !pending.isEmpty {
            // A file holds several statements, which a prepared statement cannot; PL/pgSQL's
            // EXECUTE runs them all from one bound parameter.
            try await connection.query(
                """
                CREATE OR REPLACE FUNCTION pg_temp.assess_run_migration(body text) RETURNS void
                LANGUAGE plpgsql AS $$ BEGIN EXECUTE body; END $$
                """, logger: logger)
        }
        for migration in pending {
            try await apply(migration, on: connection)
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws {
        do {
            try await connection.withTransaction(logger: logger) { transaction in
                // A server error arrives with the rows, so they must be read for it to be thrown here.
                let rows = try await transaction.query("SELECT pg_temp.assess_run_migration(\(migration.sql))", logger: logger)
                for try await _ in rows {}
                try await transaction.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
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
