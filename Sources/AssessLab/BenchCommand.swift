import ArgumentParser

/// `assess bench …`: reproducible benchmarks that print their figures.
///
/// Each runs in the process's one `ServiceGroup` (the PostgreSQL client and the schema prelude,
/// from `CommandSupport`) and starts the system it measures, its worker pools, API or receiver, as
/// a group of its own inside the command's body: it loads its data first and then times the start,
/// the drain and the stop, which the process's group cannot do for it. Product commands never nest.
public struct BenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks; each prints its figures, and one JSON line with --json.",
        subcommands: [QueueBench.self, LatencyBench.self, AssignBench.self, RoundBench.self, NotifyBench.self, APIBench.self, ChaosBench.self]
    )

    public init() {}
}
