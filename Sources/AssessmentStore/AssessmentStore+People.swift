import Assessment
import Foundation
import PostgresNIO

/// What an applicant registers with; the identity document is validated before it gets here.
public struct ApplicantRegistration: Sendable {
    /// The name as it will be printed on a certificate.
    public var name: String
    /// The validated identity document.
    public var document: IdentityDocument
    /// The employer; nil for freelancers (they apply through a talent service centre).
    public var employer: String?
    /// What eligibility needs: birth date, education, titles and levels held.
    public var profile: Applicant
    /// What the applicant consented to when registering themselves; nil when an institution
    /// enrols them with consent collected on its own forms, in which case they are asked here at
    /// their first sign-in.
    public var consent: PrivacyConsent?

    /// A registration.
    public init(name: String, document: IdentityDocument, employer: String?, profile: Applicant, consent: PrivacyConsent? = nil) {
        (self.name, self.document, self.employer, self.profile, self.consent) = (name, document, employer, profile, consent)
    }
}

/// A registered applicant, without the identity number.
public struct ApplicantRecord: Sendable {
    /// The applicant's id.
    public let id: Int64
    /// The name.
    public let name: String
    /// The identity document, masked.
    public let documentMasked: String
    /// The employer, if any.
    public let employer: String?
    /// What eligibility needs.
    public let profile: Applicant
}

extension AssessmentStore {

    /// Registers an applicant; refuses a second registration of the same identity document.
    public func registerApplicant(_ registration: ApplicantRegistration, on connection: PostgresConnection) async throws -> Int64 {
        let name = registration.name.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try registration.consent?.check()
        } catch {
            throw StoreError(.invalidInput, error, field: "consent")
        }
        guard (1...100).contains(name.count) else {
            throw StoreError(.invalidInput, "a name needs 1 to 100 characters", zh: "姓名须为 1 至 100 个字符", field: "name")
        }
        let number = registration.document.number
        let today = try await first("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text", as: String.self, on: connection)
        if let today, registration.profile.birthDate.description > today {
            throw StoreError(.invalidInput, "the date of birth lies in the future; correct it", zh: "出生日期晚于今天；请更正", field: "document.birthDate")
        }
        let legacy = IdentityDocument.legacyLookupNames(number: number).map { ByteBuffer(bytes: vault.lookupHash(of: $0)) }
        if try await first("SELECT 1 FROM applicants WHERE document_hash = ANY(\(legacy))", as: Int.self, on: connection) != nil {
            throw StoreError(
                .duplicate, "an applicant with this identity document is already registered; sign in instead", zh: "该证件已注册；请直接登录", field: "document")
        }
        let hash = vault.lookupHash(of: registration.document.lookupName)
        let id = try await first(
            """
            INSERT INTO applicants (name, document_kind, document_hash, document_sealed, document_masked, employer, profile)
            VALUES (\(name), \(registration.document.kind.rawValue), \(ByteBuffer(bytes: hash)), \(ByteBuffer(bytes: try vault.seal(number))),
                    \(registration.document.masked), \(registration.employer), \(try Self.json(registration.profile))::jsonb)
            ON CONFLICT (document_hash) DO NOTHING
            RETURNING id
            """, as: Int64.self, on: connection)
        guard let id else {
            throw StoreError(
                .duplicate, "an applicant with this identity document is already registered; sign in instead", zh: "该证件已注册；请直接登录", field: "document")
        }
        try await AuditLog.append(actor: .applicant(id), action: "register", subject: .applicant(id), on: connection, logger: logger)
        if let consent = registration.consent { try await recordConsent(consent, applicant: id, on: connection) }
        try await Outbox.owe(.registered, about: .applicant(id), to: .applicant(id), on: connection, logger: logger)
        return id
    }

    /// The keyed hash that identifies an identity document without storing it: the look-up key
    /// of registrations, and of sign-in rate limits.
    public func documentKey(kind: IdentityDocument.Kind, number: String, issuingCountry: String?) -> [UInt8] {
        vault.lookupHash(of: IdentityDocument.lookupName(kind: kind, number: number, issuingCountry: issuingCountry))
    }

    /// The applicant registered with this identity document, if any, also under the look-up name
    /// of registrations made before passports were keyed by country (`legacyLookupNames`).
    public func applicantID(
        kind: IdentityDocument.Kind, number: String, issuingCountry: String?, on connection: PostgresConnection
    ) async throws -> Int64? {
        let (current, legacy) = documentKeys(kind: kind, number: number, issuingCountry: issuingCountry)
        return try await first(
            """
            SELECT id FROM applicants WHERE document_hash = ANY(\([ByteBuffer(bytes: current), ByteBuffer(bytes: legacy)]))
            ORDER BY document_hash = \(ByteBuffer(bytes: current)) DESC LIMIT 1
            """, as: Int64.self, on: connection)
    }

    /// An applicant, or a notFound error.
    public func applicant(_ id: Int64, on connection: PostgresConnection) async throws -> ApplicantRecord {
        let row = try await first(
            """
            SELECT name, document_masked, employer, profile::text FROM applicants WHERE id = \(id)
            """, as: (String, String, String?, String).self, on: connection)
        guard let (name, masked, employer, profile) = row else { throw StoreError.noApplicant(id) }
        return ApplicantRecord(
            id: id, name: name, documentMasked: masked, employer: employer,
            profile: try Self.decode(Applicant.self, profile))
    }

    /// A reviewer declares a conflict with an applicant.
    public func declareConflict(reviewer: String, applicant: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE reviewers SET conflicts = array_append(conflicts, \(applicant))
            WHERE id = \(reviewer) AND NOT \(applicant) = ANY(conflicts)
            """, logger: logger)
    }

    /// An institution's pool for a field: the experts serving today, with what each already
    /// carries in `round` subtracted from their cap; those with no room left are left out.
    public func reviewerPool(institution: String, field: String, round: Int64, cap: Int, on connection: PostgresConnection) async throws -> [Reviewer]
    {
        let rows = try await connection.query(
            """
            SELECT r.id, r.employer, r.employer_code, r.grade::int, r.conflicts, least(r.load_cap, \(cap)) - (
                       SELECT count(*)::int FROM assignments a JOIN applications p ON p.id = a.application_id
                       WHERE a.reviewer_id = r.id AND p.round_id = \(round) AND a.state <> 'replaced')
            FROM reviewers r
            WHERE r.institution_id = \(institution) AND \(field) = ANY(r.fields) AND \(unescaped: Self.serving)
            ORDER BY r.id
            """, logger: logger)
        var pool: [Reviewer] = []
        for try await (id, employer, code, grade, conflicts, room) in rows.decode((String, String?, String?, Int?, [Int64], Int).self) where room > 0
        {
            pool.append(
                Reviewer(
                    id: ReviewerID(id), fields: [field], employer: employer, employerCode: code.flatMap(CreditCode.init),
                    grade: grade.flatMap(TitleGrade.init(rawValue:)),
                    declaredConflicts: Set(conflicts.map(String.init)), loadCap: room))
        }
        return pool
    }
}
