import JobQueue

/// The handlers every `assess worker` runs. The assessment workflow's handlers join here.
enum WorkerHandlers {
    static func registry() -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoOpHandler())
        registry.register(ProbeHandler())
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

/// A job that works a while and records its run in `queue_probes` in the same transaction that
/// completes it: a second run of one job could not record itself, so the table shows each ran once.
struct ProbeJob: JobArgs {
    static let kind = "probe"
    var milliseconds: Int
}

struct ProbeHandler: JobHandler {
    func handle(_ args: ProbeJob, context: JobContext) async throws {
        try await Task.sleep(for: .milliseconds(args.milliseconds))
        let worker = context.logger[metadataKey: "worker"].map { "\($0)" } ?? "unknown"
        try await context.withTransaction { connection in
            try await connection.query(
                "INSERT INTO queue_probes (job_id, worker) VALUES (\(context.job.id), \(worker))", logger: context.logger)
        }
    }
}
