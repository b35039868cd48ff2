/// Thrown by a handler to end its attempt other than by success or failure.
public enum JobControl: Error, Sendable {
    /// Run again after this delay without counting the attempt.
    case snooze(Duration)
    /// Stop for good; the job ends cancelled with this reason.
    case cancel(reason: String)
}
