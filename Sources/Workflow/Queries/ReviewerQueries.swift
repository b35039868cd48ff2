import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What reviewers read back: their open cases, blind.
extension Workflow {
    /// A reviewer's open cases, blind.
    public func openCases(of reviewer: String, after: Int64, limit: Int) async throws -> [BlindCase] {
        try await transaction { try await store.openCases(of: reviewer, after: after, limit: limit, on: $0) }
    }
}
