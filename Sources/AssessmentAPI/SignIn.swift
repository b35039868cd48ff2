import Assessment
import AssessmentStore
import Foundation
import Hummingbird
import Logging
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
    static let sessionLength: Duration = .seconds(12 * 3_600)

    let client: PostgresClient
    let store: AssessmentStore
    let passwordRounds: Int
    let logger: Logger

    /// The applicant with this document and password; `address` is the caller's, for the limits.
    func verify(kind: IdentityDocument.Kind, number: String, issuingCountry: String?, password: String, address: String) async throws -> Int64 {
        let key = ByteBuffer(bytes: store.documentKey(kind: kind, number: number, issuingCountry: issuingCountry))
        let attempt = try await reserveAttempt(key: key, address: address)
        let row = try await client.withConnection { connection -> (Int64, String)? in
            guard let id = try await store.applicantID(kind: kind, number: number, issuingCountry: issuingCountry, on: connection) else {
                return nil
            }
            for try await hash in try await connection.query(
                "SELECT hash FROM applicant_passwords WHERE applicant_id = \(id)", logger: logger).decode(String.self) {
                return (id, hash)
            }
            return nil
        }
        let matches: Bool
        if let (_, hash) = row {
            matches = await PasswordHash.verify(password, against: hash)
        } else {
            await PasswordHash.burn(password, rounds: passwordRounds)
            matches = false
        }
        guard let (id, _) = row, matches else { throw Problem(.unauthorized, "the document or the password is wrong") }
        // The holder is in: this attempt and the address's earlier failures on the account no longer count.
        try await client.query("""
            DELETE FROM sign_in_failures WHERE id = \(attempt) OR (key = \(key) AND client = \(address))
            """, logger: logger)
        return id
    }

    /// Counts the failures that limit this attempt and, if none is exhausted, writes the attempt
    /// as a failure until its password proves right; returns its row id.
    private func reserveAttempt(key: ByteBuffer, address: String) async throws -> Int64 {
        let (window, slow) = (Double(Self.window.components.seconds), Double(Self.slowWindow.components.seconds))
        // A refusal is returned, not thrown: the transaction would wrap a thrown Problem.
        let reserved = try await client.withTransaction(logger: logger) { connection -> Result<Int64, Problem> in
            try await connection.query("""
                SELECT pg_advisory_xact_lock(hashtextextended(encode(\(key), 'hex'), 1)),
                       pg_advisory_xact_lock(hashtextextended(\(address), 2))
                """, logger: logger)
            let counts = try await connection.query("""
                WITH recent AS (
                    SELECT key, client, at FROM sign_in_failures
                    WHERE (key = \(key) OR client = \(address)) AND at > now() - make_interval(secs => \(slow))
                )
                SELECT count(*) FILTER (WHERE key = \(key) AND client = \(address) AND at > now() - make_interval(secs => \(window)))::int,
                       count(*) FILTER (WHERE key = \(key))::int,
                       count(*) FILTER (WHERE client = \(address) AND at > now() - make_interval(secs => \(window)))::int
                FROM recent
                """, logger: logger)
            for try await (mine, account, address) in counts.decode((Int, Int, Int).self) {
                if mine >= Self.perAccountAndClient {
                    return .failure(Self.tooMany("too many failed sign-ins for this account from your address", retryAfter: Self.window))
                }
                if account >= Self.perAccount {
                    return .failure(Self.tooMany("too many failed sign-ins for this account", retryAfter: Self.slowWindow))
                }
                if address >= Self.perClient {
                    return .failure(Self.tooMany("too many failed sign-ins from your address", retryAfter: Self.window))
                }
            }
            let rows = try await connection.query("""
                WITH old AS (DELETE FROM sign_in_failures WHERE (key = \(key) OR client = \(address)) AND at < now() - interval '1 day')
                INSERT INTO sign_in_failures (key, client) VALUES (\(key), \(address)) RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return .success(id) }
            return .failure(Problem(.serviceUnavailable, "the sign-in could not be recorded; try again"))
        }
        return try reserved.get()
    }

    /// A 429 that says when to try again: a window's length at most, since failures age out of it.
    static func tooMany(_ what: String, retryAfter: Duration) -> Problem {
        let seconds = Int(retryAfter.components.seconds)
        var problem = Problem(.tooManyRequests, "\(what); try again in \(seconds / 60) minutes at the latest")
        problem.retryAfterSeconds = seconds
        return problem
    }
}
