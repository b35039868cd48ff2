import Foundation
import Logging
import PostgresNIO
import PostgresSupport

/// The queue's tables, functions and triggers, as numbered SQL files shipped with the library
/// (`Schema/`).
///
/// Their numbers share one `schema_migrations` table with the files of the application that embeds
/// the queue, so an application migrates both in one run: `SchemaMigrator(migrations:
/// Migration.ordered(JobQueueSchema.migrations() + itsOwn))`. A new queue file takes the next number
/// free in both folders; `Migration.ordered` refuses two files with one number.
public enum JobQueueSchema {
    /// The channel the insert trigger (`jobs_notify_inserted`) notifies and workers listen on.
    public static let wakeChannel = "jobqueue"
    /// The payload prefix before a queue's name in a wake-up: `q:<queue>`.
    public static let wakePrefix = "q:"

    /// The queue's migrations, in order.
    public static func migrations() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Schema", withExtension: nil) else {
            throw MigrationError(reason: "the job queue's schema bundle (…_JobQueue.resources) is missing beside the executable")
        }
        return try Migration.load(from: folder)
    }

    /// Applies the queue's pending migrations, for a program that has no tables of its own.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await SchemaMigrator(migrations: try migrations(), logger: logger).migrate(client)
    }
}
