import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What anyone may read.
extension Workflow {
    /// A certificate with its verification, for the public look-up.
    public func certificate(number: String) async throws -> CertificateRecord? {
        try await client.withConnection { try await store.certificate(number: number, on: $0) }
    }
}
