import Foundation
import Logging
import PostgresNIO
import PostgresSupport

/// Where a latency bench's jobs spent their enqueue-to-start time. The client's instants (enqueue
/// began and returned, handler started) are set beside the server's (`inserted_at`, the insert's
/// statement start; `attempted_at`, the claim's), one machine and one clock for both:
/// - to the server: the enqueue's task, a pooled connection and the network, until the insert began;
/// - insert to claim: the insert, its commit (the WAL flush), the wake-up after it, its delivery to the
///   listening pool, and the claim being sent;
/// - claim to handler: the claim statement, its answer and the handler's task starting.
struct LatencyBreakdown: CustomStringConvertible {
    struct Segment {
        let name: String
        let milliseconds: [Double]
    }

    let segments: [Segment]
    let total: [Double]
    let jobsPerClaim: Double

    static func read(queue: String, recorder: LatencyRecorder, client: PostgresClient, logger: Logger) async throws -> LatencyBreakdown {
        let server = try await ConnectionRetry.retrying("reading the jobs' instants", logger: logger) {
            var instants: [Int64: (inserted: Int64, attempted: Int64)] = [:]
            let rows = try await client.query(
                """
                SELECT id, (extract(epoch FROM inserted_at) * 1000000)::int8, (extract(epoch FROM attempted_at) * 1000000)::int8
                FROM jobs WHERE queue = \(queue) AND attempted_at IS NOT NULL
                """, logger: logger)
            for try await (id, inserted, attempted) in rows.decode((Int64, Int64, Int64).self) {
                instants[id] = (inserted * 1000, attempted * 1000)
            }
            return instants
        }
        var toServer: [Double] = []
        var toClaim: [Double] = []
        var toHandler: [Double] = []
        var enqueueCall: [Double] = []
        var total: [Double] = []
        var claims: Set<Int64> = []
        for (id, client) in recorder.clientInstants {
            guard let began = client.enqueued, let returned = client.returned, let started = client.started, let (inserted, attempted) = server[id]
            else { continue }
            toServer.append(Double(inserted - began) / 1e6)
            toClaim.append(Double(attempted - inserted) / 1e6)
            toHandler.append(Double(started - attempted) / 1e6)
            enqueueCall.append(Double(returned - began) / 1e6)
            total.append(Double(started - began) / 1e6)
            claims.insert(attempted)
        }
        return LatencyBreakdown(
            segments: [
                Segment(name: "to the server", milliseconds: toServer),
                Segment(name: "insert to claim", milliseconds: toClaim),
                Segment(name: "claim to handler", milliseconds: toHandler),
                Segment(name: "(the enqueue call)", milliseconds: enqueueCall),
            ], total: total, jobsPerClaim: claims.isEmpty ? 0 : Double(total.count) / Double(claims.count))
    }

    var description: String {
        guard !total.isEmpty else { return "breakdown: no job's instants were read" }
        // The slowest 1 %: which segment made them slow.
        let cut = nearestRank(total, 0.99)
        let slow = total.indices.filter { total[$0] >= cut }
        var lines = [
            String(format: "breakdown of %d jobs (ms), %.1f jobs per claim:", total.count, jobsPerClaim),
            "  " + "segment".padding(toLength: 18, withPad: " ", startingAt: 0) + "      p50      p99      max  median of the slowest 1 %",
        ]
        for segment in segments + [Segment(name: "enqueue to start", milliseconds: total)] {
            let values = segment.milliseconds
            let figures = String(
                format: " %8.2f %8.2f %8.2f %8.2f", nearestRank(values, 0.5), nearestRank(values, 0.99), nearestRank(values, 1),
                nearestRank(slow.map { values[$0] }, 0.5))
            lines.append("  " + segment.name.padding(toLength: 18, withPad: " ", startingAt: 0) + figures)
        }
        return lines.joined(separator: "\n")
    }
}
