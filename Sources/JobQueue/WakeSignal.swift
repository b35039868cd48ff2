import Synchronization

/// Wakes one waiting loop. A signal given while nobody waits is kept, so it is never lost.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal, at once if one is pending, or when the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await suspend(resumingIfCancelled: true)
        } onCancel: {
            signal()
        }
    }

    /// Returns at the next signal or after `limit`, whichever comes first; without a limit, as `wait()`.
    func wait(atMost limit: Duration?) async {
        guard let limit else { return await wait() }
        await withTaskGroup(of: Void.self) { race in
            race.addTask { await self.wait() }
            race.addTask { try? await Task.sleep(for: limit) }
            await race.next()
            race.cancelAll()
        }
    }

    /// Returns at the next signal, at once if one is pending, whether or not the task is
    /// cancelled: for a wait that must outlast a cancellation, such as a pool's drain.
    func waitIgnoringCancellation() async {
        await suspend(resumingIfCancelled: false)
    }

    private func suspend(resumingIfCancelled: Bool) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.pending || (resumingIfCancelled && Task.isCancelled) {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
