import Hummingbird
import NIOCore
import Synchronization
import Workflow

/// What operators and their tools read: liveness, readiness, metrics, and this API's description;
/// and the probe of a deployment through its API.
struct OperatorRoutes {
    let workflow: Workflow
    let metrics: APIMetrics
    let document: ServedDocument

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "operators")
        let queue = workflow.queue
        routes.add(.get, "/healthz", "Liveness: the process answers", access: .anyone, reply: .ok(StatusView.self, "Alive")) { _, _ in
            StatusView(status: "ok")
        }
        routes.add(.get, "/readyz", "Readiness: the database answers", access: .anyone, reply: .ok(StatusView.self, "Ready"), refuses: [503]) {
            _, _ in
            do {
                _ = try await queue.queueStats()
                return StatusView(status: "ready")
            } catch {
                throw Problem(.serviceUnavailable, "the database does not answer", zh: "数据库无应答")
            }
        }
        routes.add(
            .get, "/metrics", "Prometheus metrics", access: .anyone,
            reply: .raw("Text exposition format", contentType: "text/plain", schema: .string())
        ) { _, _ in
            let text = metrics.render(
                queues: (try? await queue.queueStats()) ?? [], latencies: (try? await queue.recentLatencies()) ?? [],
                quarantined: (try? await queue.quarantinedCounts()) ?? [:], progress: (try? await queue.runningProgress()) ?? [])
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        routes.add(
            .get, "/openapi.json", "This document", access: .anyone,
            reply: .raw("OpenAPI 3.1", contentType: "application/json", schema: .anyObject)
        ) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document.text)))
        }
        routes.add(
            .post, "/v1/ops/probes",
            "Enqueue probe jobs on the queue `default` in one transaction, one per key; a key used before answers with its job (a request sent again makes none twice)",
            access: .role(.operations), body: ProbeBody.self, reply: .created(ProbesView.self, "The probes' jobs, in the keys' order")
        ) { _, _, body in
            let jobs = try await workflow.enqueueProbes(keys: body.keys, milliseconds: body.milliseconds ?? 0)
            return ProbesView(jobs: zip(body.keys, jobs).map { ProbesView.Job(key: $0, id: $1.id, duplicate: $1.isDuplicate) })
        }
        return routes
    }
}

struct ProbeBody: RequestBody, Documented {
    var keys: [String]
    var milliseconds: Int?

    func validate() throws {
        guard Bounds.probes.contains(keys.count) else {
            throw invalidField(
                "keys", "must list \(Bounds.probes.lowerBound) to \(Bounds.probes.upperBound) keys",
                zh: "须列出 \(Bounds.probes.lowerBound) 至 \(Bounds.probes.upperBound) 个键")
        }
        guard keys.allSatisfy({ (1...100).contains($0.count) }) else {
            throw invalidField("keys", "must each have 1 to 100 characters", zh: "每个键须为 1 至 100 个字符")
        }
        guard Set(keys).count == keys.count else { throw invalidField("keys", "must not repeat a key", zh: "键不得重复") }
        if let milliseconds { try Bounds.check(milliseconds, "milliseconds", Bounds.probeMilliseconds) }
    }

    static var schema: JSONSchema {
        .object(
            required: ["keys": .array(of: .string(length: 1...100), count: Bounds.probes, "one probe job per key, each key unique")],
            optional: ["milliseconds": .integer(Bounds.probeMilliseconds, "how long each works; 0 when absent or null").orNull])
    }
}

struct ProbesView: ResponseEncodable, Sendable, Documented {
    struct Job: Encodable, Sendable {
        let key: String
        let id: Int64
        /// The key's job existed already: this request made no new one.
        let duplicate: Bool
    }

    let jobs: [Job]

    static var schema: JSONSchema {
        .object(
            required: [
                "jobs": .array(
                    of: .object(required: ["key": .string(), "id": .integer(), "duplicate": .boolean]))
            ])
    }
}

struct StatusView: ResponseEncodable, Sendable, Documented {
    let status: String
    static var schema: JSONSchema { .object(required: ["status": .string()]) }
}

/// `/openapi.json`'s text: written once every route, this one included, is described.
final class ServedDocument: Sendable {
    private let value = Mutex("{}")

    var text: String { value.withLock { $0 } }

    func publish(_ text: String) { value.withLock { $0 = text } }
}
