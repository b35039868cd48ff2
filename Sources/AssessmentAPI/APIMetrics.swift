import Metrics
import Prometheus
import Synchronization
import Workflow

/// The API process's metrics, through swift-metrics with the Prometheus backend: Hummingbird's
/// `MetricsMiddleware` counts and times every request, and the queue's figures, read from the
/// database at each scrape, are published as gauges in the same registry.
final class APIMetrics: Sendable {
    /// The registry of this process's swift-metrics, bootstrapped once on first use: swift-metrics
    /// has one backend per process.
    static let processRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = prometheusName
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Hummingbird's metric names (OpenTelemetry's, with dots) as this product has always exported them.
    @Sendable static func prometheusName(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        let names = [
            "hb.requests": "assess_http_requests_total", "hb.request.errors": "assess_http_request_errors_total",
            "http.server.request.duration": "assess_http_request_duration_seconds", "http.server.active_requests": "assess_http_active_requests",
        ]
        let labels = ["http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "error"]
        return (
            names[label] ?? label.replacingOccurrences(of: ".", with: "_"),
            dimensions.map { (labels[$0.0] ?? $0.0.replacingOccurrences(of: ".", with: "_"), $0.1) }
        )
    }

    let registry: PrometheusCollectorRegistry
    /// The queue gauges published at the last scrape, to retire the series of a queue that is gone.
    private let published = Mutex<[Series: Prometheus.Gauge]>([:])

    init(registry: PrometheusCollectorRegistry = APIMetrics.processRegistry) {
        self.registry = registry
    }

    private struct Series: Hashable {
        let name: String
        let labels: [String]
    }

    /// The queue's metric families. (Descriptors are not Sendable, so they are made where used.)
    private enum Family {
        static func named(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "assess", metricName: name, unitName: unit, helpText: help)
        }

        static var jobs: MetricNameDescriptor { named("queue_jobs", "Jobs by queue and state, as the coordinator last recorded them.") }
        static var oldest: MetricNameDescriptor {
            named("queue_oldest_available", unit: "seconds", "How long the oldest ready job of a queue has waited to start.")
        }
        static var wait: MetricNameDescriptor {
            named("job_wait", unit: "seconds", "How long jobs completed in the last 5 minutes waited to start after their run time.")
        }
        static var run: MetricNameDescriptor { named("job_run", unit: "seconds", "How long jobs completed in the last 5 minutes ran.") }
        static var progress: MetricNameDescriptor {
            named(
                "job_progress", unit: "ratio",
                "How far a running job got, 0 to 1, as its handler last reported it: the longest running 100 that report progress.")
        }
        static var quarantined: MetricNameDescriptor {
            named("queue_quarantined_jobs", "Jobs discarded for killing their workers, kept for an operator to read and retry.")
        }
    }

    /// The exposition text: the request metrics, and the queue's figures as gauges.
    func render(queues: [QueueStats], latencies: [JobLatencies], quarantined: [String: Int], progress: [RunningProgress] = []) -> String {
        var figures: [(MetricNameDescriptor, [(String, String)], Double)] = []
        for stats in queues {
            for state in JobState.allCases {
                figures.append((Family.jobs, [("queue", stats.queue), ("state", state.rawValue)], Double(stats.counts[state] ?? 0)))
            }
            figures.append((Family.oldest, [("queue", stats.queue)], stats.oldestAvailableAge ?? 0))
        }
        for latency in latencies {
            figures.append((Family.wait, [("queue", latency.queue), ("quantile", "0.5")], latency.waitP50))
            figures.append((Family.wait, [("queue", latency.queue), ("quantile", "0.99")], latency.waitP99))
            figures.append((Family.run, [("queue", latency.queue), ("quantile", "0.5")], latency.runP50))
            figures.append((Family.run, [("queue", latency.queue), ("quantile", "0.99")], latency.runP99))
        }
        for (queue, count) in quarantined { figures.append((Family.quarantined, [("queue", queue)], Double(count))) }
        for job in progress {
            figures.append((Family.progress, [("queue", job.queue), ("kind", job.kind), ("job", String(job.id))], Double(job.percent) / 100))
        }
        published.withLock { published in
            var current: [Series: Prometheus.Gauge] = [:]
            for (family, labels, value) in figures {
                let series = Series(name: family.name, labels: labels.map { "\($0.0)=\($0.1)" })
                let gauge = published[series] ?? registry.makeGauge(descriptor: family, labels: labels)
                gauge.set(to: value)
                current[series] = gauge
            }
            for (series, gauge) in published where current[series] == nil { registry.unregisterGauge(gauge) }
            published = current
        }
        return registry.emitToString()
    }
}
