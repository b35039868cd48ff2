import Foundation
import Tracing

/// The W3C trace context (`traceparent`, `tracestate`) a job carries in its metadata from the
/// code that enqueued it to the worker that runs it, so a request's trace continues into the jobs
/// it set off. Whichever instrument the process bootstrapped writes and reads the headers; without
/// one (the default) nothing is written and nothing read.
enum JobTrace {
    /// The metadata keys the instrument wrote: the W3C headers, with whatever else it propagates.
    static let headerKeys = ["traceparent", "tracestate"]

    /// The current context's headers as the JSON object of a job's metadata; nil outside a trace.
    static func currentMetadataJSON() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeaderInjector())
        let carried = headers.filter { headerKeys.contains($0.key) }
        guard !carried.isEmpty, let json = try? JSONEncoder().encode(carried) else { return nil }
        return String(decoding: json, as: UTF8.self)
    }

    /// The context a job's run continues: the enqueuer's, read back from its headers.
    static func context(from headers: [String: String]) -> ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(headers, into: &context, using: HeaderExtractor())
        return context
    }

    /// Runs a claimed job's handler in a span of its own, a consumer of the enqueuer's trace.
    static func withRunSpan(_ job: ClaimedJob, headers: [String: String]?, _ run: () async throws -> Void) async throws {
        try await withSpan(job.kind, context: context(from: headers ?? [:]), ofKind: .consumer) { span in
            span.attributes["messaging.system"] = "assess-jobqueue"
            span.attributes["messaging.operation.type"] = "process"
            span.attributes["messaging.destination.name"] = job.queue
            span.attributes["messaging.message.id"] = "\(job.id)"
            span.attributes["jobqueue.attempt"] = job.attempt
            try await run()
        }
    }

    private struct HeaderInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    private struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[key]
        }
    }
}
