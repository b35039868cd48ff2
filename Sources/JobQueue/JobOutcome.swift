import Foundation

/// How one attempt ended, as the acknowledger writes it.
enum JobOutcome: Sendable {
    case completed
    /// Already completed in the handler's own transaction: nothing left to write.
    case completedInTransaction
    case retry(after: Duration, error: String)
    case discard(error: String)
    case snooze(after: Duration)
    case cancel(reason: String)
    /// Back to available without counting the attempt (shutdown).
    case release
    /// The lease was lost: the job belongs to someone else now, write nothing.
    case abandon
}

/// An outcome bound to the lease it must match.
struct Acknowledgement: Sendable {
    let jobID: Int64
    let leaseToken: UUID
    let outcome: JobOutcome
    /// The job's queue when its kind is limited: once the outcome is written, the queue's
    /// workers may start the next job of the kind.
    var limitedQueue: String? = nil
}
