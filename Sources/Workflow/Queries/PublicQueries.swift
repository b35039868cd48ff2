import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What anyone may read.
extension Workflow {
    /// A certificate with its verification, for the public look-up.
    public func certificate(number: String) async throws -> CertificateRecord? {
        try await client.withOpenConnection(logger: logger) { try await store.certificate(number: number, on: $0) }
    }

    /// The bureau's public keys, by id, for offline verification.
    public func bureauKeys() async throws -> [(id: String, publicKey: [UInt8])] {
        try await client.withOpenConnection(logger: logger) { try await store.signingKeys(on: $0) }
    }

    /// The number of the certificate issued for one of `applicant`'s applications, if one was.
    public func certificateNumber(application id: Int64, of applicant: Int64) async throws -> String? {
        _ = try await application(id, of: applicant)
        return try await client.withOpenConnection(logger: logger) { try await store.certificateNumber(application: id, on: $0) }
    }

    /// Rounds handed to the bureau and not yet confirmed, oldest first.
    public func roundsAwaitingConfirmation(limit: Int = 100) async throws -> [RoundSummary] {
        try await client.withOpenConnection(logger: logger) { try await store.roundsAwaitingConfirmation(limit: limit, on: $0) }
    }
}
