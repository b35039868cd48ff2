import PostgresNIO
import Synchronization

/// Lets standalone enqueues that arrive while others are being written share the next statement.
///
/// Why: a standalone enqueue holds a connection until its commit is flushed. When the disk stalls,
/// every enqueue that arrives meanwhile takes one more connection, the pool opens a new backend for
/// each, and after the stall those cold backends' first statements kept the database busy for
/// longer than the stall itself (an injected `fdatasync` stall of about 100 ms delayed jobs by up
/// to 316 ms). With at most `maximumWriters` statements in flight, what arrives meanwhile waits
/// here and goes in one statement when a writer is free; under load that also means fewer round
/// trips and fewer commits.
final class EnqueueCoalescer: Sendable {
    /// Writes the jobs in one statement: one entry per job, in order; nil where a unique key's job
    /// vanished between the insert and its look-up (the rest are committed).
    typealias Write = @Sendable ([NewJob]) async throws -> [EnqueuedJob?]

    /// Thrown by a `Write` when the server refused the statement, so none of it was written:
    /// only then can the callers of a shared statement be written again one by one.
    struct Refused: Error {
        let underlying: any Error
    }

    private struct Waiting {
        let jobs: [NewJob]
        let continuation: CheckedContinuation<[EnqueuedJob], any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writers = 0
    }

    private let state = Mutex(State())
    let maximumWriters: Int
    let maximumRows: Int

    init(maximumWriters: Int, maximumRows: Int) {
        self.maximumWriters = maximumWriters
        self.maximumRows = maximumRows
    }

    /// Enqueues `jobs` (at most `maximumRows`), alone or together with others waiting, and returns
    /// once they are committed. `write` is the same for every caller of one coalescer.
    func enqueue(_ jobs: [NewJob], write: @escaping Write) async throws -> [EnqueuedJob] {
        guard !jobs.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.waiting.append(Waiting(jobs: jobs, continuation: continuation))
                guard state.writers < maximumWriters else { return false }
                state.writers += 1
                return true
            }
            if startsWriter { Task { await self.writeWhileWaiting(write) } }
        }
    }

    /// How many callers wait for a writer; for tests.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    private func writeWhileWaiting(_ write: Write) async {
        while let batch = nextBatch() {
            await writeTogether(batch, write)
        }
    }

    /// The longest run of waiting callers whose jobs fit one statement; nil (and one writer fewer) when none wait.
    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.writers -= 1
                return nil
            }
            var rows = 0
            var taken = 0
            for waiting in state.waiting {
                guard taken == 0 || rows + waiting.jobs.count <= maximumRows else { break }
                rows += waiting.jobs.count
                taken += 1
            }
            defer { state.waiting.removeFirst(taken) }
            return Array(state.waiting.prefix(taken))
        }
    }

    private func writeTogether(_ batch: [Waiting], _ write: Write) async {
        do {
            let written = try await write(batch.flatMap(\.jobs))
            var start = written.startIndex
            for waiting in batch {
                let end = start + waiting.jobs.count
                waiting.continuation.resume(with: Self.outcome(written[start..<end]))
                start = end
            }
        } catch is Refused where batch.count > 1 {
            // Nothing was written; one caller's job may be what the server refused, so each caller
            // is written on its own and only that caller fails.
            for waiting in batch {
                do {
                    waiting.continuation.resume(with: Self.outcome(try await write(waiting.jobs)[...]))
                } catch {
                    waiting.continuation.resume(throwing: Self.unwrapped(error))
                }
            }
        } catch {
            for waiting in batch { waiting.continuation.resume(throwing: Self.unwrapped(error)) }
        }
    }

    private static func outcome(_ written: ArraySlice<EnqueuedJob?>) -> Result<[EnqueuedJob], any Error> {
        let jobs = written.compactMap { $0 }
        guard jobs.count == written.count else {
            return .failure(JobQueueError.uniqueJobRemoved)
        }
        return .success(jobs)
    }

    private static func unwrapped(_ error: any Error) -> any Error {
        (error as? Refused)?.underlying ?? error
    }
}
