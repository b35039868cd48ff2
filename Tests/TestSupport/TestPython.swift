import Foundation
import PostgresSupport

/// The Python of the virtual environment `ops/install-deps` makes, with the PyPI libraries the
/// tests check against (standardwebhooks, openpyxl): what a receiver or a spreadsheet program
/// would use, not our own reading of our own output.
public enum TestPython {
    public static let path = ".build/test-venv/bin/python"

    /// Runs `script` with `arguments` on a thread of its own (see `runBlocking`); returns its
    /// standard output and exit status.
    public static func run(_ script: String, arguments: [String]) async throws -> (output: Data, status: Int32) {
        try await runBlocking { try runWaiting(script, arguments: arguments) }
    }

    private static func runWaiting(_ script: String, arguments: [String]) throws -> (output: Data, status: Int32) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(description: "\(path) is missing: run ops/install-deps, which installs the PyPI libraries the tests use")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (data, process.terminationStatus)
    }
}

extension TestPython {
    /// Runs the script file at `file` (relative to the package) without blocking a thread of the
    /// caller's while it runs: a browser script drives a server of the same process. Returns its
    /// standard output and error together, and its exit status.
    public static func run(file: String, arguments: [String], environment: [String: String] = [:]) async throws -> (output: String, status: Int32) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(description: "\(path) is missing: run ops/install-deps, which installs the PyPI libraries the tests use")
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [file] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        (process.standardOutput, process.standardError) = (handle, handle)
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try handle.close()
        return (String(decoding: try Data(contentsOf: log), as: UTF8.self), status)
    }
}
