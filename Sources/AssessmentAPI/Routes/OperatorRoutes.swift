import Hummingbird
import NIOCore
import Synchronization
import Workflow

/// What operators and their tools read: liveness, readiness, metrics, and this API's description.
struct OperatorRoutes {
    let queue: JobQueueClient
    let metrics: APIMetrics
    let document: ServedDocument

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "operators")
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
        return routes
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
