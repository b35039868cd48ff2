import ArgumentParser

/// `assess migrate`: applies pending migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations, each once, in order.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.logger(label: "assess.migrate")
        // withDatabase migrates before it hands over; nothing else to do.
        try await database.withDatabase(allowEmbedded: false, logger: logger) { _, _ in }
        print("database is up to date")
    }
}
