import Foundation
import PostgresSupport
import Synchronization

/// One scenario's deployment: real `assess coordinator`, `assess worker` and `assess serve`
/// processes on a database of the bench's own cluster, started, killed, stopped and restarted by name.
final class ChaosDeployment: Sendable {
    /// Settings that make a scenario take seconds: the crash tests' lease, tick and worker timeout.
    static let coordinatorArguments = ["--lease-ms", "1500", "--tick-ms", "250", "--worker-timeout-ms", "2000", "--log-level", "warning"]
    static let workerArguments = ["--queue", "default=50", "--log-level", "warning"]

    let url: DatabaseURL
    let folder: String
    /// The loopback port `assess serve` listens on.
    let apiPort: Int
    /// Where `assess serve` listens.
    var apiBase: String { "http://127.0.0.1:\(apiPort)" }
    private let executable: String
    private let environment: [String: String]
    private let running = Mutex<[String: (pid: pid_t, arguments: [String])]>([:])
    private let generation = Atomic<Int>(0)

    init(url: DatabaseURL) throws {
        self.url = url
        guard let path = realpath("/proc/self/exe", nil) else { throw ChaosFailure("cannot find this program's own path") }
        executable = String(cString: path)
        free(path)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("assess-chaos-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        apiPort = try freeLoopbackPort()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url.connectionString
        // The API seals identity numbers with it; the probes it enqueues touch none, and the
        // database is dropped with the run.
        environment["ASSESS_DATA_KEY"] = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        self.environment = environment
    }

    /// Migrates the database with `assess migrate`, as a release would.
    func migrate() async throws {
        let pid = try spawn("migrate", ["migrate", "--log-level", "warning"])
        guard await Self.exitStatus(of: pid) == 0 else {
            throw ChaosFailure("`assess migrate` failed: \(tail(of: "migrate"))")
        }
    }

    /// Starts two coordinators (the first leads), two workers and the API.
    func start() throws {
        try startCoordinator("coordinator-1")
        try startCoordinator("coordinator-2")
        try start("worker-1", ["worker"] + Self.workerArguments)
        try start("worker-2", ["worker"] + Self.workerArguments)
        try start("api", ["serve", "--port", "\(apiPort)", "--log-level", "warning"])
    }

    /// Starts (or starts again) the coordinator `name` under a fresh lease id, as a new process would get.
    func startCoordinator(_ name: String) throws {
        let id = "chaos-\(name)-\(generation.add(1, ordering: .relaxed).newValue)"
        try start(name, ["coordinator", "run", "--id", id] + Self.coordinatorArguments)
    }

    /// Starts `name` with `arguments`, replacing a process of that name that ended.
    func start(_ name: String, _ arguments: [String]) throws {
        let pid = try spawn(name, arguments)
        running.withLock { $0[name] = (pid, arguments) }
    }

    /// Starts `name` again with the arguments it last had.
    func restart(_ name: String) throws {
        if name.hasPrefix("coordinator") { return try startCoordinator(name) }
        guard let arguments = running.withLock({ $0[name]?.arguments }) else { throw ChaosFailure("no process \(name) to restart") }
        try start(name, arguments)
    }

    /// Kills `name` with SIGKILL and reaps it.
    func kill9(_ name: String) async {
        guard let pid = running.withLock({ $0[name]?.pid }) else { return }
        kill(pid, SIGKILL)
        _ = await Self.exitStatus(of: pid)
    }

    /// Sends `signal` to `name`.
    func signal(_ name: String, _ signal: Int32) {
        if let pid = running.withLock({ $0[name]?.pid }) { kill(pid, signal) }
    }

    /// The process name of the coordinator holding `leaseID`.
    func coordinatorName(leaseID: String) -> String? {
        let parts = leaseID.split(separator: "-")
        guard parts.count == 4, parts[0] == "chaos" else { return nil }
        return "\(parts[1])-\(parts[2])"
    }

    /// Stops every process: SIGTERM, then SIGKILL to any still running 10 s later. Returns the
    /// names of those that had ended before they were told to: no fault may end a process of ours.
    @discardableResult
    func stop() async -> [String] {
        let processes = running.withLock { running in
            defer { running = [:] }
            return running
        }
        let ended = processes.filter { Self.reaped($0.value.pid) }.keys.sorted()
        let pids = processes.values.map(\.pid)
        for pid in pids { kill(pid, SIGCONT) }
        for pid in pids { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(10)
        for pid in pids {
            while !Self.reaped(pid) {
                if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return ended
    }

    /// Removes the processes' logs.
    func removeLogs() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The end of `name`'s output, for a failure's message.
    func tail(of name: String) -> String {
        let text = (try? String(contentsOfFile: "\(folder)/\(name).log", encoding: .utf8)) ?? ""
        return String(text.suffix(2_000))
    }

    private func spawn(_ name: String, _ arguments: [String]) throws -> pid_t {
        let pid = try ProcessSpawner.spawn(executable, arguments, outputPath: "\(folder)/\(name).log", environment: environment)
        // A bench killed itself leaves no process behind: the watchdog ends the child when the
        // bench has gone, and ends itself when the child has.
        let watchdog = "while kill -0 \(getpid()) 2>/dev/null && kill -0 \(pid) 2>/dev/null; do sleep 1; done; kill -9 \(pid) 2>/dev/null"
        _ = try ProcessSpawner.spawn("/bin/sh", ["-c", watchdog], outputPath: "/dev/null", ownSession: true)
        return pid
    }

    private static func reaped(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result == -1 && errno == ECHILD)
    }

    /// Waits for `pid` to end; its exit code, or -1 when a signal ended it.
    static func exitStatus(of pid: pid_t) async -> Int32 {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1 }
            if result == -1 && errno != EINTR { return -1 }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Why a chaos run failed, or what it found wrong.
struct ChaosFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
