import ArgumentParser
import AssessLab

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
}
