import Synchronization

/// Hands a result to the task waiting for a database round, or the deadline's error.
typealias DeadlineRelay<Value: Sendable> = OneShotRelay<Result<Value, any Error>>

/// The first value delivered, once, to one waiter; later deliveries are ignored.
final class OneShotRelay<Outcome: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Outcome, Never>)
        case delivered(Outcome)
        case consumed
    }

    private let state = Mutex(State.empty)

    /// Delivers an outcome; later deliveries are ignored.
    func deliver(_ outcome: Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            switch state {
            case .empty:
                state = .delivered(outcome)
                return nil
            case .waiting(let continuation):
                state = .consumed
                return continuation
            case .delivered, .consumed:
                return nil
            }
        }
        waiter?.resume(returning: outcome)
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
