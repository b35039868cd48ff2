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
    private static let watches = Mutex<[ObjectIdentifier: CloseWatch]>([:])

    static func of(_ connection: PostgresConnection) -> CloseWatch {
        let id = ObjectIdentifier(connection)
        let (watch, isNew) = watches.withLock { watches in
            if let watch = watches[id] { return (watch, false) }
            let watch = CloseWatch()
            watches[id] = watch
            return (watch, true)
        }
        if isNew {
            // Registered outside the lock: a future already complete runs its callback at once.
            connection.closeFuture.whenComplete { _ in
                watches.withLock { if $0[id] === watch { $0[id] = nil } }
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
