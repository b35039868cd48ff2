import Foundation

/// Starts programs with posix_spawn: stdin from /dev/null, stdout and stderr into a file.
/// (Foundation's Process did not reap `runuser` reliably here, and a pipe stays open for as
/// long as any grandchild, such as a server, inherits it.)
public enum ProcessSpawner {
    /// Starts `executable` and returns its pid; `environment` replaces the inherited one when given.
    /// With `ownSession`, the child leads a session of its own, so that a signal to this process's
    /// group (a terminal's Ctrl-C, a supervisor killing the group) does not reach it.
    public static func spawn(
        _ executable: String, _ arguments: [String], outputPath: String, environment: [String: String]? = nil,
        ownSession: Bool = false
    ) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal handling and nothing blocked: this process ignores or blocks signals it
        // handles on a queue of its own, and a child would inherit that. pg_autoctl, whose services
        // stop on SIGINT and SIGTERM, waited for ever on children that ignored both.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | (ownSession ? newSessionFlag : 0)
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours crosses over. A child that kept our sockets (database connections,
        // a listening server) kept them open after we closed them, for as long as it or a process
        // it started lived: a crashed worker's stuck backtracer once held a test run's sockets and
        // every test waiting on a close hung with it.
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift does not
/// import: looked up once, nil on a C library without it.
private let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

#if os(Linux)
    /// glibc's POSIX_SPAWN_SETSID, which Swift does not import (glibc hides it behind _GNU_SOURCE).
    private let newSessionFlag: Int32 = 0x80
#else
    private let newSessionFlag = Int32(POSIX_SPAWN_SETSID)
#endif
