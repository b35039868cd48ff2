import Foundation

/// A throwaway PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 on a free port.
///
/// Serves the tests and the `demo` and `bench` commands when no `DATABASE_URL` is given.
/// A watchdog process stops the cluster and removes its folder when the owning process exits,
/// even when it is killed with SIGKILL, so no stray cluster outlives a crashed test run.
public final class LocalPostgres: Sendable {
    /// How the cluster trades durability for speed.
    public enum Durability: Sendable {
        /// PostgreSQL's defaults: fsync and synchronous commit on. Benchmarks use this.
        case durable
        /// No fsync: for tests, whose data is thrown away anyway.
        case throwaway
    }

    /// The port the cluster listens on, on 127.0.0.1.
    public let port: Int
    /// The cluster's data folder.
    public let dataDirectory: String
    /// The superuser name.
    public let user = "postgres"
    /// The folder of the server programs (initdb, pg_ctl, psql).
    public let binDirectory: String
    private let maxConnections: Int
    private let runAsPostgresUser: Bool

    /// A connection URL for `database` on this cluster.
    public func url(database: String = "postgres") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates and starts a cluster. Throws a `LocalPostgresError` that says what to install when
    /// the PostgreSQL server programs are missing.
    public static func start(durability: Durability = .throwaway, maxConnections: Int = 200) throws -> LocalPostgres {
        try onFreePort(.initdb(durability), maxConnections: maxConnections)
    }

    /// A streaming standby of this cluster (`pg_basebackup`), started on a port of its own: with
    /// `promote` and `restart`, a failover on one machine.
    public func startStandby() throws -> LocalPostgres {
        try Self.onFreePort(.standby(of: self), maxConnections: maxConnections)
    }

    /// Ends recovery: the standby becomes a primary that accepts writes.
    public func promote() throws {
        try runServerProgram("pg_ctl", ["-D", dataDirectory, "-w", "promote"], failure: .startFailed)
    }

    /// Turns TLS on with this certificate and key (PEM), keeping plain connections allowed.
    public func enableTLS(certificatePEM: String, keyPEM: String) throws {
        let files = [("server.crt", certificatePEM, 0o644), ("server.key", keyPEM, 0o600)]
        for (name, text, mode) in files {
            let path = dataDirectory + "/" + name
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            if runAsPostgresUser { try Self.run("/bin/chown", ["postgres:postgres", path]) }
        }
        let confPath = dataDirectory + "/postgresql.auto.conf"
        let existing = try String(contentsOfFile: confPath, encoding: .utf8)
        try (existing + "ssl=on\n").write(toFile: confPath, atomically: false, encoding: .utf8)
        try restart(.fast)
    }

    private enum Origin {
        case initdb(Durability)
        case standby(of: LocalPostgres)
    }

    private static func onFreePort(_ origin: Origin, maxConnections: Int) throws -> LocalPostgres {
        let binDirectory = try serverProgramsFolder()
        let runAsPostgresUser = getuid() == 0
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            do {
                return try LocalPostgres(
                    binDirectory: binDirectory, port: port, origin: origin, maxConnections: maxConnections, runAsPostgresUser: runAsPostgresUser)
            } catch let error as LocalPostgresError where error.code == .startFailed {
                lastError = error  // most likely the port was taken between probing and binding
            }
        }
        throw lastError!
    }

    private init(binDirectory: String, port: Int, origin: Origin, maxConnections: Int, runAsPostgresUser: Bool) throws {
        self.binDirectory = binDirectory
        self.port = port
        self.maxConnections = maxConnections
        self.runAsPostgresUser = runAsPostgresUser
        // The postgres user must reach the folder, which a root TMPDIR such as /root/tmp would not allow.
        let base = runAsPostgresUser ? "/tmp" : FileManager.default.temporaryDirectory.path
        let folder = base + "/assess-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        self.dataDirectory = folder + "/data"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if runAsPostgresUser {
            // initdb refuses to run as root, so the cluster belongs to the postgres user.
            try Self.run("/bin/chown", ["postgres:postgres", folder])
        }
        // Before initdb: a command killed at any moment from here on leaves nothing behind.
        try startWatchdog(folder: folder)
        var settings = [
            "listen_addresses='127.0.0.1'", "port=\(port)", "unix_socket_directories='\(folder)'",
            "max_connections=\(maxConnections)", "shared_buffers=256MB", "log_min_messages=warning",
        ]
        switch origin {
        case .initdb(let durability):
            // A durable cluster starts on disk: left unsynced, initdb's 40 MB are written back by the
            // kernel seconds later, beside a benchmark's commits, and slow their fsyncs (and the NOTIFY
            // lock held across them). It made fewer `bench latency` runs stall; it did not end the stalls.
            try runServerProgram(
                "initdb",
                [
                    "-D", dataDirectory, "-U", user, "--auth=trust", "--encoding=UTF8", "--locale=C",
                ] + (durability == .throwaway ? ["--no-sync"] : []), failure: .initdbFailed)
            if durability == .throwaway {
                settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
            }
        case .standby(let primary):
            // -R writes primary_conninfo and standby.signal; the primary's own settings come along
            // in the copy, and the lines below, appended after them, take precedence.
            try runServerProgram(
                "pg_basebackup",
                ["-D", dataDirectory, "-h", "127.0.0.1", "-p", "\(primary.port)", "-U", user, "-X", "stream", "-R", "--no-sync"],
                failure: .initdbFailed)
        }
        let conf = settings.joined(separator: "\n") + "\n"
        let confPath = dataDirectory + "/postgresql.auto.conf"
        let existing = (try? String(contentsOfFile: confPath, encoding: .utf8)) ?? ""
        try (existing + conf).write(toFile: confPath, atomically: false, encoding: .utf8)

        try runServerProgram(
            "pg_ctl", ["-D", dataDirectory, "-l", folder + "/server.log", "-w", "-t", "60", "start"],
            failure: .startFailed)
    }

    /// Stops the cluster immediately and removes its folder.
    public func stop() {
        try? runServerProgram("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], failure: .startFailed)
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    /// How `restart` stops the server: `fast` rolls back open transactions and closes connections
    /// cleanly; `immediate` kills every backend as a crash would, with recovery at the next start.
    public enum StopMode: String, Sendable {
        case fast, immediate
    }

    /// Restarts the server (same data, same port): lets tests and the chaos bench prove that
    /// clients reconnect.
    public func restart(_ mode: StopMode = .fast) throws {
        try runServerProgram("pg_ctl", ["-D", dataDirectory, "-m", mode.rawValue, "-w", "restart"], failure: .startFailed)
    }

    private func startWatchdog(folder: String) throws {
        let pgctl = binDirectory + "/pg_ctl"
        let stopCommand =
            runAsPostgresUser
            ? "runuser -u postgres -- \(pgctl) -D '\(dataDirectory)' -m immediate -w stop"
            : "\(pgctl) -D '\(dataDirectory)' -m immediate -w stop"
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            if [ -d '\(folder)' ]; then \(stopCommand) >/dev/null 2>&1; rm -rf '\(folder)'; fi
            """
        // Its own session: whatever kills this process's group (kill -9 of a supervisor's group,
        // a timeout) must not take the watchdog along and leave the cluster running.
        _ = try ProcessSpawner.spawn("/bin/sh", ["-c", script], outputPath: "/dev/null", ownSession: true)
    }

    private func runServerProgram(_ name: String, _ arguments: [String], failure: LocalPostgresError.Code) throws {
        let program = binDirectory + "/" + name
        do {
            if runAsPostgresUser {
                try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
            } else {
                try Self.run(program, arguments)
            }
        } catch let error as CommandFailure {
            throw LocalPostgresError(code: failure, detail: "\(name) failed: \(error.output)")
        }
    }

    private struct CommandFailure: Error {
        let output: String
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        // Output goes to a file, not a pipe: the server inherits the descriptors of pg_ctl.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("assess-pg-cmd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(executable, arguments, outputPath: outputPath)
        } catch {
            throw CommandFailure(output: "\(error)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitedCleanly = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        guard exitedCleanly else {
            throw CommandFailure(output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
        }
    }

    /// The folder of the PostgreSQL server programs: `PG_BIN`, else the newest installed version's.
    public static func serverProgramsFolder() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["PG_BIN"] { candidates.append(explicit) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += ["/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"]
        for folder in candidates
        where FileManager.default.isExecutableFile(atPath: folder + "/initdb")
            && FileManager.default.isExecutableFile(atPath: folder + "/pg_ctl")
        {
            return folder
        }
        throw LocalPostgresError(
            code: .serverNotInstalled,
            detail: "no PostgreSQL server programs (initdb, pg_ctl) found. Install them with "
                + "`apt-get install postgresql`, set PG_BIN to their folder, or set DATABASE_URL to an existing database."
        )
    }
}

/// Why a local cluster could not be started.
public struct LocalPostgresError: Error, CustomStringConvertible {
    /// What went wrong, extensible.
    public struct Code: Hashable, Sendable {
        let name: String
        /// The PostgreSQL server programs are not installed.
        public static let serverNotInstalled = Code(name: "serverNotInstalled")
        /// initdb failed.
        public static let initdbFailed = Code(name: "initdbFailed")
        /// The server did not start.
        public static let startFailed = Code(name: "startFailed")
    }

    /// What went wrong.
    public let code: Code
    /// What to do about it.
    public let detail: String

    /// A message for the operator.
    public var description: String { "Local PostgreSQL: \(detail)" }
}

/// A TCP port on 127.0.0.1 that was free a moment ago: whoever binds it next should be ready
/// to try another.
public func freeLoopbackPort() throws -> Int {
    let (fd, port) = try boundLoopbackSocket()
    close(fd)
    return port
}

/// A TCP socket listening on 127.0.0.1 at a port the system chose, and the port.
func listeningLoopbackSocket() throws -> (socket: Int32, port: Int) {
    let (fd, port) = try boundLoopbackSocket()
    guard listen(fd, 128) == 0 else {
        close(fd)
        throw LocalPostgresError(code: .startFailed, detail: "cannot listen on 127.0.0.1:\(port)")
    }
    return (fd, port)
}

private func boundLoopbackSocket() throws -> (socket: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw LocalPostgresError(code: .startFailed, detail: "cannot open a socket") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw LocalPostgresError(code: .startFailed, detail: "cannot find a free port")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
