import Synchronization

/// The first value delivered, once, to one waiter; later deliveries are ignored. What a database
/// round abandoned at a deadline or a closed connection waits on: whichever answers first.
public final class OneShotRelay<Outcome: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Outcome, Never>)
        case delivered(Outcome)
        case consumed
    }

    private let state = Mutex(State.empty)

    public init() {}

    /// Delivers an outcome; later deliveries are ignored. Says whether this one was taken.
    @discardableResult
    public func deliver(_ outcome: Outcome) -> Bool {
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
    public func wait() async -> Outcome {
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
