import Synchronization

/// Runs `operation` in a task of its own and returns its outcome, unless `watch`'s `abandon` is
/// called first: then the operation is cancelled and left to end on its own, and the error given
/// to `abandon` is thrown. `watch` arms what may abandon it (a timer, a connection's close) and
/// returns how to disarm that; `abandon` says whether it came first. For database rounds that the
/// driver may never answer: a caller must not wait with them.
public func abandonable<Result: Sendable>(
    _ operation: @escaping @Sendable () async throws -> Result,
    watch: (_ abandon: @escaping @Sendable (any Error) -> Bool) -> @Sendable () -> Void
) async throws -> Result {
    let relay = OneShotRelay<Swift.Result<Result, any Error>>()
    let work = Task {
        do { relay.deliver(.success(try await operation())) } catch { relay.deliver(.failure(error)) }
    }
    let disarm = watch { error in
        guard relay.deliver(.failure(error)) else { return false }
        work.cancel()
        return true
    }
    let result = await withTaskCancellationHandler {
        await relay.wait()
    } onCancel: {
        work.cancel()
    }
    disarm()
    return try result.get()
}

/// The first value delivered, once, to one waiter; later deliveries are ignored.
final class OneShotRelay<Outcome: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Outcome, Never>)
        case delivered(Outcome)
        case consumed
    }

    private let state = Mutex(State.empty)

    init() {}

    /// Delivers an outcome; later deliveries are ignored. Says whether this one was taken.
    @discardableResult
    func deliver(_ outcome: Outcome) -> Bool {
        let (taken, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Outcome, Never>?) in
            switch state {
            case .empty:
                state = .delivered(outcome)
                return (true, nil)
            case .waiting(let continuation):
                state = .consumed
                return (true, continuation)
            case .delivered, .consumed:
                return (false, nil)
            }
        }
        waiter?.resume(returning: outcome)
        return taken
    }

    /// The first outcome delivered.
    func wait() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if case .delivered(let outcome) = state {
                    state = .consumed
                    return .some(outcome)
                }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
