import Foundation
import JobQueue
import Synchronization

/// Collects enqueue-to-start latencies from a benchmark's handler, and per job the client's
/// instants that `LatencyBreakdown` sets beside the server's.
final class LatencyRecorder: Sendable {
    private let samples = Mutex<[Double]>([])
    private let journeys = Mutex<[Int64: ClientInstants]>([:])
    /// Whether it keeps each job's instants (`--breakdown`): not in a drain's hot path otherwise.
    private let keepsInstants: Bool

    init(keepsInstants: Bool = false) {
        self.keepsInstants = keepsInstants
    }

    /// When a job's enqueue began and returned, and when its handler started: nanoseconds since
    /// 1970 on the same clock as the server's `now()`, the bench and the server sharing a machine.
    struct ClientInstants {
        var enqueued: Int64?
        var returned: Int64?
        var started: Int64?
    }

    func record(enqueuedAtNanos: Int64, job: Int64? = nil) {
        let now = Self.nowNanos()
        samples.withLock { $0.append(Double(now - enqueuedAtNanos) / 1e6) }
        if keepsInstants, let job { journeys.withLock { $0[job, default: .init()].started = now } }
    }

    func recordEnqueue(job: Int64, began: Int64, returned: Int64) {
        guard keepsInstants else { return }
        journeys.withLock {
            $0[job, default: .init()].enqueued = began
            $0[job, default: .init()].returned = returned
        }
    }

    var clientInstants: [Int64: ClientInstants] { journeys.withLock { $0 } }

    var count: Int { samples.withLock { $0.count } }

    /// Starts over: returns a recorder with the samples so far and keeps none of them.
    func restart() -> LatencyRecorder {
        let earlier = LatencyRecorder()
        let taken = samples.withLock { current in
            defer { current = [] }
            return current
        }
        earlier.samples.withLock { $0 = taken }
        journeys.withLock { $0 = [:] }
        return earlier
    }

    /// The q-quantile (0…1) in milliseconds, nearest rank.
    func quantile(_ q: Double) -> Double { nearestRank(samples.withLock { $0 }, q) }

    static func nowNanos() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// The q-quantile (0…1) of `values` by nearest rank; NaN when there are none.
func nearestRank(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(max(Int((q * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)]
}

/// A no-op handler that records when each job started.
struct RecordingNoOpHandler: JobHandler {
    let recorder: LatencyRecorder
    func handle(_ args: NoOpJob, context: JobContext) async throws {
        if let enqueued = args.enqueuedAtNanos { recorder.record(enqueuedAtNanos: enqueued, job: context.job.id) }
    }
}

/// Prints a benchmark's figures, and with `--json` one JSON object as the last line.
func report(_ title: String, _ figures: KeyValuePairs<String, Double>, json: Bool) {
    report(title, figures.map { ($0.key, $0.value) }, json: json)
}

/// `report` for figures gathered as the run went.
func report(_ title: String, _ figures: [(key: String, value: Double)], json: Bool) {
    print(title)
    let width = max(16, figures.map(\.key.count).max() ?? 0)
    for (key, value) in figures {
        print("  \(key.padding(toLength: width, withPad: " ", startingAt: 0)) \(String(format: "%.2f", value))")
    }
    if json {
        let body = figures.map { "\"\($0.key)\": \(String(format: "%.3f", $0.value))" }.joined(separator: ", ")
        print("{\(body)}")
    }
}
