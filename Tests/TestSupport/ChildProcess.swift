import Foundation
import PostgresSupport

/// A real `assess` process for tests that crash, stop and restart things: started with
/// posix_spawn, its output in a log file, ended with real signals.
public final class ChildProcess: @unchecked Sendable {
    /// The process id.
    public let pid: pid_t
    /// Where its stdout and stderr go.
    public let logPath: String
    /// The exit code, once `waitForExit` saw it exit normally.
    public private(set) var exitCode: Int32?
    /// Once reaped, its pid may belong to another process: no more signals or waits.
    private var reaped = false

    /// Starts the `assess` executable built beside the test bundle with `arguments` and `environment`
    /// added; with `ownSession`, as the leader of its own process group (see `killGroup`).
    public init(assess arguments: [String], environment: [String: String] = [:], ownSession: Bool = false) throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let executable = ProcessInfo.processInfo.environment["ASSESS_BIN"] ?? folder.appendingPathComponent("assess").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestSetupError(description: "no assess executable at \(executable); build it with `swift build` or set ASSESS_BIN")
        }
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("assess-child-\(UUID().uuidString).log").path
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let pid = try ProcessSpawner.spawn(executable, arguments, outputPath: logPath, environment: merged, ownSession: ownSession)
        self.pid = pid
    }

    /// Sends a signal (SIGKILL, SIGSTOP, SIGCONT, SIGTERM).
    public func send(_ signal: Int32) {
        if !reaped { kill(pid, signal) }
    }

    /// Sends a signal to the process's whole group; only for a process started with `ownSession`.
    public func killGroup(_ signal: Int32) { kill(-pid, signal) }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Bool {
        if reaped { return true }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var status: Int32 = 0
        // Checks at least once, so that a zero timeout asks "has it exited?".
        while true {
            if waitpid(pid, &status, WNOHANG) == pid {
                if status & 0x7f == 0 { exitCode = (status >> 8) & 0xff }
                reaped = true
                return true
            }
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Ends the process for good (SIGKILL) and reaps it.
    public func terminate() async {
        send(SIGCONT)
        send(SIGKILL)
        await waitForExit(timeout: .seconds(5))
    }

    /// The process's output so far, for failure messages.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// The processes a test started, all ended when the test's scope ends, whatever happened.
public final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var started: [ChildProcess] = []

    /// Starts an `assess` process that this scope will end.
    public func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        let process = try ChildProcess(assess: arguments, environment: environment)
        lock.withLock { started.append(process) }
        return process
    }

    fileprivate func terminateAll() async {
        for process in lock.withLock({ started }) { await process.terminate() }
    }

    /// Called when the body returned, which a test whose `#expect` failed does too: such a test's
    /// failure message must carry what it needs of `output`. A body that threw keeps the logs.
    fileprivate func removeLogs() {
        for process in lock.withLock({ started }) { try? FileManager.default.removeItem(atPath: process.logPath) }
    }
}

/// Runs `body`, then kills every process it started.
public func withChildProcesses<Result: Sendable>(_ body: (ChildProcesses) async throws -> Result) async throws -> Result {
    let processes = ChildProcesses()
    do {
        let result = try await body(processes)
        await processes.terminateAll()
        processes.removeLogs()
        return result
    } catch {
        await processes.terminateAll()
        throw error
    }
}
