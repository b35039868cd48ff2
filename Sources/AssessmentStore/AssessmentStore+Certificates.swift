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
    /// That key's id.
    public let keyID: String
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
            throw StoreError(
                .wrongState, "application \(application) did not pass; only passed results get certificates", zh: "申请\(application)未通过；只有通过的结果才发证书")
        }
        let holder = try await applicant(record.applicantID, on: connection)
        let (realPrefix, makeNumber) = try await numbering(of: record, year: issuedOn.year, signer: signer, on: connection)
        let prefix = rehearsal ? "rehearsal:" + realPrefix : realPrefix
        guard
            let sequence = try await first(
                """
                INSERT INTO certificate_sequences (prefix, last) VALUES (\(prefix), 1)
                ON CONFLICT (prefix) DO UPDATE SET last = certificate_sequences.last + 1
                RETURNING last
                """, as: Int.self, on: connection)
        else { throw StoreError(.wrongState, "no certificate sequence for \(prefix)", zh: "没有\(prefix)的证书流水号") }
        let number: String
        do {
            number = (rehearsal ? "R-" : "") + (try makeNumber(sequence))
        } catch let error as CertificateError {
            throw StoreError(.invalidInput, error)
        }
        let content = CertificateContent(
            number: number, holderName: holder.name, holderDocumentMasked: holder.documentMasked, wording: CertificateWording(record.target),
            issuer: signer.issuer, issuedOn: issuedOn, rehearsal: rehearsal)
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
        // What is issued is held: the holder's record shows it, and later applications build on it.
        // A rehearsal's certificate qualifies nobody, so it changes no record.
        if !rehearsal {
            try await amendProfile(of: record.applicantID, on: connection) { $0.hold(record.target, obtained: issuedOn, certificateNumber: number) }
        }
        try await Outbox.owe(
            .certificateIssued, about: .certificate(number), to: .applicant(record.applicantID),
            payload: ["number": number], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "issue certificate", subject: .certificate(number),
            detail: ["application": "\(application)"], on: connection, logger: logger)
        return number
    }

    /// The sequence a certificate number draws on and how the number is made from it: a title's
    /// from the bureau's code, a skills certificate's from the codes filed for the issuing
    /// institution and the round's site.
    private func numbering(of record: ApplicationRecord, year: Int, signer: BureauSigner, on connection: PostgresConnection) async throws
        -> (prefix: String, number: @Sendable (Int) throws -> String)
    {
        switch record.target {
        case .title(let code, _, _):
            let bureau = signer.bureauCode
            return (
                "title:\(bureau):\(code):\(year)",
                { try TitleCertificateNumber(bureauCode: bureau, series: code, year: year, sequence: $0).description }
            )
        case .skill(_, let level, _):
            guard
                let (kind, agency, province, site) = try await first(
                    """
                    SELECT i.kind, i.agency_code, i.province_code, r.site FROM rounds r JOIN institutions i ON i.id = r.institution_id
                    WHERE r.id = \(record.roundID)
                    """, as: (String, String, String, String?).self, on: connection),
                let site
            else { throw StoreError(.invalidStoredData, "round \(record.roundID) names no assessment site for its certificates") }
            let evaluator = try Self.stored(InstitutionProfile.Kind.self, kind, "the issuing institution's kind").evaluator
            return (
                "skill:\(kind):\(agency):\(province):\(site):\(year):\(level.rawValue)",
                {
                    try SkillsCertificateNumber(
                        evaluator: evaluator, agencyCode: agency, provinceCode: province, siteNumber: site, year: year, level: level, sequence: $0
                    ).description
                }
            )
        }
    }

    /// Revokes a certificate with its grounds and a reason; one obtained by fraud bars its holder
    /// from title applications for `TitleBar.years`. Revoking it again changes nothing and returns false.
    public func revokeCertificate(
        number: String, grounds: RevocationGrounds, reason: String, on connection: PostgresConnection
    ) async throws -> Bool {
        guard
            let (application, revoked, today) = try await first(
                """
                SELECT application_id, revoked_at IS NOT NULL, (now() AT TIME ZONE \(RoundRecord.defaultTimeZone))::date::text
                FROM certificates WHERE number = \(number) FOR UPDATE
                """, as: (Int64, Bool, String).self, on: connection)
        else { throw StoreError(.notFound, "no certificate has the number \(number)", zh: "没有编号为\(number)的证书") }
        guard !revoked else { return false }
        try await connection.query(
            """
            UPDATE certificates SET revoked_at = now(), revocation_reason = \(reason), revocation_grounds = \(grounds.rawValue)
            WHERE number = \(number)
            """, logger: logger)
        let applicant = try await self.application(application, on: connection).applicantID
        try await amendProfile(of: applicant, on: connection) { $0.relinquish(certificateNumber: number) }
        if grounds == .fraud {
            let until: CalendarDate
            do { until = try TitleBar.lastDay(revokedOn: try .column(today)) } catch { throw StoreError(.invalidStoredData, "\(error)") }
            try await connection.query(
                """
                INSERT INTO title_bars (applicant_id, certificate, until) VALUES (\(applicant), \(number), \(until.description)::date)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        try await Outbox.owe(
            .certificateRevoked, about: .certificate(number), to: .applicant(applicant),
            payload: ["number": number, "grounds": grounds.rawValue], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "revoke certificate", subject: .certificate(number),
            detail: ["grounds": grounds.rawValue, "reason": reason], on: connection, logger: logger)
        return true
    }

    /// The last day of a bar from title applications the applicant is under on `day`, if any.
    public func titleBar(of applicant: Int64, on day: CalendarDate, on connection: PostgresConnection) async throws -> CalendarDate? {
        try await first(
            "SELECT max(until)::text FROM title_bars WHERE applicant_id = \(applicant) AND until >= \(day.description)::date",
            as: String?.self, on: connection
        )?.map(CalendarDate.column)
    }

    /// A certificate by number, with what verification needs; nil when none has that number.
    public func certificate(number: String, on connection: PostgresConnection) async throws -> CertificateRecord? {
        guard
            let (content, signature, publicKey, revokedAt, reason, keyID) = try await first(
                """
                SELECT c.content::text, c.signature, k.public_key, c.revoked_at::date::text, c.revocation_reason, c.key_id
                FROM certificates c JOIN signing_keys k ON k.id = c.key_id WHERE c.number = \(number)
                """, as: (String, ByteBuffer, ByteBuffer, String?, String?, String).self, on: connection)
        else { return nil }
        let status: CertificateStatus = if let revokedAt { .revoked(reason: reason ?? "", on: try .column(revokedAt)) } else { .valid }
        return CertificateRecord(
            content: try Self.decode(CertificateContent.self, content), signature: Array(signature.readableBytesView),
            publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: Array(publicKey.readableBytesView)), keyID: keyID,
            status: status)
    }

    /// Every key the bureau has signed certificates with, by id: what an offline verifier needs
    /// beside a certificate.
    public func signingKeys(on connection: PostgresConnection) async throws -> [(id: String, publicKey: [UInt8])] {
        var keys: [(id: String, publicKey: [UInt8])] = []
        for try await (id, key) in try await connection.query("SELECT id, public_key FROM signing_keys ORDER BY id", logger: logger)
            .decode((String, ByteBuffer).self)
        {
            keys.append((id, Array(key.readableBytesView)))
        }
        return keys
    }
}

extension AssessmentStore {
    /// Changes an applicant's record under its row lock, so that a correction the applicant makes
    /// at the same moment is not lost.
    func amendProfile(of applicant: Int64, on connection: PostgresConnection, _ change: (inout Applicant) -> Void) async throws {
        guard let stored = try await first("SELECT profile::text FROM applicants WHERE id = \(applicant) FOR UPDATE", as: String.self, on: connection)
        else { throw StoreError(.notFound, "no applicant has the id \(applicant)", zh: "没有编号为\(applicant)的申请人") }
        var profile = try Self.decode(Applicant.self, stored)
        change(&profile)
        try await connection.query("UPDATE applicants SET profile = \(try Self.json(profile))::jsonb WHERE id = \(applicant)", logger: logger)
    }
}
