import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Notify
import PostgresNIO
import PostgresSupport
import Synchronization
import TestSupport
import Testing

/// Traces across processes: a request's W3C trace continues through `assess serve` into the job
/// it enqueues and the `assess worker` that runs it, each exporting its spans with swift-otel to
/// a collector (here a local OTLP/HTTP receiver that keeps what it is sent).
@Suite("Traces")
struct TraceTests {
    @Test("a request's trace continues into the job it enqueued; both processes export their spans over OTLP/HTTP")
    func requestTraceReachesTheJob() async throws {
        try await TestDatabase.with { client, database in
            let collector = SpanCollector()
            let collectorPort = try freeLoopbackPort()
            let router = Router()
            router.post("/v1/traces") { request, _ -> Response in
                collector.receive(try await request.body.collect(upTo: 16 << 20))
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: collectorPort)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await receiver.runService(gracefulShutdownSignals: []) }
                defer { group.cancelAll() }
                let environment = [
                    "DATABASE_URL": database.url.connectionString,
                    "ASSESS_DATA_KEY": Data((0..<32).map { UInt8($0) }).base64EncodedString(),
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)",
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_BSP_SCHEDULE_DELAY": "200",
                ]
                let token = try await withChildProcesses { processes in
                    let issued = try processes.start(
                        ["tokens", "issue", "--role", "operator", "--subject", "tracing test", "--log-level", "warning"], environment: environment)
                    #expect(await issued.waitForExit(timeout: .seconds(20)))
                    return issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let apiPort = try freeLoopbackPort()
                try await withChildProcesses { processes in
                    let api = try processes.start(["serve", "--port", "\(apiPort)", "--log-level", "warning"], environment: environment)
                    // The exporter reports the OTEL_* settings it read, at info, but never their values:
                    // the headers carry the collector's credentials.
                    let worker = try processes.start(
                        ["worker", "--queue", "default=2", "--log-level", "info"],
                        environment: environment.merging(["OTEL_EXPORTER_OTLP_HEADERS": "x-collector-key=do-not-log-this"]) { $1 })
                    let traceID = Self.randomHex(bytes: 16)
                    let callerSpan = Self.randomHex(bytes: 8)
                    try await withHTTPClient { http in
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(apiPort)/v1/ops/probes")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "traceparent", value: "00-\(traceID)-\(callerSpan)-01")
                        request.body = .bytes(ByteBuffer(string: #"{"keys": ["traced"]}"#))
                        var answer = ""
                        try? await eventually("the API answers the probe") {
                            let response: HTTPClientResponse
                            do {
                                response = try await http.execute(request, timeout: .seconds(5))
                            } catch {
                                answer = "\(error)"
                                return false
                            }
                            answer = "\(response.status.code) " + String(buffer: try await response.body.collect(upTo: 1 << 20))
                            return response.status.code == 201
                        }
                        #expect(answer.hasPrefix("201"), "\(answer) \(api.output.suffix(2_000))")
                    }
                    // The job carries the trace: same trace id, its parent the API's span for the request.
                    try await eventually("the probe ran") {
                        try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND state = 'completed'") == 1
                    }
                    var carried = ""
                    for try await value in try await client.query("SELECT meta->>'traceparent' FROM jobs WHERE kind = 'probe'").decode(String?.self) {
                        carried = value ?? ""
                    }
                    let parts = carried.split(separator: "-").map(String.init)
                    #expect(parts.count == 4 && parts[1] == traceID && parts[2] != callerSpan && parts[3] == "01", "\(carried)")
                    let requestSpan = parts.count == 4 ? parts[2] : ""
                    try await eventually("both processes exported their spans of the trace") {
                        let spans = collector.spans.filter { $0.traceID == traceID }
                        let served = spans.contains { $0.service == "assess.api" && $0.spanID == requestSpan && $0.parentSpanID == callerSpan }
                        let ran = spans.contains { $0.service == "assess.worker" && $0.name == "probe" && $0.parentSpanID == requestSpan }
                        return served && ran
                    }
                    #expect(
                        worker.output.contains("OTEL_EXPORTER_OTLP_TRACES_HEADERS") && !worker.output.contains("do-not-log-this"),
                        "\(worker.output.prefix(1_500))")
                    #expect(api.exitCode == nil && worker.exitCode == nil, "both still run: \(api.output.suffix(500)) \(worker.output.suffix(500))")
                }
                // Without a collector nothing is traced: a job enqueued by a command carries no trace.
                let plain = try await withChildProcesses { processes in
                    let probe = try processes.start(
                        ["jobs", "probe", "--count", "1", "--log-level", "warning"], environment: ["DATABASE_URL": database.url.connectionString])
                    #expect(await probe.waitForExit(timeout: .seconds(20)))
                    return probe.exitCode
                }
                #expect(plain == 0)
                #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'probe' AND meta IS NULL") == 1)
            }
        }
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 1...255)) }.joined()
    }
}

/// What a collector was sent, span by span.
final class SpanCollector: Sendable {
    struct Span: Sendable {
        let service: String
        let traceID: String
        let spanID: String
        let parentSpanID: String
        let name: String
    }

    private let received = Mutex<[Span]>([])

    var spans: [Span] { received.withLock { $0 } }

    /// One OTLP/HTTP JSON export request.
    func receive(_ body: ByteBuffer) {
        guard let export = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else { return }
        var spans: [Span] = []
        for resource in export["resourceSpans"] as? [[String: Any]] ?? [] {
            let attributes = (resource["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
            let service =
                attributes.first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? ""
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    spans.append(
                        Span(
                            service: service, traceID: Self.hex(span["traceId"]), spanID: Self.hex(span["spanId"]),
                            parentSpanID: Self.hex(span["parentSpanId"]), name: span["name"] as? String ?? ""))
                }
            }
        }
        received.withLock { $0 += spans }
    }

    /// An id as lowercase hex, whether it came as hex (OTLP's JSON) or base64 (protobuf's JSON mapping).
    private static func hex(_ value: Any?) -> String {
        guard let text = value as? String, !text.isEmpty else { return "" }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text) else { return text }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
