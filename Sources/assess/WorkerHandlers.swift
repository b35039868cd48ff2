import JobQueue

/// The handlers every `assess worker` runs. The assessment workflow's handlers join here.
enum WorkerHandlers {
    static func registry() -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoOpHandler())
        return registry
    }
}

/// A job that does nothing: for benchmarks and smoke tests of a deployment.
struct NoOpJob: JobArgs {
    static let kind = "noop"
    /// When it was enqueued, in nanoseconds since 1970, for latency figures.
    var enqueuedAtNanos: Int64?
}

struct NoOpHandler: JobHandler {
    func handle(_ args: NoOpJob, context: JobContext) async throws {}
}
