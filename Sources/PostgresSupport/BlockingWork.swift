import Foundation

/// Runs blocking work (a program waited for: initdb, pg_ctl, pg_basebackup, a script) on a thread
/// of its own. On the few threads async tasks share (two on a 2-core machine) it would hold up
/// every other task of the process meanwhile: two such calls at once stall a whole test run.
public func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
