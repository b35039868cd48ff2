import Foundation

/// The handlers a worker pool knows, by kind.
public struct JobRegistry: Sendable {
    typealias Run = @Sendable (ClaimedJob, JobContext) async throws -> Void
    private var handlers: [String: Run] = [:]

    /// An empty registry.
    public init() {}

    /// Registers a handler for its arguments' kind; a second handler for one kind replaces the first.
    public mutating func register<Handler: JobHandler>(_ handler: Handler) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        handlers[Handler.Args.kind] = { job, context in
            let args: Handler.Args
            do {
                args = try decoder.decode(Handler.Args.self, from: Data(job.argsJSON.utf8))
            } catch {
                throw JobQueueError(
                    code: .undecodableArgs,
                    message: "the arguments of job \(job.id) do not decode as \(Handler.Args.self): \(DecodingErrorSummary(error))"
                )
            }
            try await handler.handle(args, context: context)
        }
    }

    /// Makes every handler registered so far wait `delay` before it starts: for rehearsing crashes
    /// and rescues with jobs in flight (tests, game days), never for production.
    public mutating func delayEveryHandler(by delay: Duration) {
        handlers = handlers.mapValues { run in
            { job, context in
                try await Task.sleep(for: delay)
                try await run(job, context)
            }
        }
    }

    /// The kinds registered.
    public var kinds: [String] { handlers.keys.sorted() }

    func handler(for kind: String) -> Run? { handlers[kind] }
}

/// Names the field a decoding error is about without echoing the value, which may be personal data.
struct DecodingErrorSummary: CustomStringConvertible {
    let error: any Error
    init(_ error: any Error) { self.error = error }

    var description: String {
        guard let decodingError = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch decodingError {
        case .keyNotFound(let key, let context): return "missing field \(path(context)).\(key.stringValue)"
        case .typeMismatch(let type, let context): return "\(path(context)) is not a \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) is null, expected \(type)"
        case .dataCorrupted(let context): return "\(path(context)) is malformed"
        @unknown default: return "malformed"
        }
    }
}
