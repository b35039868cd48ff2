import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What the HR bureau does: file institutions, confirm finalized rounds and revoke certificates.
extension Workflow {
    /// The bureau files an institution.
    public func fileInstitution(id: String, profile: InstitutionProfile) async throws {
        try await transaction { try await store.addInstitution(id: id, profile: profile, on: $0) }
    }

    /// The bureau replaces an institution's profile.
    public func updateInstitution(id: String, profile: InstitutionProfile) async throws {
        try await transaction { try await store.updateInstitution(id: id, profile: profile, on: $0) }
    }

    /// An institution's profile.
    public func institution(_ id: String) async throws -> InstitutionProfile {
        try await transaction { try await store.institution(id, on: $0) }
    }

    /// Institutions by id, a page after `after`.
    public func institutions(after: String?, limit: Int) async throws -> [(id: String, profile: InstitutionProfile)] {
        try await transaction { try await store.institutions(after: after, limit: limit, on: $0) }
    }

    /// The bureau confirms (files) a finalized round; certificates are issued by jobs.
    public func confirmRound(_ id: Int64, by officer: String) async throws {
        try await transaction { connection in
            let round = try await store.round(id, lock: true, on: connection)
            try await store.advance(round, to: .confirmed, actor: .bureau(officer: officer), on: connection)
            try await store.recordConfirmation(round: id, officer: officer, on: connection)
            try await enqueue(IssueCertificates(round: id, after: 0), once: .round(id), step: "after:0", queue: Self.signingQueueName, on: connection)
        }
    }

    /// The bureau revokes a certificate on its grounds; a job records it, bars a fraud's holder
    /// from titles and tells the holder.
    public func revokeCertificate(number: String, grounds: RevocationGrounds, reason: String) async throws {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(trimmed.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 1,000 characters", zh: "请写明理由，1 至 1000 个字符", field: "reason")
        }
        try await transaction { connection in
            guard try await store.certificate(number: number, on: connection) != nil else {
                throw StoreError(.notFound, "no certificate has the number \(number)", zh: "没有编号为\(number)的证书")
            }
            try await enqueue(
                RevokeCertificate(number: number, reason: trimmed, grounds: grounds), once: .certificate(number), on: connection)
        }
    }
}
