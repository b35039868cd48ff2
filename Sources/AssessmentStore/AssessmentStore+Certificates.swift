import Assessment
import Crypto
import Foundation
import PostgresNIO

/// A stored certificate, for look-up and verification.
public struct CertificateRecord: Sendable {
    /// What it says.
    public let content: CertificateContent
    /// The bureau's signature over the content's canonical bytes.
    public let signature: [UInt8]
    /// The bureau's public key that signed it.
    public let publicKey: Curve25519.Signing.PublicKey
    /// In force or revoked.
    public let status: CertificateStatus

    /// The signature check, then the revocation status.
    public var verdict: CertificateSigning.Verdict {
        CertificateSigning.verify(content, signature: signature, publicKey: publicKey, status: status)
    }
}

extension AssessmentStore {
    /// Issues the certificate of a passed application, numbered and signed; a second call for the
    /// same application returns the first certificate's number and writes nothing. A rehearsal's
    /// certificate says so in its signed content and its number (`R-…`), and draws on sequences of
    /// its own, so it never takes a real certificate's number.
    public func issueCertificate(
        application: Int64, issuedOn: CalendarDate, rehearsal: Bool, signer: BureauSigner, on connection: PostgresConnection
    ) async throws -> String {
        if let existing = try await first(
            "SELECT number FROM certificates WHERE application_id = \(application)", as: String.self, on: connection)
        {
            return existing
        }
        let record = try await self.application(application, on: connection)
        guard record.state == .decided, record.passed == true else {
            throw StoreError(.wrongState, "application \(application) did not pass; only passed results get certificates")
        }
        let holder = try await applicant(record.applicantID, on: connection)
        let (realPrefix, qualification, level, makeNumber) = describe(record.target, year: issuedOn.year, signer: signer)
        let prefix = rehearsal ? "rehearsal:" + realPrefix : realPrefix
        guard
            let sequence = try await first(
                """
                INSERT INTO certificate_sequences (prefix, last) VALUES (\(prefix), 1)
                ON CONFLICT (prefix) DO UPDATE SET last = certificate_sequences.last + 1
                RETURNING last
                """, as: Int.self, on: connection)
        else { throw StoreError(.wrongState, "no certificate sequence for \(prefix)") }
        let number: String
        do {
            number = (rehearsal ? "R-" : "") + (try makeNumber(sequence))
        } catch let error as CertificateError {
            throw StoreError(.invalidInput, error.message)
        }
        let content = CertificateContent(
            number: number, holderName: holder.name, holderDocumentMasked: holder.documentMasked,
            qualification: qualification, level: level, issuer: signer.issuer, issuedOn: issuedOn, rehearsal: rehearsal)
        let signature = try CertificateSigning.sign(content, with: signer.privateKey)
        try await connection.query(
            """
            INSERT INTO signing_keys (id, public_key) VALUES (\(signer.keyID), \(ByteBuffer(bytes: signer.privateKey.publicKey.rawRepresentation)))
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO certificates (number, application_id, content, signature, key_id)
            VALUES (\(number), \(application), \(try Self.json(content))::jsonb, \(ByteBuffer(bytes: signature)), \(signer.keyID))
            """, logger: logger)
        try await Outbox.owe(
            .certificateIssued, about: .certificate(number), to: .applicant(record.applicantID),
            payload: ["number": number], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "issue certificate", subject: .certificate(number),
            detail: ["application": "\(application)"], on: connection, logger: logger)
        return number
    }

    private func describe(_ target: ApplicationTarget, year: Int, signer: BureauSigner)
        -> (prefix: String, qualification: String, level: String, number: (Int) throws -> String)
    {
        switch target {
        case .title(let code, let grade, let specialty):
            let series = TitleSeries.named(code)
            let title = series?.titleName(grade, specialty: specialty) ?? "\(code) \(grade)"
            return (
                "title:\(signer.bureauCode):\(code):\(year)", title, "\(grade)",
                { sequence in
                    try TitleCertificateNumber(bureauCode: signer.bureauCode, series: code, year: year, sequence: sequence).description
                }
            )
        case .skill(let code, let level, let direction):
            let occupation = Occupation.named(code)
            let (agency, province, site) = ("0001", "31", "000001")
            return (
                "skill:\(agency):\(province):\(site):\(year):\(level.rawValue)",
                "\(occupation?.chineseName ?? code) (\(direction))", "level \(level.rawValue)",
                { sequence in
                    try SkillsCertificateNumber(
                        evaluator: .socialOrganisation, agencyCode: agency, provinceCode: province,
                        siteNumber: site, year: year, level: level, sequence: sequence
                    ).description
                }
            )
        }
    }

    /// Revokes a certificate with a reason; revoking it again changes nothing and returns false.
    public func revokeCertificate(number: String, reason: String, on connection: PostgresConnection) async throws -> Bool {
        guard
            let (application, revoked) = try await first(
                """
                SELECT application_id, revoked_at IS NOT NULL FROM certificates WHERE number = \(number) FOR UPDATE
                """, as: (Int64, Bool).self, on: connection)
        else { throw StoreError(.notFound, "no certificate has the number \(number)") }
        guard !revoked else { return false }
        try await connection.query(
            """
            UPDATE certificates SET revoked_at = now(), revocation_reason = \(reason) WHERE number = \(number)
            """, logger: logger)
        let applicant = try await self.application(application, on: connection).applicantID
        try await Outbox.owe(
            .certificateRevoked, about: .certificate(number), to: .applicant(applicant),
            payload: ["number": number], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "revoke certificate", subject: .certificate(number),
            detail: ["reason": reason], on: connection, logger: logger)
        return true
    }

    /// A certificate by number, with what verification needs; nil when none has that number.
    public func certificate(number: String, on connection: PostgresConnection) async throws -> CertificateRecord? {
        guard
            let (content, signature, publicKey, revokedAt, reason) = try await first(
                """
                SELECT c.content::text, c.signature, k.public_key, c.revoked_at::date::text, c.revocation_reason
                FROM certificates c JOIN signing_keys k ON k.id = c.key_id WHERE c.number = \(number)
                """, as: (String, ByteBuffer, ByteBuffer, String?, String?).self, on: connection)
        else { return nil }
        let status: CertificateStatus = if let revokedAt { .revoked(reason: reason ?? "", on: try .column(revokedAt)) } else { .valid }
        return CertificateRecord(
            content: try Self.decode(CertificateContent.self, content), signature: Array(signature.readableBytesView),
            publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: Array(publicKey.readableBytesView)),
            status: status)
    }
}
