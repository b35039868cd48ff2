import Assessment
import AssessmentStore
import Crypto
import Foundation
import PostgresNIO

/// Who is calling, as their token says: a role and the id it acts for, typed.
public enum Principal: Sendable, Equatable {
    case applicant(Int64)
    case institution(String)
    case reviewer(String)
    /// An officer of the HR bureau.
    case bureau(officer: String)
    /// Someone who runs the deployment: the queue dashboard and nothing of the evaluations.
    case operations(String)

    public enum Role: String, Sendable, CaseIterable {
        case applicant, institution, reviewer, bureau
        /// Runs the queue (`/ops`), without a say in any evaluation.
        case operations = "operator"

        /// Who holds it, in Chinese.
        public var chineseName: String {
            switch self {
            case .applicant: "申请人"
            case .institution: "评价机构"
            case .reviewer: "评审专家"
            case .bureau: "人社部门"
            case .operations: "运维人员"
            }
        }
    }

    /// The principal a token of `role` for `subject` stands for; nil for an applicant token whose
    /// subject is not an applicant id.
    public init?(role: Role, subject: String) {
        switch role {
        case .applicant:
            guard let id = Int64(subject) else { return nil }
            self = .applicant(id)
        case .institution: self = .institution(subject)
        case .reviewer: self = .reviewer(subject)
        case .bureau: self = .bureau(officer: subject)
        case .operations: self = .operations(subject)
        }
    }

    public var role: Role {
        switch self {
        case .applicant: .applicant
        case .institution: .institution
        case .reviewer: .reviewer
        case .bureau: .bureau
        case .operations: .operations
        }
    }

    /// The id it acts for, as tokens store it.
    public var subject: String {
        switch self {
        case .applicant(let id): String(id)
        case .institution(let id), .reviewer(let id), .operations(let id): id
        case .bureau(let officer): officer
        }
    }

    /// Whom the caller's notifications go to; nil for operators, whom the evaluations tell nothing.
    public var recipient: Recipient? {
        switch self {
        case .applicant(let id): .applicant(id)
        case .institution(let id): .institution(id)
        case .reviewer(let id): .reviewer(id)
        case .bureau: .bureau
        case .operations: nil
        }
    }
}

/// A live token's holder.
public struct Session: Sendable, Equatable {
    /// Who.
    public let principal: Principal
    /// An applicant who has not accepted the privacy notice in force: until they do, they may
    /// read it, accept it and see their consents, nothing else.
    public let consentNeeded: Bool
}

/// Accounts: bearer tokens (256 random bits shown once, stored as their SHA-256), applicants'
/// registration with a password, and sign-in.
extension Workflow {
    /// How long an applicant's session token lives.
    public static let sessionLength: Duration = .seconds(12 * 3_600)

    /// A new token for `role` acting as `subject`.
    public func issueToken(role: Principal.Role, subject: String, validFor: Duration? = nil) async throws -> String {
        try await client.withOpenConnection(logger: logger) { try await issueToken(role: role, subject: subject, validFor: validFor, on: $0) }
    }

    /// A new token, stored on `connection`: inside the caller's transaction when it has one.
    func issueToken(role: Principal.Role, subject: String, validFor: Duration?, on connection: PostgresConnection) async throws -> String {
        let token =
            "ast_"
            + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await store.storeToken(hash: Self.tokenHash(token), role: role.rawValue, subject: subject, validFor: validFor, on: connection)
        return token
    }

    /// Revokes every live token of `subject` in `role` (tokens themselves are not stored, so they
    /// are revoked by whom they act for); returns how many.
    @discardableResult
    public func revokeTokens(role: Principal.Role, subject: String) async throws -> Int {
        try await client.withOpenConnection(logger: logger) { try await store.revokeTokens(role: role.rawValue, subject: subject, on: $0) }
    }

    /// Ends one session: revokes its token alone, the holder's other sessions and tokens stay.
    public func endSession(token: String) async throws {
        _ = try await client.withOpenConnection(logger: logger) { try await store.revokeToken(hash: Self.tokenHash(token), on: $0) }
    }

    /// The principal of a live token, or nil.
    public func principal(forToken token: String) async throws -> Principal? {
        try await session(forToken: token)?.principal
    }

    /// The principal of a live token and whether, being an applicant, they have yet to accept the
    /// notice in force; or nil.
    public func session(forToken token: String) async throws -> Session? {
        let holder = try await client.withOpenConnection(logger: logger) { try await store.tokenHolder(hash: Self.tokenHash(token), on: $0) }
        guard let holder, let role = Principal.Role(rawValue: holder.role), let principal = Principal(role: role, subject: holder.subject) else {
            return nil
        }
        let consentNeeded = role == .applicant && (holder.consentedNotice ?? 0) < PrivacyNotice.current.version
        return Session(principal: principal, consentNeeded: consentNeeded)
    }

    /// An applicant accepts the notice in force (with the consents it needs), from a session that
    /// was asked to.
    public func consent(_ consent: PrivacyConsent, applicant: Int64) async throws {
        try await transaction { try await store.recordConsent(consent, applicant: applicant, on: $0) }
    }

    /// Everything held about an applicant, as JSON for them to keep; the download itself is
    /// recorded, as every request about a person's data is.
    public func personalData(of applicant: Int64) async throws -> String {
        try await transaction { connection in
            guard let data = try await store.personalData(of: applicant, on: connection) else {
                throw StoreError(.notFound, "no applicant has the id \(applicant)", zh: "没有编号为 \(applicant) 的申请人")
            }
            try await AuditLog.append(
                actor: .applicant(applicant), action: "copy personal data", subject: .applicant(applicant), on: connection, logger: logger)
            return data
        }
    }

    /// An applicant asks for their personal data to be deleted: answered at once by
    /// `Erasure.decide`, carried out and recorded in one transaction.
    public func requestErasure(applicant: Int64) async throws -> Erasure.Decision {
        let today = try RoundRecord.today()
        return try await transaction { try await store.erase(applicant: applicant, today: today, on: $0) }
    }

    /// An applicant's requests about their data and their answers, newest first.
    public func privacyRequests(of applicant: Int64) async throws -> [PrivacyRequestRecord] {
        try await client.withOpenConnection(logger: logger) { try await store.privacyRequests(of: applicant, on: $0) }
    }

    /// What an applicant consented to, oldest first.
    public func consents(of applicant: Int64) async throws -> [ConsentRecord] {
        try await client.withOpenConnection(logger: logger) { try await store.consents(of: applicant, on: $0) }
    }

    /// Registers an applicant with a password (hashed off the request threads) and returns their
    /// id and a session token.
    public func registerApplicant(_ registration: ApplicantRegistration, password: String) async throws -> (id: Int64, token: String) {
        let hash = try await PasswordHash.make(password, rounds: passwordRounds)
        // The token is stored in the registration's transaction: an applicant is never registered
        // without the session the reply hands them (a retry would only meet "already registered").
        let (id, token) = try await registerApplicant(registration) { id, connection in
            try await store.setPassword(applicant: id, hash: hash, on: connection)
            return try await issueToken(role: .applicant, subject: String(id), validFor: Self.sessionLength, on: connection)
        }
        return (id, token)
    }

    /// An applicant signs in with their document and password from `address`; returns their id
    /// and a session token, or refuses (401, or 429 once the limits of `SignIn` are reached).
    public func signIn(
        kind: IdentityDocument.Kind, number: String, issuingCountry: String?, password: String, address: String
    ) async throws -> (applicant: Int64, token: String) {
        let applicant = try await SignIn(workflow: self).verify(
            kind: kind, number: number, issuingCountry: issuingCountry,
            password: password, address: address)
        return (applicant, try await issueToken(role: .applicant, subject: String(applicant), validFor: Self.sessionLength))
    }

    static func tokenHash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }
}
