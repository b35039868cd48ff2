/// Runs the jobs of one kind.
///
/// A handler may be run more than once for one job (a crash after its work but before its
/// acknowledgement); it makes that harmless by doing its writes in `context.withTransaction`,
/// which completes the job in the same transaction, fenced by the lease.
public protocol JobHandler: Sendable {
    /// The arguments this handler takes.
    associatedtype Args: JobArgs

    /// Does the work. Returning completes the job; throwing retries it with backoff, or discards it
    /// after its last attempt; throwing `JobControl` snoozes or cancels it.
    func handle(_ args: Args, context: JobContext) async throws
}
