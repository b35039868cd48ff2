import ArgumentParser

/// `assess bench …`: reproducible benchmarks that print their figures.
public struct BenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks; each prints its figures, and one JSON line with --json.",
        subcommands: [QueueBench.self, LatencyBench.self, AssignBench.self, RoundBench.self, NotifyBench.self, APIBench.self]
    )

    public init() {}
}
