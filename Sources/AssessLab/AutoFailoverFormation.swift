import Foundation
import Logging
import PostgresNIO
import PostgresSupport

/// A highly available PostgreSQL on this machine, as pg_auto_failover runs one: a monitor, a primary
/// and a synchronous standby, each a server on a port of its own, each kept by a `pg_autoctl run`
/// of the postgres user. `perform failover` swaps the two under load; a watchdog stops everything
/// and removes the folder when the bench ends, killed or not.
final class AutoFailoverFormation: Sendable {
    /// The nodes' ports, in the order the URL names them (the first starts as the primary).
    let nodePorts: [Int]
    private let monitorPort: Int
    private let folder: String
    private let runAsPostgresUser: Bool
    private let environment: [String: String]
    private let autoctl: String
    /// Ends every keeper and server of the formation and removes its folder unless it is kept:
    /// what a killed bench's watchdog runs, and `stop()` after the keepers' own stop. `[p]g_autoctl`
    /// so that pkill's pattern does not match this script's own command line, as `pg_autoctl` did:
    /// the watchdog ended itself there and left every formation's folder behind.
    private let teardown: String

    /// Creates the monitor and two nodes and returns once one is the primary and the other its
    /// synchronous standby. `maxConnections` is set before the first node starts, so the standby,
    /// copied from it, has as many.
    static func start(maxConnections: Int, logger: Logger) async throws -> AutoFailoverFormation {
        let formation = try AutoFailoverFormation()
        try await formation.create(maxConnections: maxConnections, logger: logger)
        return formation
    }

    private init() throws {
        autoctl = ["/usr/bin/pg_autoctl", "/usr/local/bin/pg_autoctl"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
        guard !autoctl.isEmpty else {
            throw ChaosFailure(
                "pg_auto_failover is not installed: ops/install-deps --tests installs it "
                    + "(apt-get install postgresql-<version>-auto-failover pg-auto-failover-cli)")
        }
        let binaries = try LocalPostgres.serverProgramsFolder()
        runAsPostgresUser = getuid() == 0
        // The postgres user must reach the folder, which a root TMPDIR such as /root/tmp would not allow.
        let base = runAsPostgresUser ? "/tmp" : FileManager.default.temporaryDirectory.path
        folder = base + "/assess-failover-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if runAsPostgresUser { try Self.runToEnd("/bin/chown", ["postgres:postgres", folder]) }
        monitorPort = try freeLoopbackPort()
        nodePorts = [try freeLoopbackPort(), try freeLoopbackPort()]
        // pg_autoctl keeps its configuration and state under the XDG folders: inside ours, so that
        // nothing outlives the formation and two benches never share a node's files.
        environment = [
            "PATH": "\(binaries):/usr/bin:/bin", "PG_CONFIG": "\(binaries)/pg_config",
            "XDG_CONFIG_HOME": "\(folder)/config", "XDG_DATA_HOME": "\(folder)/share", "XDG_RUNTIME_DIR": "\(folder)/run",
        ]
        // The keepers run in sessions of their own, whose ids they add to `groups`: a killed bench's
        // watchdog ends each group (pg_autoctl and the server it supervises), any keeper started
        // but not yet recorded (by its command line), then any server left.
        let asPostgres = runAsPostgresUser ? "runuser -u postgres -- " : ""
        let stops = (["monitor"] + nodePorts.indices.map { "node\($0 + 1)" }).map { [folder] name in
            "\(asPostgres)\(binaries)/pg_ctl -D '\(folder)/\(name)' -m immediate -w stop >/dev/null 2>&1"
        }
        teardown = """
            [ -d '\(folder)' ] || exit 0
            for group in $(cat '\(folder)/groups' 2>/dev/null); do kill -TERM -- -$group 2>/dev/null; done
            pkill -TERM -f '[p]g_autoctl .*\(folder)' 2>/dev/null && sleep 3
            for group in $(cat '\(folder)/groups' 2>/dev/null); do kill -KILL -- -$group 2>/dev/null; done
            pkill -KILL -f '[p]g_autoctl .*\(folder)' 2>/dev/null
            \(stops.joined(separator: "; ")); [ -f '\(folder)/keep' ] || rm -rf '\(folder)'
            """
        let watchdog = """
            while kill -0 \(getpid()) 2>/dev/null && [ -d '\(folder)' ]; do sleep 1; done
            \(teardown)
            """
        _ = try ProcessSpawner.spawn("/bin/sh", ["-c", watchdog], outputPath: "/dev/null", ownSession: true)
    }

    /// The formation's URL for `database`: both nodes, as libpq would name them.
    func url(database: String) throws -> DatabaseURL {
        try DatabaseURL("postgres://postgres@\(nodePorts.map { "127.0.0.1:\($0)" }.joined(separator: ","))/\(database)?sslmode=disable")
    }

    /// Swaps primary and standby as `pg_autoctl perform failover` does (the primary drains and is
    /// demoted, the standby promoted), and returns once the monitor has both nodes settled again.
    func performFailover(logger: Logger) async throws {
        try await autoctl(["perform", "failover", "--pgdata", "\(folder)/monitor", "--wait", "60"], log: "failover")
        try await waitSettled(logger: logger)
    }

    /// Keeps the folder (the servers' data and logs) past the bench, to find out what happened;
    /// returns its path.
    func keepFiles() -> String {
        _ = FileManager.default.createFile(atPath: "\(folder)/keep", contents: nil)
        return folder
    }

    /// Stops the nodes and the monitor and removes the folder (about 150 MB), unless it is kept;
    /// the teardown waits for each server to be gone first.
    func stop() {
        for name in ["node2", "node1", "monitor"] {
            let (program, arguments) = commandLine(autoctl, ["stop", "--pgdata", "\(folder)/\(name)", "--immediate"])
            try? Self.runToEnd(program, arguments, environment: environment)
        }
        try? Self.runToEnd("/bin/sh", ["-c", teardown])
    }

    private func create(maxConnections: Int, logger: Logger) async throws {
        try await autoctl(
            [
                "create", "monitor", "--pgdata", "\(folder)/monitor", "--pgport", "\(monitorPort)", "--hostname", "127.0.0.1", "--auth", "trust",
                "--no-ssl",
            ],
            log: "monitor-create")
        try keep(["run", "--pgdata", "\(folder)/monitor"], log: "monitor")
        // The first node's cluster is made here, so that its settings (and its standby's, copied
        // from it) are ours; pg_autoctl takes an existing data folder over.
        let binaries = try LocalPostgres.serverProgramsFolder()
        try await runAsPostgres(
            "\(binaries)/initdb", ["-D", "\(folder)/node1", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"], log: "initdb")
        let conf = "\(folder)/node1/postgresql.auto.conf"
        let existing = try String(contentsOfFile: conf, encoding: .utf8)
        try (existing + "max_connections=\(maxConnections)\nlog_min_messages=warning\n").write(toFile: conf, atomically: false, encoding: .utf8)
        let monitor = "postgres://autoctl_node@127.0.0.1:\(monitorPort)/pg_auto_failover?sslmode=disable"
        for (index, port) in nodePorts.enumerated() {
            try keep(
                [
                    "create", "postgres", "--pgdata", "\(folder)/node\(index + 1)", "--pgport", "\(port)", "--hostname", "127.0.0.1",
                    "--auth", "trust", "--no-ssl", "--monitor", monitor, "--run",
                ], log: "node\(index + 1)")
            if index == 0 {
                try await waitFor("the first node to run alone", logger: logger) { try await $0.nodes(in: ["single"]) == 1 }
            }
        }
        try await waitSettled(logger: logger)
    }

    /// Until one node is the primary and the other its standby, as both report and the monitor wants.
    private func waitSettled(logger: Logger) async throws {
        try await waitFor("a primary and its standby", logger: logger) { try await $0.nodes(in: ["primary", "secondary"]) == 2 }
    }

    private func waitFor(_ what: String, logger: Logger, _ condition: (AutoFailoverFormation) async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if (try? await condition(self)) == true { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw ChaosFailure("pg_auto_failover: no \(what) within 120 s; its logs are in \(folder)")
    }

    /// Nodes whose reported and wanted states agree and are one of `states`, as the monitor has them.
    private func nodes(in states: [String]) async throws -> Int {
        var configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: monitorPort, username: "postgres", password: nil, database: "pg_auto_failover", tls: .disable)
        configuration.options.connectTimeout = .seconds(2)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: Logger(label: "assess.bench.monitor"))
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query(
            "SELECT count(*)::int FROM pgautofailover.node WHERE reportedstate::text = goalstate::text AND goalstate::text = ANY(\(states))",
            logger: Logger(label: "assess.bench.monitor"))
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Runs pg_autoctl to its end; its output goes to `log`.
    private func autoctl(_ arguments: [String], log: String) async throws {
        try await runAsPostgres(autoctl, arguments, log: log)
    }

    /// Starts a long-running pg_autoctl in a session of its own, recorded for the watchdog.
    private func keep(_ arguments: [String], log: String) throws {
        let (program, all) = commandLine(autoctl, arguments)
        let pid = try ProcessSpawner.spawn(program, all, outputPath: "\(folder)/\(log).log", environment: environment, ownSession: true)
        let groups = "\(folder)/groups"
        let known = (try? String(contentsOfFile: groups, encoding: .utf8)) ?? ""
        try (known + "\(pid)\n").write(toFile: groups, atomically: true, encoding: .utf8)
    }

    private func runAsPostgres(_ executable: String, _ arguments: [String], log: String) async throws {
        let (program, all) = commandLine(executable, arguments)
        let pid = try ProcessSpawner.spawn(program, all, outputPath: "\(folder)/\(log).log", environment: environment)
        guard await ChaosDeployment.exitStatus(of: pid) == 0 else {
            let output = (try? String(contentsOfFile: "\(folder)/\(log).log", encoding: .utf8)) ?? ""
            throw ChaosFailure(
                "pg_auto_failover: \((executable as NSString).lastPathComponent) \(arguments.prefix(2).joined(separator: " ")) failed: \(output.suffix(1_500))"
            )
        }
    }

    /// As the postgres user when this runs as root (the servers refuse root), its environment
    /// passed explicitly: runuser does not carry every variable across.
    private func commandLine(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard runAsPostgresUser else { return (executable, arguments) }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/env"] + assignments + [executable] + arguments)
    }

    private static func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let pid = try ProcessSpawner.spawn(executable, arguments, outputPath: "/dev/null", environment: environment)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
