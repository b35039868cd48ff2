/// Thrown by a handler to end its attempt other than by success or failure.
public enum JobControl: Error, Sendable {
    /// Run again after this delay without counting the attempt.
    case snooze(Duration)
    /// Stop for good; the job ends cancelled with this reason.
    case cancel(reason: String)
    /// A failed attempt, counted, to be retried after exactly this delay rather than the pool's
    /// backoff (a handler that knows better, e.g. from a server's Retry-After); after the last
    /// attempt the job is discarded with the reason.
    case retry(after: Duration, reason: String)
}
