import Assessment
import AssessmentStore
import Crypto
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Who is calling: a role and the id it acts for.
public struct Principal: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case applicant, institution, reviewer, bureau
    }

    public let role: Role
    public let subject: String
}

/// The request context of the API: the caller, once authenticated.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are small JSON documents; anything larger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller in `role`, or 401 (no or unknown token) / 403 (another role).
    func require(_ role: Principal.Role) throws -> String {
        guard let principal else { throw Problem(.unauthorized, "send `Authorization: Bearer <token>`") }
        guard principal.role == role else { throw Problem(.forbidden, "this route is for \(role.rawValue)s") }
        return principal.subject
    }
}

/// Bearer tokens: 256 random bits shown once, stored as their SHA-256.
public struct APITokens: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A new token for `role` acting as `subject`.
    public func issue(role: Principal.Role, subject: String, validFor: Duration? = nil) async throws -> String {
        let token = "ast_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let seconds = validFor.map { Double($0.components.seconds) }
        try await client.query("""
            INSERT INTO api_tokens (token_hash, role, subject, expires_at)
            VALUES (\(Self.hash(token)), \(role.rawValue), \(subject), now() + make_interval(secs => \(seconds)))
            """, logger: logger)
        return token
    }

    /// Revokes every live token of `subject` in `role` (tokens themselves are not stored, so they
    /// are revoked by whom they act for); returns how many.
    @discardableResult
    public func revoke(role: Principal.Role, subject: String) async throws -> Int {
        for try await count in try await client.query("""
            WITH revoked AS (
                UPDATE api_tokens SET revoked_at = now() WHERE role = \(role.rawValue) AND subject = \(subject) AND revoked_at IS NULL RETURNING 1
            )
            SELECT count(*)::int FROM revoked
            """, logger: logger).decode(Int.self) { return count }
        return 0
    }

    /// The principal of a live token, or nil.
    func principal(for token: String) async throws -> Principal? {
        for try await (role, subject) in try await client.query("""
            SELECT role, subject FROM api_tokens
            WHERE token_hash = \(Self.hash(token)) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """, logger: logger).decode((String, String).self) {
            return Principal.Role(rawValue: role).map { Principal(role: $0, subject: subject) }
        }
        return nil
    }

    static func hash(_ token: String) -> ByteBuffer {
        ByteBuffer(bytes: SHA256.hash(data: Data(token.utf8)))
    }
}

/// Reads the bearer token, if any, into the context; routes decide whether they need one.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let tokens: APITokens

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), header.count < 200,
                  let principal = try await tokens.principal(for: String(header.dropFirst("Bearer ".count))) else {
                throw Problem(.unauthorized, "the bearer token is unknown, expired or revoked")
            }
            context.principal = principal
        }
        return try await next(request, context)
    }
}

/// Turns every error into a problem+json response, and counts requests for /metrics.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let metrics: APIMetrics

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router found no route: if the path is one of ours, the method is what is wrong.
            let allowed = APIServer.methods(forPath: request.uri.path)
            if allowed.isEmpty || allowed.contains(request.method.rawValue) {
                response = try Problem(.notFound, "no such resource").response(from: request, context: context)
            } else {
                var refusal = try Problem(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: " or "))")
                    .response(from: request, context: context)
                refusal.headers[.allow] = allowed.joined(separator: ", ")
                response = refusal
            }
        } catch {
            let problem = Problem.from(error)
            if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            response = try problem.response(from: request, context: context)
        }
        metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(response.status.code),
                       seconds: (ContinuousClock.now - started).seconds)
        return response
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Applicants' sign-in: document and password, at most `allowedFailures` wrong tries per account
/// per `window`; then 429 with Retry-After. Unknown documents cost the same time and count the
/// same, so neither timing nor answers tell which documents are registered.
struct SignIn: Sendable {
    static let allowedFailures = 5
    static let window: Duration = .seconds(900)
    static let sessionLength: Duration = .seconds(12 * 3_600)

    let client: PostgresClient
    let store: AssessmentStore
    let passwordRounds: Int
    let logger: Logger

    /// The applicant with this document and password. Failures count per document (its keyed hash).
    func verify(kind: IdentityDocument.Kind, number: String, issuingCountry: String?, password: String) async throws -> Int64 {
        let keyBuffer = ByteBuffer(bytes: store.documentKey(kind: kind, number: number, issuingCountry: issuingCountry))
        let windowSeconds = Double(Self.window.components.seconds)
        for try await (failures, retryAfter) in try await client.query("""
            SELECT count(*)::int, coalesce(ceil(extract(epoch FROM min(at) + make_interval(secs => \(windowSeconds)) - now()))::int, 0)
            FROM sign_in_failures WHERE key = \(keyBuffer) AND at > now() - make_interval(secs => \(windowSeconds))
            """, logger: logger).decode((Int, Int).self) where failures >= Self.allowedFailures {
            var problem = Problem(.tooManyRequests, "too many failed sign-ins for this account; try again in \(max(retryAfter, 1)) seconds")
            problem.retryAfterSeconds = max(retryAfter, 1)
            throw problem
        }
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
        guard let (id, _) = row, matches else {
            try await client.query("""
                WITH old AS (DELETE FROM sign_in_failures WHERE key = \(keyBuffer) AND at < now() - interval '1 day')
                INSERT INTO sign_in_failures (key) VALUES (\(keyBuffer))
                """, logger: logger)
            throw Problem(.unauthorized, "the document or the password is wrong")
        }
        try await client.query("DELETE FROM sign_in_failures WHERE key = \(keyBuffer)", logger: logger)
        return id
    }
}
