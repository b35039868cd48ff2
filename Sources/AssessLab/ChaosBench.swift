import ArgumentParser
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresSupport

/// `assess bench chaos`: faults injected into a running deployment under a steady load.
struct ChaosBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract:
            "Inject faults into real worker and coordinator processes under a steady load; print what was lost or doubled and how soon full speed came back.",
        discussion: """
            Runs on a cluster of its own (PostgreSQL's durable defaults), which it restarts, and the failover scenario on a \
            pg_auto_failover formation of its own (a monitor, a primary and a synchronous standby); DATABASE_URL is not used. \
            Scenarios: \(ChaosScenario.allCases.map(\.rawValue).joined(separator: ", ")). \
            Fails when any job was lost or ran twice.
            """)

    @Option(name: .long, help: "A scenario, or all.") var scenario = "all"
    @Option(name: .long, help: "Jobs the producer enqueues per second (10–2000).") var rate = 200
    @Flag(name: .long, help: "A few seconds per scenario, as ops/test runs it; the full run holds faults up to a minute.") var short = false
    @Flag(name: .long, help: "End with one JSON line.") var json = false
    @Option(name: .long, help: "Log level of the bench itself: trace, debug, info, notice, warning, error, critical.") var logLevel = "error"

    func run() async throws {
        guard let scenarios = ChaosScenario.chosen(scenario) else {
            throw ValidationError("--scenario must be all or one of \(ChaosScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (10...2_000).contains(rate) else { throw ValidationError("--rate must be 10 to 2000") }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "assess.bench")
        logger.logLevel = level
        // The failover scenario runs on a pg_auto_failover formation of its own; the rest share a cluster.
        let cluster = scenarios.contains { $0 != .failover } ? try LocalPostgres.start(durability: .durable, maxConnections: 300) : nil
        defer { cluster?.stop() }
        let formation = scenarios.contains(.failover) ? try await AutoFailoverFormation.start(maxConnections: 300, logger: logger) : nil
        defer { formation?.stop() }
        var results: [ChaosResult] = []
        for (index, scenario) in scenarios.enumerated() {
            let servers: ChaosServers
            if scenario == .failover, let formation {
                servers = .formation(formation)
            } else if let cluster {
                servers = .local(cluster)
            } else {
                throw ChaosFailure("no servers for \(scenario.rawValue)")
            }
            let url = try servers.url(database: "chaos_\(index)")
            let run = ChaosRun(scenario: scenario, servers: servers, url: url, rate: rate, short: short, logger: logger)
            let result = try await run.play()
            if result.lost > 0 || result.doubled > 0, case .formation(let formation) = servers {
                print("\(scenario.rawValue): the formation's servers, data and logs are kept in \(formation.keepFiles())")
            }
            print(result.line)
            fflush(nil)
            results.append(result)
        }
        if json {
            print("{\"scenarios\": [\(results.map(\.json).joined(separator: ", "))]}")
        }
        let bad = results.filter { $0.lost > 0 || $0.doubled > 0 }
        if !bad.isEmpty {
            throw ChaosFailure("jobs lost or doubled in \(bad.map(\.scenario.rawValue).joined(separator: ", "))")
        }
    }
}

/// What one scenario found.
struct ChaosResult: Sendable {
    let scenario: ChaosScenario
    let enqueued: Int
    /// Of those, how many were answered by the API's operator route.
    let throughAPI: Int
    let completed: Int
    let lost: Int
    let doubled: Int
    /// Completions per second in the seconds before the fault.
    let baseline: Double
    /// From the fault's start until the throughput is back at 90 % of the baseline, and stays so for 3 s.
    let recoverySeconds: Double
    /// The longest time after the fault in which no job finished.
    let stallSeconds: Double
    /// Insert-to-start latency of the jobs enqueued from just before the fault until a second
    /// after it ended and the speed was back.
    let recoveryP99Milliseconds: Double
    /// The longest of those: a rescued job's wait.
    let recoveryMaxMilliseconds: Double
    /// Throughput while a held fault lasted, against the baseline.
    let holdSpeed: Double?
    /// Which jobs were lost and how, when any were.
    let lostDetail: String?

    var line: String {
        let hold = holdSpeed.map { ", \(Self.figure($0 * 100, 0)) % of the speed while it held" } ?? ""
        return
            "\(scenario.rawValue): \(enqueued) enqueued (\(throughAPI) through the API), \(completed) completed, \(lost) lost, \(doubled) doubled; "
            + "no job finished for \(Self.figure(stallSeconds, 2)) s, full speed (\(Self.figure(baseline, 0))/s) back after "
            + "\(Self.figure(recoverySeconds, 1)) s, "
            + "start latency in recovery p99 \(Self.figure(recoveryP99Milliseconds, 0)) ms, max \(Self.figure(recoveryMaxMilliseconds, 0)) ms"
            + "\(hold) (\(scenario.summary))" + (lostDetail.map { "\n  lost: \($0)" } ?? "")
    }

    var json: String {
        let hold = holdSpeed.map { ", \"hold_speed\": \(Self.figure($0, 3))" } ?? ""
        return
            "{\"scenario\": \"\(scenario.rawValue)\", \"enqueued\": \(enqueued), \"through_api\": \(throughAPI), \"completed\": \(completed), \"lost\": \(lost), "
            + "\"doubled\": \(doubled), \"baseline_per_s\": \(Self.figure(baseline, 1)), \"recovery_s\": \(Self.figure(recoverySeconds, 2)), "
            + "\"stall_s\": \(Self.figure(stallSeconds, 2)), "
            + "\"recovery_p99_ms\": \(Self.figure(recoveryP99Milliseconds, 1)), \"recovery_max_ms\": \(Self.figure(recoveryMaxMilliseconds, 1))\(hold)}"
    }

    private static func figure(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
