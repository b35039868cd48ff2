import Foundation

/// Where the machine's CPU time went between two moments: this process, everything else (on a
/// benchmark machine, PostgreSQL), idle, and stolen (a virtual machine's CPU time that the host
/// gave to other guests). Says what limits a benchmark: a saturated PostgreSQL, the worker's own
/// work, waiting (round trips, commits' fsync) when much is idle, or a noisy host.
struct CPUSplit {
    let ownSeconds: Double
    let otherSeconds: Double
    let idleSeconds: Double
    let stolenSeconds: Double

    /// A reading of the counters; nil where /proc/stat is missing (not Linux).
    struct Reading {
        let own: Double
        let busy: Double
        let idle: Double
        let stolen: Double

        static func now() -> Reading? {
            guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
            else { return nil }
            // user nice system idle iowait irq softirq steal, in clock ticks.
            let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
            guard ticks.count == 8 else { return nil }
            let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let own =
                Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            let idle = (ticks[3] + ticks[4]) / hertz
            let busy = (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / hertz
            return Reading(own: own, busy: busy, idle: idle, stolen: ticks[7] / hertz)
        }
    }

    init?(from start: Reading?, to end: Reading?) {
        guard let start, let end else { return nil }
        ownSeconds = end.own - start.own
        otherSeconds = max(0, (end.busy - start.busy) - ownSeconds)
        idleSeconds = end.idle - start.idle
        stolenSeconds = end.stolen - start.stolen
    }

    var description: String {
        String(
            format: "CPU while draining: this process %.1f s, the rest of the machine (PostgreSQL) %.1f s, idle %.1f s, stolen by the host %.1f s",
            ownSeconds, otherSeconds, idleSeconds, stolenSeconds)
    }
}
