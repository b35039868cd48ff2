import Foundation
import PostgresSupport

/// Queries a database with the `psql` program, one short-lived process per query: for tests
/// that restart the server, where an in-process client's request could be cut off and never
/// answered.
public struct Psql: Sendable {
    let executable: String
    let url: String

    /// A reader of `url` using the `psql` of `cluster`'s server programs.
    public init(cluster: LocalPostgres, url: DatabaseURL) {
        executable = cluster.binDirectory + "/psql"
        self.url = url.connectionString
    }

    /// The first column of the first row as text, or "" when there is no row. Throws when psql
    /// fails or takes longer than 15 seconds (it is then killed).
    public func scalar(_ sql: String) async throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("assess-psql-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "3"
        environment["PGOPTIONS"] = "-c statement_timeout=5000"
        let pid = try ProcessSpawner.spawn(
            executable, ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
            outputPath: outputPath, environment: environment)
        let deadline = ContinuousClock.now + .seconds(15)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw TestSetupError(description: "psql took longer than 15 s: \(sql)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard (status & 0x7f) == 0, (status >> 8) & 0xff == 0 else {
            throw TestSetupError(description: "psql failed on \(sql): \(output)")
        }
        return output.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
    }
}
