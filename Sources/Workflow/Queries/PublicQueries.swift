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

    /// The bureau's public keys, by id, for offline verification.
    public func bureauKeys() async throws -> [(id: String, publicKey: [UInt8])] {
        try await client.withConnection { try await store.signingKeys(on: $0) }
    }
}
