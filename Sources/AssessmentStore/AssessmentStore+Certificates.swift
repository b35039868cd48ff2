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

/// A certificate as the bureau's register lists it.
public struct CertificateListing: Sendable {
    public let number: String
    public let application: Int64
    public let round: Int64
    /// What it says (the holder's name in full: the register is the bureau's).
    public let content: CertificateContent
    public let revokedAt: Date?
}

extension AssessmentStore {
    /// Certificates by number, a page after `after`; those of one round when `round` is given.
    public func certificates(round: Int64?, after: String?, limit: Int, on connection: PostgresConnection) async throws -> [CertificateListing] {
        var listings: [CertificateListing] = []
        for try await (number, application, roundID, content, revokedAt) in try await connection.query(
            """
            SELECT c.number, c.application_id, p.round_id, c.content::text, c.revoked_at
            FROM certificates c JOIN applications p ON p.id = c.application_id
            WHERE (\(round)::bigint IS NULL OR p.round_id = \(round)) AND (\(after)::text IS NULL OR c.number > \(after))
            ORDER BY c.number LIMIT \(limit)
            """, logger: logger
        ).decode((String, Int64, Int64, String, Date?).self) {
            listings.append(
                CertificateListing(
                    number: number, application: application, round: roundID, content: try Self.decode(CertificateContent.self, content),
                    revokedAt: revokedAt))
        }
        return listings
    }

    /// Issues the certificate of a passed application, numbered and signed; a second call for the
    /// same application returns the first certificate's number and writes nothing. A rehearsal's
    /// certificate says so in its signed content and its number (`R-…`), and draws on sequences of
    /// its own, so it never takes a real certificate's number.
    public func issueCertificate(
        application: Int64, issuedOn: CalendarDate, rehearsal: Bool, signer: BureauSigner, on connection: PostgresConnection
    ) async throws -> String {
        let numbers = try await issueCertificates(
            applications: [application], issuedOn: issuedOn, rehearsal: rehearsal, signer: signer, on: connection)
        guard let number = numbers[application] else { throw StoreError.noApplication(application) }
        return number
    }

    /// `issueCertificate` for many applications in a few statements, however many there are: each
    /// sequence is drawn on once for all the numbers it gives, and the certificates, the holders'
    /// records, the notifications and the audit entries are each written in one statement. Returns
    /// every application's certificate number, those issued before included; refuses the whole
    /// batch when one of them did not pass.
    public func issueCertificates(
        applications ids: [Int64], issuedOn: CalendarDate, rehearsal: Bool, signer: BureauSigner, on connection: PostgresConnection
    ) async throws -> [Int64: String] {
        var numbers: [Int64: String] = [:]
        var pending: [(id: Int64, applicant: Int64, round: Int64, target: ApplicationTarget, examYear: Int?, name: String, masked: String)] = []
        for try await (id, applicant, round, target, examYear, state, passed, name, masked, existing) in try await connection.query(
            """
            SELECT p.id, p.applicant_id, p.round_id, p.target::text, p.exam_year::int, p.state, p.passed, a.name, a.document_masked, c.number
            FROM applications p JOIN applicants a ON a.id = p.applicant_id LEFT JOIN certificates c ON c.application_id = p.id
            WHERE p.id = ANY(\(ids)) ORDER BY p.id
            """, logger: logger
        ).decode((Int64, Int64, Int64, String, Int?, String, Bool?, String, String, String?).self) {
            if let existing {
                numbers[id] = existing
                continue
            }
            guard state == ApplicationState.decided.rawValue, passed == true else {
                throw StoreError(
                    .wrongState, "application \(id) did not pass; only passed results get certificates", zh: "申请\(id)未通过；只有通过的结果才发证书")
            }
            pending.append((id, applicant, round, try Self.decode(ApplicationTarget.self, target), examYear, name, masked))
        }
        if let missing = ids.first(where: { id in numbers[id] == nil && !pending.contains { $0.id == id } }) {
            throw StoreError.noApplication(missing)
        }
        guard !pending.isEmpty else { return numbers }

        // A skills certificate names the site of the sitting that decided it and each part's result.
        let sittings = try await decidingSittings(
            of: pending.filter { if case .skill = $0.target { true } else { false } }.map(\.id), on: connection)
        // One draw per sequence, in the order the applications come: numbers follow application ids.
        var numbering: [(prefix: String, number: @Sendable (Int) throws -> String)] = []
        var skillCodes: [String: SkillCodes] = [:]
        for application in pending {
            let site = sittings[application.id]?.site
            let codesKey = "\(application.round):\(site ?? "")"
            if case .skill = application.target, skillCodes[codesKey] == nil {
                skillCodes[codesKey] = try await self.skillCodes(round: application.round, site: site, on: connection)
            }
            let (realPrefix, makeNumber) = try Self.numbering(
                of: application.target, year: issuedOn.year, codes: skillCodes[codesKey], signer: signer)
            numbering.append(((rehearsal ? "rehearsal:" : "") + realPrefix, makeNumber))
        }
        var nextSequence: [String: Int] = [:]
        for prefix in numbering.map(\.prefix).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            let count = numbering.count { $0.prefix == prefix }
            guard
                let last = try await first(
                    """
                    INSERT INTO certificate_sequences (prefix, last) VALUES (\(prefix), \(count))
                    ON CONFLICT (prefix) DO UPDATE SET last = certificate_sequences.last + \(count)
                    RETURNING last
                    """, as: Int.self, on: connection)
            else { throw StoreError(.wrongState, "no certificate sequence for \(prefix)", zh: "没有\(prefix)的证书流水号") }
            nextSequence[prefix] = last - count + 1
        }

        var contents: [CertificateContent] = []
        var signatures: [String] = []
        for (application, (prefix, makeNumber)) in zip(pending, numbering) {
            let sequence = nextSequence[prefix, default: 1]
            nextSequence[prefix] = sequence + 1
            let number: String
            do {
                number = (rehearsal ? "R-" : "") + (try makeNumber(sequence))
            } catch let error as CertificateError {
                throw StoreError(.invalidInput, error)
            }
            let content = CertificateContent(
                number: number, holderName: application.name, holderDocumentMasked: application.masked,
                wording: CertificateWording(application.target, examYear: application.examYear, parts: sittings[application.id]?.parts ?? []),
                issuer: signer.issuer, issuedOn: issuedOn,
                rehearsal: rehearsal)
            contents.append(content)
            signatures.append(Self.hex(try CertificateSigning.sign(content, with: signer.privateKey)))
            numbers[application.id] = number
        }
        let issued = contents.map(\.number)
        try await connection.query(
            """
            INSERT INTO signing_keys (id, public_key) VALUES (\(signer.keyID), \(ByteBuffer(bytes: signer.privateKey.publicKey.rawRepresentation)))
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO certificates (number, application_id, content, signature, key_id)
            SELECT c.number, c.application, c.content::jsonb, decode(c.signature, 'hex'), \(signer.keyID)
            FROM unnest(\(issued)::text[], \(pending.map(\.id))::bigint[], \(try contents.map(Self.json))::text[], \(signatures)::text[])
                 AS c(number, application, content, signature)
            """, logger: logger)
        // What is issued is held: the holder's record shows it, and later applications build on it.
        // A rehearsal's certificate qualifies nobody, so it changes no record.
        if !rehearsal {
            try await amendProfiles(of: pending.map(\.applicant), on: connection) { profiles in
                for (application, number) in zip(pending, issued) {
                    profiles[application.applicant]?.hold(application.target, obtained: issuedOn, certificateNumber: number)
                }
            }
        }
        try await Outbox.owe(
            .certificateIssued,
            notices: zip(pending, issued).map { application, number in
                (subject: Subject.certificate(number), recipient: Recipient.applicant(application.applicant), payload: ["number": number])
            },
            on: connection, logger: logger)
        try await AuditLog.append(
            actor: .bureau(officer: nil), actions: Array(repeating: "issue certificate", count: issued.count),
            subjects: issued.map(Subject.certificate),
            details: try pending.map { String(decoding: try JSONEncoder.sorted.encode(["application": "\($0.id)"]), as: UTF8.self) },
            on: connection, logger: logger)
        return numbers
    }

    /// The codes a skills certificate's number is made of: those filed for the issuing institution
    /// and the assessment site: the deciding sitting's, else the round's.
    private struct SkillCodes {
        let evaluator: SkillsCertificateNumber.EvaluatorType
        let kind: String
        let agency: String
        let province: String
        let site: String
    }

    private func skillCodes(round: Int64, site: String?, on connection: PostgresConnection) async throws -> SkillCodes {
        guard
            let (kind, agency, province, site) = try await first(
                """
                SELECT i.kind, i.agency_code, i.province_code, coalesce(\(site), r.site) FROM rounds r JOIN institutions i ON i.id = r.institution_id
                WHERE r.id = \(round)
                """, as: (String, String, String, String?).self, on: connection),
            let site
        else { throw StoreError(.invalidStoredData, "round \(round) names no assessment site for its certificates") }
        let evaluator = try Self.stored(InstitutionProfile.Kind.self, kind, "the issuing institution's kind").evaluator
        return SkillCodes(evaluator: evaluator, kind: kind, agency: agency, province: province, site: site)
    }

    /// The sequence a certificate number draws on and how the number is made from it: a title's
    /// from the bureau's code, a skills certificate's from its round's `codes`.
    private static func numbering(of target: ApplicationTarget, year: Int, codes: SkillCodes?, signer: BureauSigner) throws
        -> (prefix: String, number: @Sendable (Int) throws -> String)
    {
        switch target {
        case .title(let code, _, _):
            let bureau = signer.bureauCode
            return (
                "title:\(bureau):\(code):\(year)",
                { try TitleCertificateNumber(bureauCode: bureau, series: code, year: year, sequence: $0).description }
            )
        case .skill(_, let level, _):
            guard let codes else { throw StoreError(.invalidStoredData, "a skills certificate needs its round's codes") }
            return (
                "skill:\(codes.kind):\(codes.agency):\(codes.province):\(codes.site):\(year):\(level.rawValue)",
                {
                    try SkillsCertificateNumber(
                        evaluator: codes.evaluator, agencyCode: codes.agency, provinceCode: codes.province, siteNumber: codes.site,
                        year: year, level: level, sequence: $0
                    ).description
                }
            )
        }
    }

    /// How many passed results of a round (those `sitting` decided, when named) have their
    /// certificate, of how many: the issuing jobs' progress.
    public func certificateProgress(round: Int64, sitting: Int64?, on connection: PostgresConnection) async throws -> (issued: Int, owed: Int) {
        guard
            let counts = try await first(
                """
                SELECT count(c.number)::int, count(*)::int FROM applications p LEFT JOIN certificates c ON c.application_id = p.id
                WHERE p.round_id = \(round) AND p.state = 'decided' AND p.passed
                  AND (\(sitting)::bigint IS NULL OR EXISTS (SELECT 1 FROM sitting_results r WHERE r.application_id = p.id AND r.sitting_id = \(sitting)))
                """, as: (Int, Int).self, on: connection)
        else { return (0, 0) }
        return (counts.0, counts.1)
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

    /// The number of the certificate issued for an application, if one was.
    public func certificateNumber(application: Int64, on connection: PostgresConnection) async throws -> String? {
        try await first("SELECT number FROM certificates WHERE application_id = \(application)", as: String.self, on: connection)
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
        try await amendProfiles(of: [applicant], on: connection) { profiles in
            if var profile = profiles[applicant] {
                change(&profile)
                profiles[applicant] = profile
            }
        }
    }

    /// `amendProfile` for many applicants in two statements; the rows are locked in id order, so
    /// that two batches cannot deadlock.
    func amendProfiles(of applicants: [Int64], on connection: PostgresConnection, _ change: (inout [Int64: Applicant]) -> Void) async throws {
        var profiles: [Int64: Applicant] = [:]
        for try await (id, stored) in try await connection.query(
            "SELECT id, profile::text FROM applicants WHERE id = ANY(\(applicants)) ORDER BY id FOR UPDATE", logger: logger
        ).decode((Int64, String).self) {
            profiles[id] = try Self.decode(Applicant.self, stored)
        }
        if let missing = applicants.first(where: { profiles[$0] == nil }) {
            throw StoreError.noApplicant(missing)
        }
        change(&profiles)
        let ids = profiles.keys.sorted()
        try await connection.query(
            """
            UPDATE applicants a SET profile = c.profile::jsonb
            FROM unnest(\(ids)::bigint[], \(try ids.map { try Self.json(profiles[$0]!) })::text[]) AS c(id, profile)
            WHERE a.id = c.id
            """, logger: logger)
    }
}
