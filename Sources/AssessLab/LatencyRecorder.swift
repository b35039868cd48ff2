import Foundation
import JobQueue
import Synchronization

/// Collects enqueue-to-start latencies from a benchmark's handler.
final class LatencyRecorder: Sendable {
    private let samples = Mutex<[Double]>([])

    func record(enqueuedAtNanos: Int64) {
        let milliseconds = Double(Self.nowNanos() - enqueuedAtNanos) / 1e6
        samples.withLock { $0.append(milliseconds) }
    }

    var count: Int { samples.withLock { $0.count } }

    /// Starts over: returns a recorder with the samples so far and keeps none of them.
    func restart() -> LatencyRecorder {
        let earlier = LatencyRecorder()
        let taken = samples.withLock { current in
            defer { current = [] }
            return current
        }
        earlier.samples.withLock { $0 = taken }
        return earlier
    }

    /// The q-quantile (0…1) in milliseconds, nearest rank.
    func quantile(_ q: Double) -> Double {
        let sorted = samples.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    static func nowNanos() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// A no-op handler that records when each job started.
struct RecordingNoOpHandler: JobHandler {
    let recorder: LatencyRecorder
    func handle(_ args: NoOpJob, context: JobContext) async throws {
        if let enqueued = args.enqueuedAtNanos { recorder.record(enqueuedAtNanos: enqueued) }
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
