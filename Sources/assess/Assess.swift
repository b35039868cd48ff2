import ArgumentParser
import AssessLab
import CommandSupport

/// The one executable: migrate, work, benchmark, demo.
@main
struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Professional title evaluation and vocational skills certification on a PostgreSQL job queue.",
        subcommands: [
            DemoCommand.self, MigrateCommand.self, WorkerCommand.self, CoordinatorCommand.self, JobsCommand.self, RoundsCommand.self,
            InstitutionsCommand.self,
            AuditCommand.self, NotifyCommand.self, TLSCommand.self, ServeCommand.self, TokensCommand.self, BenchCommand.self,
        ]
    )

    /// As ArgumentParser's own, but a database error that escapes a command says what it was.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: DatabaseFailure(error, at: nil) ?? error)
        }
    }
}
