import Foundation
import PostgresSupport

/// The numbered SQL files of `Migrations/sql`, shipped as a resource bundle beside the executable.
public enum BundledMigrations {
    /// Every bundled migration, in order.
    public static func load() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "sql", withExtension: nil) else {
            throw MigrationError(reason: "the migrations bundle (assess_Migrations.resources) is missing beside the executable")
        }
        return try Migration.load(from: folder)
    }
}
