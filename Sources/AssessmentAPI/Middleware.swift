import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// Reads the bearer token, if any, into the context; routes decide whether they need one.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let workflow: Workflow

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), header.count < 200,
                let session = try await workflow.session(forToken: String(header.dropFirst("Bearer ".count)))
            else {
                throw Problem(.unauthorized, "the bearer token is unknown, expired or revoked", zh: "令牌无效、已过期或已吊销")
            }
            context.principal = session.principal
            context.consentNeeded = session.consentNeeded
        }
        return try await next(request, context)
    }
}

/// Turns every error into a problem+json response, so that the metrics outside it count the
/// status the client saw.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let routes: RouteTable

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router found no route: if the path is one of ours, the method is what is wrong.
            let allowed = routes.methods(forPath: request.uri.path)
            if allowed.isEmpty || allowed.contains(request.method.rawValue) {
                response = try Problem(.notFound, "no such resource", zh: "没有此资源").response(from: request, context: context)
            } else {
                var refusal = try Problem(
                    .methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: " or "))",
                    zh: "此处不允许 \(request.method.rawValue)；请用 \(allowed.joined(separator: " 或 "))"
                )
                .response(from: request, context: context)
                refusal.headers[.allow] = allowed.joined(separator: ", ")
                response = refusal
            }
        } catch {
            let problem = Problem.from(error)
            if problem.statusCode == 503 {
                // The client was told to try again; the database connection is being replaced.
                context.logger.warning(
                    "request lost its database connection; answered 503", metadata: ["error": "\(DatabaseErrorSummary.loggable(error))"])
            } else if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(DatabaseErrorSummary.loggable(error))"])
            }
            response = try problem.response(from: request, context: context)
        }
        return response
    }
}
