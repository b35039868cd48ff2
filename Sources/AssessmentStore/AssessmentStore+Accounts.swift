import Assessment
import Foundation
import PostgresNIO

/// Recent failed sign-ins that limit one attempt.
public struct SignInFailureCounts: Sendable {
    /// For this account from this client address, within the short window.
    public let accountFromAddress: Int
    /// For this account from anywhere, within the long window.
    public let account: Int
    /// From this address over all accounts, within the short window.
    public let address: Int
}

/// Accounts: bearer tokens, applicants' passwords and the failures that throttle sign-in, in a
/// caller's transaction.
extension AssessmentStore {
    /// Stores an applicant's password hash (scrypt; never the password).
    public func setPassword(applicant: Int64, hash: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO applicant_passwords (applicant_id, hash) VALUES (\(applicant), \(hash))
            ON CONFLICT (applicant_id) DO UPDATE SET hash = excluded.hash, updated_at = now()
            """, logger: logger)
    }

    /// The applicant with this document and their password hash, if registered.
    public func passwordHash(
        kind: IdentityDocument.Kind, number: String, issuingCountry: String?, on connection: PostgresConnection
    ) async throws -> (applicant: Int64, hash: String)? {
        guard let id = try await applicantID(kind: kind, number: number, issuingCountry: issuingCountry, on: connection) else { return nil }
        return try await first("SELECT hash FROM applicant_passwords WHERE applicant_id = \(id)", as: String.self, on: connection)
            .map { (id, $0) }
    }

    /// Takes transaction-scoped locks on the account (`key`) and the address, then counts their
    /// recent failures: concurrent attempts on either are counted one after another.
    public func lockAndCountSignInFailures(
        key: [UInt8], address: String, window: Duration, slowWindow: Duration, on connection: PostgresConnection
    ) async throws -> SignInFailureCounts {
        let key = ByteBuffer(bytes: key)
        let (short, long) = (Double(window.components.seconds), Double(slowWindow.components.seconds))
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(encode(\(key), 'hex'), 1)),
                   pg_advisory_xact_lock(hashtextextended(\(address), 2))
            """, logger: logger)
        let counts =
            try await first(
                """
                WITH recent AS (
                    SELECT key, client, at FROM sign_in_failures
                    WHERE (key = \(key) OR client = \(address)) AND at > now() - make_interval(secs => \(long))
                )
                SELECT count(*) FILTER (WHERE key = \(key) AND client = \(address) AND at > now() - make_interval(secs => \(short)))::int,
                       count(*) FILTER (WHERE key = \(key))::int,
                       count(*) FILTER (WHERE client = \(address) AND at > now() - make_interval(secs => \(short)))::int
                FROM recent
                """, as: (Int, Int, Int).self, on: connection) ?? (0, 0, 0)
        return SignInFailureCounts(accountFromAddress: counts.0, account: counts.1, address: counts.2)
    }

    /// Writes an attempt as a failure until its password proves right (and forgets day-old ones).
    public func recordSignInAttempt(key: [UInt8], address: String, on connection: PostgresConnection) async throws -> Int64 {
        let key = ByteBuffer(bytes: key)
        guard
            let id = try await first(
                """
                WITH old AS (DELETE FROM sign_in_failures WHERE (key = \(key) OR client = \(address)) AND at < now() - interval '1 day')
                INSERT INTO sign_in_failures (key, client) VALUES (\(key), \(address)) RETURNING id
                """, as: Int64.self, on: connection)
        else { throw StoreError(.wrongState, "the sign-in could not be recorded; try again", zh: "登录未能记录；请重试") }
        return id
    }

    /// The holder is in: this attempt and the address's earlier failures on the account no longer count.
    public func clearSignInFailures(attempt: Int64, key: [UInt8], address: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            DELETE FROM sign_in_failures WHERE id = \(attempt) OR (key = \(ByteBuffer(bytes: key)) AND client = \(address))
            """, logger: logger)
    }

    /// Stores a new bearer token by its SHA-256 (the token itself is shown once and never kept).
    public func storeToken(hash: [UInt8], role: String, subject: String, validFor: Duration?, on connection: PostgresConnection) async throws {
        let seconds = validFor.map { Double($0.components.seconds) }
        try await connection.query(
            """
            INSERT INTO api_tokens (token_hash, role, subject, expires_at)
            VALUES (\(ByteBuffer(bytes: hash)), \(role), \(subject), now() + make_interval(secs => \(seconds)))
            """, logger: logger)
    }

    /// Revokes every live token of `subject` in `role`; returns how many.
    public func revokeTokens(role: String, subject: String, on connection: PostgresConnection) async throws -> Int {
        try await count(
            """
            WITH revoked AS (
                UPDATE api_tokens SET revoked_at = now() WHERE role = \(role) AND subject = \(subject) AND revoked_at IS NULL RETURNING 1
            )
            SELECT count(*)::int FROM revoked
            """, on: connection)
    }

    /// Revokes one token by its SHA-256 (a console session signing out); false if it was not live.
    public func revokeToken(hash: [UInt8], on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH revoked AS (
                UPDATE api_tokens SET revoked_at = now() WHERE token_hash = \(ByteBuffer(bytes: hash)) AND revoked_at IS NULL RETURNING 1
            )
            SELECT count(*)::int FROM revoked
            """, on: connection) == 1
    }

    /// The role and subject of a live token, by its SHA-256, or nil.
    public func tokenHolder(hash: [UInt8], on connection: PostgresConnection) async throws -> TokenHolder? {
        try await first(
            """
            SELECT t.role, t.subject,
                   CASE WHEN t.role = 'applicant' THEN (
                       SELECT max(v.notice_version) FROM (
                           SELECT c.notice_version FROM privacy_consents c WHERE c.applicant_id = t.subject::bigint
                           GROUP BY c.notice_version HAVING count(*) = \(PrivacyConsent.Purpose.allCases.count)) v)
                   END
            FROM api_tokens t
            WHERE t.token_hash = \(ByteBuffer(bytes: hash)) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
            """, as: (String, String, Int?).self, on: connection
        ).map { TokenHolder(role: $0.0, subject: $0.1, consentedNotice: $0.2) }
    }
}

/// Whom a live token stands for.
public struct TokenHolder: Sendable {
    /// The role, as stored.
    public let role: String
    /// The id it acts for.
    public let subject: String
    /// For an applicant: the newest notice version they gave every consent under, or nil.
    public let consentedNotice: Int?
}
