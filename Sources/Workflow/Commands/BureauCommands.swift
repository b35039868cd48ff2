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

    /// The certificates issued, by number, a page after `after`; those of one round when given.
    public func certificates(round: Int64?, after: String?, limit: Int) async throws -> [CertificateListing] {
        try await transaction { try await store.certificates(round: round, after: after, limit: limit, on: $0) }
    }

    /// The bureau confirms (files) a finalized round, every sitting of it included; certificates
    /// are issued by jobs.
    public func confirmRound(_ id: Int64, by officer: String) async throws {
        try await transaction { connection in
            try await confirm(try await store.round(id, lock: true, on: connection), by: officer, on: connection)
        }
    }

    /// The bureau confirms one sitting of a finalized skills round: its passed candidates get their
    /// certificates now; the round is confirmed with the last sitting that holds a passed result.
    public func confirmSitting(_ id: Int64, by officer: String) async throws {
        try await transaction { connection in
            let sitting = try await store.sitting(id, lock: true, on: connection)
            let round = try await store.round(sitting.roundID, lock: true, on: connection)
            guard round.state == .finalized else {
                throw StoreError(
                    .wrongState, "round \(round.id) is \(round.state.rawValue); its sittings are confirmed once its results are final",
                    zh: "评审轮次\(round.id)当前为\(round.state.rawValue)；结果确定（finalized）后方可按考场确认")
            }
            guard sitting.state == .seated, try await store.isMarked(sitting: id, on: connection) else {
                throw StoreError(.wrongState, "sitting \(id) took place with no result; nothing to confirm", zh: "考场安排\(id)没有考试结果，无需确认")
            }
            guard try await store.confirmSitting(id, officer: officer, on: connection) else {
                throw StoreError(.duplicate, "sitting \(id) is confirmed already", zh: "考场安排\(id)已确认")
            }
            try await AuditLog.append(
                actor: .bureau(officer: officer), action: "confirm sitting", subject: .sitting(id), on: connection, logger: logger)
            if try await store.passedOutsideConfirmedSittings(round: round.id, on: connection) == 0 {
                try await confirm(round, by: officer, on: connection)
            } else {
                try await enqueue(
                    IssueCertificates(round: round.id, after: 0, sitting: id), once: .sitting(id), step: "after:0", queue: Self.signingQueueName,
                    on: connection)
            }
        }
    }

    private func confirm(_ round: RoundRecord, by officer: String, on connection: PostgresConnection) async throws {
        try await store.advance(round, to: .confirmed, actor: .bureau(officer: officer), on: connection)
        try await store.recordConfirmation(round: round.id, officer: officer, on: connection)
        try await store.confirmSittings(round: round.id, officer: officer, on: connection)
        try await enqueue(
            IssueCertificates(round: round.id, after: 0), once: .round(round.id), step: "after:0", queue: Self.signingQueueName, on: connection)
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
