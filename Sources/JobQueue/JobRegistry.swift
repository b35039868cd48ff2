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

/// What a decoding error is about, without echoing the value (which may be personal data): the
/// field, as `a.b[0].c`, and what is wrong with it. Job arguments and the API's request bodies
/// both explain their decoding errors through it.
public struct DecodingErrorSummary: CustomStringConvertible, Sendable {
    public enum Reason: Sendable, Equatable {
        /// Not JSON at all, or not the error of a decoder.
        case notJSON
        case missing
        /// The expected type, by name.
        case wrongType(expected: String)
        case null(expected: String)
        /// The value has the right type but not a valid form (a date that is no date); the decoder's words.
        case malformed(String)
    }

    /// The field at fault; empty for the whole document.
    public let field: String
    public let reason: Reason

    public init(_ error: any Error) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: (field, reason) = (path(context.codingPath + [key]), .missing)
        case .typeMismatch(let type, let context)?: (field, reason) = (path(context.codingPath), .wrongType(expected: "\(type)"))
        case .valueNotFound(let type, let context)?: (field, reason) = (path(context.codingPath), .null(expected: "\(type)"))
        case .dataCorrupted(let context)?:
            (field, reason) = (path(context.codingPath), context.codingPath.isEmpty ? .notJSON : .malformed(context.debugDescription))
        default: (field, reason) = ("", .notJSON)
        }
    }

    public var description: String {
        let place = field.isEmpty ? "the top level" : field
        switch reason {
        case .notJSON: return "not valid JSON"
        case .missing: return "missing field \(place)"
        case .wrongType(let expected): return "\(place) is not a \(expected)"
        case .null(let expected): return "\(place) is null, expected \(expected)"
        case .malformed: return "\(place) is malformed"
        }
    }
}
