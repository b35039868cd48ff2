import Logging
import PostgresNIO
import Synchronization

/// A connection closed under a statement that postgres-nio never answered.
public struct ConnectionClosedUnanswered: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String {
        "the connection closed under a statement the driver never answered (backend terminated or server gone)"
    }
}

extension PostgresConnection {
    /// Runs `body` on this connection, and ends it with `ConnectionClosedUnanswered` if the connection
    /// closes and `body` has not finished `grace` later.
    ///
    /// postgres-nio 1.33 writes each statement to its channel without a write promise: once the
    /// channel has closed (its backend terminated, the server restarted), the write fails where
    /// nobody hears it and the statement waits for ever. A worker, a coordinator or a bench whose
    /// connection died mid-transaction would hang instead of retrying. The grace lets a statement
    /// that the server did answer with its own error (SQLSTATE 57P01 and the like) surface that
    /// error, which says more. An abandoned body keeps its task, which never ends: a few hundred
    /// bytes per lost connection, against a process that stops.
    public func untilClosed<Result: Sendable>(
        grace: Duration = .milliseconds(500), logger: Logger,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let watch = CloseWatch.of(self)
        return try await abandonable(
            { try await body(self) },
            watch: { abandon in
                let token = watch.add {
                    Task {
                        try? await Task.sleep(for: grace)
                        if abandon(ConnectionClosedUnanswered()) {
                            logger.warning("a statement's connection closed and was never answered; abandoning it")
                        }
                    }
                }
                return { watch.remove(token) }
            })
    }
}

extension PostgresClient {
    /// `withConnection`, ended by `ConnectionClosedUnanswered` if the connection closes under
    /// `body` (see `PostgresConnection.untilClosed`).
    public func withOpenConnection<Result: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { try await $0.untilClosed(logger: logger, body) }
    }
}

/// Who is waiting for a connection to close. A NIO future's callbacks cannot be removed, so one
/// callback per transaction would pile up on a pooled connection for its whole life; this keeps one
/// per connection and a list of waiters that come and go.
private final class CloseWatch: Sendable {
    private struct State {
        var closed = false
        var next: UInt64 = 0
        var waiters: [UInt64: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())
    /// An entry is found by the connection's address, and kept only while that is still the same
    /// connection: an address freed before the close callback ran could be taken by a new
    /// connection, which would then share the old one's watch and see its statements abandoned
    /// when the old one closed (seen once in CI: two tests' statements abandoned in one second).
    /// The entry does not keep its connection alive, which would keep a dropped connection open.
    private struct Entry {
        weak var connection: PostgresConnection?
        let watch: CloseWatch
    }
    private static let watches = Mutex<[ObjectIdentifier: Entry]>([:])

    static func of(_ connection: PostgresConnection) -> CloseWatch {
        let id = ObjectIdentifier(connection)
        let (watch, isNew) = watches.withLock { watches in
            if let entry = watches[id], entry.connection === connection { return (entry.watch, false) }
            let watch = CloseWatch()
            watches[id] = Entry(connection: connection, watch: watch)
            return (watch, true)
        }
        if isNew {
            // Registered outside the lock: a future already complete runs its callback at once.
            connection.closeFuture.whenComplete { _ in
                watches.withLock { if $0[id]?.watch === watch { $0[id] = nil } }
                watch.fire()
            }
        }
        return watch
    }

    /// Adds `action` to run when the connection closes, at once if it has.
    func add(_ action: @escaping @Sendable () -> Void) -> UInt64 {
        let token: UInt64? = state.withLock { state in
            if state.closed { return nil }
            state.next += 1
            state.waiters[state.next] = action
            return state.next
        }
        guard let token else {
            action()
            return 0
        }
        return token
    }

    func remove(_ token: UInt64) {
        _ = state.withLock { $0.waiters.removeValue(forKey: token) }
    }

    private func fire() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter() }
    }
}

extension PostgresClient {
    /// One statement on a pooled connection, its rows read in full, ended as a lost connection if
    /// the connection closes under it. `query` alone waits for ever when the pool hands out a
    /// connection just as it closes, which a restart or a failover does to every connection at
    /// once (see `untilClosed`): a worker's heartbeat stuck so was rescued as dead.
    @discardableResult
    public func guardedQuery(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withOpenConnection(logger: logger) { try await $0.query(query, logger: logger).collect() }
    }
}

extension Array where Element == PostgresRow {
    /// Each row's one column, decoded.
    public func decode<Column: PostgresDecodable>(_ column: Column.Type, file: String = #fileID, line: Int = #line) throws -> [Column] {
        try map { try $0.decode(column, file: file, line: line) }
    }

    /// Each row's columns, decoded.
    public func decode<each Column: PostgresDecodable>(
        _ columns: (repeat each Column).Type, file: String = #fileID, line: Int = #line
    ) throws -> [(repeat each Column)] {
        try map { try $0.decode(columns, file: file, line: line) }
    }
}
