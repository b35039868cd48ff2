import Foundation
import Synchronization

/// A progress line for a long phase: redrawn in place on a terminal; in a log (CI, a pipe) one
/// line per quarter, so the output stays readable.
final class ProgressBar: Sendable {
    private let title: String
    private let total: Int
    private let started = ContinuousClock.now
    private let interactive = isatty(STDOUT_FILENO) == 1
    private let state = Mutex((done: 0, quarter: 0))

    init(_ title: String, total: Int) {
        self.title = title
        self.total = max(1, total)
        draw(0)
    }

    /// Moves to `done` of the total (never backwards).
    func update(_ done: Int) { move { max($0, done) } }

    func advance(by count: Int = 1) { move { $0 + count } }

    private func move(_ next: (Int) -> Int) {
        let (value, report) = state.withLock { state -> (Int, Bool) in
            state.done = min(next(state.done), total)
            let quarter = state.done * 4 / total
            defer { state.quarter = max(state.quarter, quarter) }
            return (state.done, interactive || quarter > state.quarter)
        }
        if report { draw(value) }
    }

    /// Ends the line with the phase's time.
    func finish(_ note: String = "") {
        let done = state.withLock { $0.done }
        let seconds = String(format: "%.1f s", ((ContinuousClock.now - started) / .seconds(1)))
        let line = "\(bar(done)) \(title): \(done)/\(total), \(seconds)\(note.isEmpty ? "" : "; " + note)"
        write(interactive ? "\r\u{1B}[2K" + line + "\n" : line + "\n")
    }

    private func draw(_ done: Int) {
        let line = "\(bar(done)) \(title): \(done)/\(total)"
        write(interactive ? "\r\u{1B}[2K" + line : line + "\n")
    }

    private func bar(_ done: Int) -> String {
        let width = 24
        let filled = done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private func write(_ text: String) { say(text, terminator: "") }
}

/// Prints and flushes at once: the demo's narrative must not sit in a buffer that a child process
/// (the embedded PostgreSQL's helpers) could inherit and write out a second time.
func say(_ text: String = "", terminator: String = "\n") {
    print(text, terminator: terminator)
    fflush(nil)
}
