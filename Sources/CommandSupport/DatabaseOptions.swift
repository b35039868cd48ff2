import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import PostgresSupport

/// Where the database is: `--database-url`, else `DATABASE_URL`, else (for commands that allow
/// it) a throwaway local cluster that lives as long as the command.
public struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "PostgreSQL URL; defaults to the DATABASE_URL environment variable.")
    public var databaseURL: String?

    @Option(
        name: .long,
        help: "Seconds to keep trying to reach the database at start (0–3600), e.g. while PostgreSQL restarts, before failing with why.")
    public var databaseWait: Int = 30

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String = "info"

    @Option(
        name: .long,
        help:
            "A direct PostgreSQL URL (not through a pooler) on which workers LISTEN for ready jobs, when the database URL leads to PgBouncer (pgbouncer=true); defaults to DATABASE_LISTEN_URL. Without it such workers poll."
    )
    public var databaseListenURL: String?

    public init() {}

    /// `--database-listen-url`, else `DATABASE_LISTEN_URL`, parsed; nil when neither is set.
    public var listenURL: DatabaseURL? {
        get throws {
            guard let given = databaseListenURL ?? ProcessInfo.processInfo.environment["DATABASE_LISTEN_URL"], !given.isEmpty else {
                return nil
            }
            do {
                return try DatabaseURL(given)
            } catch let error as DatabaseURLError {
                throw ValidationError("the listen URL: \(error.reason)")
            }
        }
    }

    /// `--database-wait`, within its range.
    var reachBudget: Duration {
        get throws {
            guard (0...3_600).contains(databaseWait) else { throw ValidationError("--database-wait must be 0 to 3600 seconds") }
            return .seconds(databaseWait)
        }
    }

    /// A logger at `--log-level`, but never chattier than `quietest` allows.
    public func logger(label: String, quietest: Logger.Level = .trace) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: label)
        logger.logLevel = max(level, quietest)
        return logger
    }

    /// Runs `body` with the database's URL: `--database-url`, `DATABASE_URL`, or (when allowed) a
    /// throwaway local cluster that is removed when `body` returns.
    public func withDatabaseURL<Result: Sendable>(
        allowEmbedded: Bool, durability: LocalPostgres.Durability, logger: Logger, _ body: (DatabaseURL) async throws -> Result
    ) async throws -> Result {
        var embedded: LocalPostgres?
        let url: DatabaseURL
        if let given = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !given.isEmpty {
            url = try DatabaseURL(given)
        } else if allowEmbedded {
            logger.info("DATABASE_URL is not set: starting a throwaway local PostgreSQL")
            let local = try LocalPostgres.start(durability: durability)
            embedded = local
            url = try DatabaseURL(local.url())
        } else {
            throw ValidationError(
                "set DATABASE_URL (or --database-url) to the PostgreSQL database to use, "
                    + "e.g. postgres://assess@127.0.0.1:5432/assess")
        }
        defer { embedded?.stop() }
        return try await body(url)
    }
}
