import Assessment
import AssessmentStore
import Crypto
import Foundation
import HTTPTypes
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
    /// The peer's IP address, for per-client limits; empty when the channel has none.
    let peerAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the last address
    /// it put in `X-Forwarded-For` (the one it saw; earlier entries are the client's own word).
    func clientAddress(_ request: Request, trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peerAddress),
              let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").last else { return peerAddress }
        let address = forwarded.trimmingCharacters(in: .whitespaces)
        return address.count <= 45 ? address : peerAddress
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
