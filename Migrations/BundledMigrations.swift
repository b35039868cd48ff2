import Foundation
import JobQueue
import PostgresSupport

/// The schema of the whole product: the job queue's own files (shipped with `JobQueue`) and the
/// numbered SQL files of `Migrations/sql` (the domain's, the notifier's, the accounts'), each a
/// resource bundle beside the executable, in one order.
public enum BundledMigrations {
    /// Every migration, in order.
    public static func load() throws -> [Migration] {
        try Migration.ordered(try JobQueueSchema.migrations() + application())
    }

    /// The application's own files, without the queue's.
    public static func application() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "sql", withExtension: nil) else {
            throw MigrationError(reason: "the migrations bundle (assess_Migrations.resources) is missing beside the executable")
        }
        return try Migration.load(from: folder)
    }
}
