/// An error of the job queue, with a code a caller can match and a message that says what to fix.
public struct JobQueueError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String
        /// Enqueue options out of range.
        public static let invalidOptions = Code(description: "invalidOptions")
        /// The job's lease was lost (rescued or cancelled): its transaction was rolled back.
        public static let leaseLost = Code(description: "leaseLost")
        /// No handler is registered for the job's kind.
        public static let unknownKind = Code(description: "unknownKind")
        /// The arguments cannot be stored.
        public static let invalidArgs = Code(description: "invalidArgs")
        /// The stored arguments do not decode into the handler's type.
        public static let undecodableArgs = Code(description: "undecodableArgs")
        /// No job has that id.
        public static let notFound = Code(description: "notFound")
        /// The job is in a state that does not allow the operation.
        public static let invalidState = Code(description: "invalidState")
    }

    /// What went wrong.
    public let code: Code
    /// What was wrong and how to fix it.
    public let message: String

    /// An error with a message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension JobQueueError {
    /// A unique key conflicted with a job that was gone by the time it was looked up.
    static let uniqueJobRemoved = JobQueueError(
        code: .invalidState, message: "a job with the same unique key was removed while enqueuing; try again")
}
