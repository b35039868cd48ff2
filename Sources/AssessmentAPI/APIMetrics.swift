import Workflow
import Synchronization

/// Request counts and latencies, rendered with the queue's statistics as Prometheus text.
final class APIMetrics: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct Latency {
        var buckets: [Int]
        var count = 0
        var sum = 0.0
    }

    static let bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let state = Mutex<(requests: [Key: Int], latency: [String: Latency])>(([:], [:]))

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Key(route: route, method: method, status: status), default: 0] += 1
            var latency = state.latency[route] ?? Latency(buckets: Array(repeating: 0, count: Self.bounds.count))
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { latency.buckets[index] += 1 }
            latency.count += 1
            latency.sum += seconds
            state.latency[route] = latency
        }
    }

    func render(queues: [QueueStats], latencies: [JobLatencies], quarantined: [String: Int]) -> String {
        var lines = [
            "# HELP assess_http_requests_total HTTP requests by route, method and status.",
            "# TYPE assess_http_requests_total counter",
        ]
        let (requests, latency) = state.withLock { ($0.requests, $0.latency) }
        for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append(#"assess_http_requests_total{route="\#(key.route)",method="\#(key.method)",status="\#(key.status)"} \#(count)"#)
        }
        lines += ["# HELP assess_http_request_duration_seconds HTTP request latency by route.",
                  "# TYPE assess_http_request_duration_seconds histogram"]
        for (route, value) in latency.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.bounds.enumerated() {
                lines.append(#"assess_http_request_duration_seconds_bucket{route="\#(route)",le="\#(bound)"} \#(value.buckets[index])"#)
            }
            lines.append(#"assess_http_request_duration_seconds_bucket{route="\#(route)",le="+Inf"} \#(value.count)"#)
            lines.append(#"assess_http_request_duration_seconds_sum{route="\#(route)"} \#(value.sum)"#)
            lines.append(#"assess_http_request_duration_seconds_count{route="\#(route)"} \#(value.count)"#)
        }
        lines += ["# HELP assess_queue_jobs Jobs by queue and state, as the coordinator last recorded them.",
                  "# TYPE assess_queue_jobs gauge"]
        for stats in queues {
            for (state, count) in stats.counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                lines.append(#"assess_queue_jobs{queue="\#(stats.queue)",state="\#(state.rawValue)"} \#(count)"#)
            }
        }
        lines += ["# HELP assess_queue_oldest_available_seconds How long the oldest ready job of a queue has waited to start.",
                  "# TYPE assess_queue_oldest_available_seconds gauge"]
        for stats in queues {
            lines.append(#"assess_queue_oldest_available_seconds{queue="\#(stats.queue)"} \#(stats.oldestAvailableAge ?? 0)"#)
        }
        lines += ["# HELP assess_job_wait_seconds How long jobs completed in the last 5 minutes waited to start after their run time.",
                  "# TYPE assess_job_wait_seconds gauge",
                  "# HELP assess_job_run_seconds How long jobs completed in the last 5 minutes ran.",
                  "# TYPE assess_job_run_seconds gauge"]
        for latency in latencies {
            lines.append(#"assess_job_wait_seconds{queue="\#(latency.queue)",quantile="0.5"} \#(latency.waitP50)"#)
            lines.append(#"assess_job_wait_seconds{queue="\#(latency.queue)",quantile="0.99"} \#(latency.waitP99)"#)
            lines.append(#"assess_job_run_seconds{queue="\#(latency.queue)",quantile="0.5"} \#(latency.runP50)"#)
            lines.append(#"assess_job_run_seconds{queue="\#(latency.queue)",quantile="0.99"} \#(latency.runP99)"#)
        }
        lines += ["# HELP assess_queue_quarantined_jobs Jobs discarded for killing their workers, kept for an operator to read and retry.",
                  "# TYPE assess_queue_quarantined_jobs gauge"]
        for (queue, count) in quarantined.sorted(by: { $0.key < $1.key }) {
            lines.append(#"assess_queue_quarantined_jobs{queue="\#(queue)"} \#(count)"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
