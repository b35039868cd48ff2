import ArgumentParser
import CommandSupport

/// `assess migrate`: applies pending migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations, each once, in order.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.logger(label: "assess.migrate")
        // The prelude migrates before the body runs; nothing else to do.
        try await database.withDatabase(allowEmbedded: false, prelude: .migrate, logger: logger) { _, _ in }
        print("database is up to date")
    }
}
