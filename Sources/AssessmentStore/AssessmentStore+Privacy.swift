import Assessment
import Foundation
import PostgresNIO

/// One consent as recorded: which notice, what for, when.
public struct ConsentRecord: Sendable, Equatable {
    /// The notice version.
    public let noticeVersion: Int
    /// What was consented to.
    public let purpose: PrivacyConsent.Purpose
    /// When.
    public let givenAt: Date
}

extension AssessmentStore {
    /// Records a consent (refused unless it is to the notice in force and complete), each purpose
    /// on its own row; giving the same again changes nothing. The audit log keeps the version.
    public func recordConsent(_ consent: PrivacyConsent, applicant: Int64, on connection: PostgresConnection) async throws {
        do {
            try consent.check()
        } catch {
            throw StoreError(.invalidInput, error, field: "consent")
        }
        let purposes = consent.purposes.map(\.rawValue).sorted()
        try await connection.query(
            """
            INSERT INTO privacy_consents (applicant_id, notice_version, purpose)
            SELECT \(applicant), \(consent.noticeVersion), p FROM unnest(\(purposes)) AS p
            ON CONFLICT (applicant_id, notice_version, purpose) DO NOTHING
            """, logger: logger)
        try await AuditLog.append(
            actor: .applicant(applicant), action: "consent", subject: .applicant(applicant),
            detail: ["notice": "\(consent.noticeVersion)", "purposes": purposes.joined(separator: ",")], on: connection, logger: logger)
    }

    /// An applicant's consents, oldest first.
    public func consents(of applicant: Int64, on connection: PostgresConnection) async throws -> [ConsentRecord] {
        var records: [ConsentRecord] = []
        for try await (version, purpose, at) in try await connection.query(
            "SELECT notice_version, purpose, given_at FROM privacy_consents WHERE applicant_id = \(applicant) ORDER BY given_at, id",
            logger: logger
        ).decode((Int, String, Date).self) {
            guard let purpose = PrivacyConsent.Purpose(rawValue: purpose) else { continue }
            records.append(ConsentRecord(noticeVersion: version, purpose: purpose, givenAt: at))
        }
        return records
    }
}
