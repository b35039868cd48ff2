import Assessment
import AssessmentStore
import Foundation
import PostgresNIO

/// Applicants' sign-in: document and password, throttled as OWASP advises against guessing and
/// against locking people out.
///
/// - At most `perAccountAndClient` wrong passwords for one account from one client address per
///   `window`: a guesser is stopped, while the holder, on another address, still signs in.
/// - At most `perAccount` for one account from all addresses per `slowWindow`: a slower back-off
///   against guessing spread over many addresses.
/// - At most `perClient` for one address over all accounts per `window`: against spraying one
///   common password across many accounts.
///
/// Every attempt first reserves its place: the counts and the new failure row are written in one
/// transaction that holds a transaction-scoped advisory lock per account and per address, so 20
/// concurrent wrong passwords check at most 5 and the rest get 429. A correct password removes its
/// reserved row. Unknown documents cost the same time and count the same, so neither timing nor
/// answers tell which documents are registered.
struct SignIn: Sendable {
    static let perAccountAndClient = 5
    static let perAccount = 50
    static let perClient = 20
    static let window: Duration = .seconds(900)
    static let slowWindow: Duration = .seconds(3_600)

    let workflow: Workflow
    var store: AssessmentStore { workflow.store }

    /// The applicant with this document and password; `address` is the caller's, for the limits.
    func verify(kind: IdentityDocument.Kind, number: String, issuingCountry: String?, password: String, address: String) async throws -> Int64 {
        let key = store.documentKey(kind: kind, number: number, issuingCountry: issuingCountry)
        let attempt = try await reserveAttempt(key: key, address: address)
        let row = try await workflow.client.withOpenConnection(logger: workflow.logger) { connection in
            try await store.passwordHash(kind: kind, number: number, issuingCountry: issuingCountry, on: connection)
        }
        let matches: Bool
        if let row {
            matches = await PasswordHash.verify(password, against: row.hash)
        } else {
            await PasswordHash.burn(password, rounds: workflow.passwordRounds)
            matches = false
        }
        guard let row, matches else { throw StoreError(.unauthenticated, "the document or the password is wrong", zh: "证件或密码有误") }
        try await workflow.client.withOpenConnection(logger: workflow.logger) { connection in
            try await store.clearSignInFailures(attempt: attempt, key: key, address: address, on: connection)
        }
        return row.applicant
    }

    /// Counts the failures that limit this attempt and, if none is exhausted, writes the attempt
    /// as a failure until its password proves right; returns its row id.
    private func reserveAttempt(key: [UInt8], address: String) async throws -> Int64 {
        // A refusal is returned, not thrown: the transaction would wrap a thrown refusal.
        let reserved = try await workflow.client.transaction(logger: workflow.logger) { connection -> Result<Int64, StoreError> in
            let counts = try await store.lockAndCountSignInFailures(
                key: key, address: address, window: Self.window,
                slowWindow: Self.slowWindow, on: connection)
            if counts.accountFromAddress >= Self.perAccountAndClient {
                return .failure(
                    Self.tooMany(
                        LocalizedText(zh: "此账户从您的地址登录失败次数过多", en: "too many failed sign-ins for this account from your address"),
                        retryAfter: Self.window))
            }
            if counts.account >= Self.perAccount {
                return .failure(
                    Self.tooMany(LocalizedText(zh: "此账户登录失败次数过多", en: "too many failed sign-ins for this account"), retryAfter: Self.slowWindow))
            }
            if counts.address >= Self.perClient {
                return .failure(
                    Self.tooMany(LocalizedText(zh: "您的地址登录失败次数过多", en: "too many failed sign-ins from your address"), retryAfter: Self.window))
            }
            return .success(try await store.recordSignInAttempt(key: key, address: address, on: connection))
        }
        return try reserved.get()
    }

    /// A 429 that says when to try again: a window's length at most, since failures age out of it.
    static func tooMany(_ what: LocalizedText, retryAfter: Duration) -> StoreError {
        let minutes = retryAfter.components.seconds / 60
        return StoreError(
            .tooMany, "\(what.en); try again in \(minutes) minutes at the latest", zh: "\(what.zh)；请最迟 \(minutes) 分钟后再试",
            retryAfter: retryAfter)
    }
}
