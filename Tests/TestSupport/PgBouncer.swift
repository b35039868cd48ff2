import Foundation
import PostgresNIO
import PostgresSupport

/// A real PgBouncer (Debian's `pgbouncer`) in transaction pooling mode in front of a test
/// database's server, for tests that run the product through it. Removed by `stop`, or by its
/// watchdog when the test process ends.
public final class PgBouncer: Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    private let folder: String
    private let server: DatabaseURL

    /// Starts one in front of `database`'s server and waits until it answers.
    public static func start(inFrontOf database: DatabaseURL) async throws -> PgBouncer {
        let bouncer = try PgBouncer(server: database)
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await bouncer.adminQuery("SHOW VERSION")
                return bouncer
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private init(server: DatabaseURL) throws {
        let executable = "/usr/sbin/pgbouncer"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestSetupError(description: "PgBouncer is not installed: ops/install-deps --tests installs it (apt-get install pgbouncer)")
        }
        self.server = server
        port = try freeLoopbackPort()
        folder = "/tmp/assess-pgbouncer-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        // Trust on loopback, as the test cluster itself does; the admin console for the statistics.
        let configuration = """
            [databases]
            * = host=\(server.endpoints[0].host) port=\(server.endpoints[0].port)
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = trust
            auth_file = \(folder)/users.txt
            admin_users = \(server.user)
            pool_mode = transaction
            max_client_conn = 500
            default_pool_size = 30
            ignore_startup_parameters = extra_float_digits
            pidfile = \(folder)/pgbouncer.pid
            """
        try configuration.write(toFile: "\(folder)/pgbouncer.ini", atomically: true, encoding: .utf8)
        try "\"\(server.user)\" \"\"\n".write(toFile: "\(folder)/users.txt", atomically: true, encoding: .utf8)
        // PgBouncer refuses to run as root: as the postgres user then, as the test cluster runs.
        let (program, arguments) =
            getuid() == 0
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable, "\(folder)/pgbouncer.ini"])
            : (executable, ["\(folder)/pgbouncer.ini"])
        _ = try ProcessSpawner.spawn(program, arguments, outputPath: "\(folder)/pgbouncer.log")
        let watchdog = """
            while kill -0 \(getpid()) 2>/dev/null && [ -d '\(folder)' ]; do sleep 1; done
            [ -f '\(folder)/pgbouncer.pid' ] && kill "$(cat '\(folder)/pgbouncer.pid')" 2>/dev/null; rm -rf '\(folder)'
            """
        _ = try ProcessSpawner.spawn("/bin/sh", ["-c", watchdog], outputPath: "/dev/null", ownSession: true)
    }

    /// `database` reached through this pooler, marked as such (`pgbouncer=true`).
    public func url(for database: DatabaseURL) -> DatabaseURL {
        var url = database
        url.endpoints = [.init(host: "127.0.0.1", port: port)]
        url.transactionPooled = true
        return url
    }

    /// Transactions the pooler has passed to `database` so far (its `SHOW STATS`).
    public func transactions(database: String) async throws -> Int {
        let stats = try await adminQuery("SHOW STATS")
        guard let header = stats.first, let column = header.firstIndex(of: "total_xact_count"),
            let row = stats.dropFirst().first(where: { $0.first == database }), column < row.count, let count = Int(row[column])
        else {
            throw TestSetupError(description: "PgBouncer's SHOW STATS has no row for \(database): \(stats)")
        }
        return count
    }

    /// Stops it and removes its folder.
    public func stop() {
        if let pid = try? String(contentsOfFile: "\(folder)/pgbouncer.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            let number = Int32(pid)
        {
            kill(number, SIGTERM)
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The rows of an admin console command, header first, by `psql` (the console speaks only the
    /// simple protocol, which our client does not use).
    private func adminQuery(_ command: String) async throws -> [[String]] {
        let psql = try Self.psql()
        let outputPath = "\(folder)/psql-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "3"
        let pid = try ProcessSpawner.spawn(
            psql,
            ["-X", "-A", "-F", "\t", "-P", "footer=off", "-h", "127.0.0.1", "-p", "\(port)", "-U", server.user, "-d", "pgbouncer", "-c", command],
            outputPath: outputPath, environment: environment)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid { try await Task.sleep(for: .milliseconds(20)) }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard (status & 0x7f) == 0, (status >> 8) & 0xff == 0 else {
            throw TestSetupError(description: "psql on PgBouncer's console failed: \(output)")
        }
        return output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    private static func psql() throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates = versions.map { "/usr/lib/postgresql/\($0)/bin/psql" } + ["/usr/bin/psql"]
        guard let psql = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestSetupError(description: "no psql found to read PgBouncer's statistics")
        }
        return psql
    }
}
