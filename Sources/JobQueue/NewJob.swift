import Foundation

/// A job to enqueue: its kind, its arguments as JSON, and its options.
public struct NewJob: Sendable {
    /// The kind that routes it to a handler.
    public let kind: String
    /// The arguments as JSON.
    public let argsJSON: String
    /// Where, when and how.
    public let options: EnqueueOptions
    /// The trace context of the code that made it, as the JSON of its first metadata (see
    /// `JobTrace`); nil outside a trace.
    let traceJSON: String?

    /// Encodes typed arguments; throws when the options are out of range or the arguments hold U+0000.
    public init<Args: JobArgs>(_ args: Args, options: EnqueueOptions = .init()) throws {
        try options.validate()
        self.kind = Args.kind
        let encoded = try Self.encoder.encode(args)
        guard !JSONText.escapesNUL(encoded) else {
            throw JobQueueError(
                code: .invalidArgs,
                message: "the arguments of a \(Args.kind) job contain the NUL character (\\u0000), which PostgreSQL cannot store; remove it")
        }
        self.argsJSON = String(decoding: encoded, as: UTF8.self)
        self.options = options
        self.traceJSON = JobTrace.currentMetadataJSON()
    }

    /// The same job with other options, e.g. one tick of a cron schedule with its unique key.
    func with(options: EnqueueOptions) -> NewJob {
        NewJob(kind: kind, argsJSON: argsJSON, options: options, traceJSON: traceJSON)
    }

    private init(kind: String, argsJSON: String, options: EnqueueOptions, traceJSON: String?) {
        self.kind = kind
        self.argsJSON = argsJSON
        self.options = options
        self.traceJSON = traceJSON
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

/// The job an enqueue produced, or the existing one a unique key pointed to.
public struct EnqueuedJob: Sendable, Equatable {
    /// The job's id.
    public let id: Int64
    /// True when a job with the same unique key already existed and no new job was made.
    public let isDuplicate: Bool
}
