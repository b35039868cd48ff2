import Foundation
import HTTPTypes
import Hummingbird
import Notify
import Workflow

/// An RFC 9457 problem: what went wrong, and for bad input which fields to fix.
public struct Problem: HTTPResponseError, Codable, Sendable, Documented {
    public struct FieldError: Codable, Sendable, Equatable {
        public let field: String
        public let message: String
    }

    public let type: String
    public let title: String
    public let statusCode: Int
    public let detail: String
    public let errors: [FieldError]
    /// Sent as Retry-After (429, 503).
    var retryAfterSeconds: Int?

    public var status: HTTPResponse.Status { .init(code: statusCode) }

    init(_ status: HTTPResponse.Status, _ detail: String, errors: [FieldError] = []) {
        self.type = "about:blank"
        self.title = status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.errors = errors
        self.retryAfterSeconds = nil
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, errors
        case statusCode = "status"
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfterSeconds { headers[.retryAfter] = "\(retryAfterSeconds)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try APIResponseEncoder.encoder().encode(self))))
    }

    /// Any error as the problem a client should see: refusals keep their message; anything
    /// unexpected is a 500 that says nothing of the inside.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError:
            let fields = error.field.map { [FieldError(field: $0, message: error.message)] } ?? []
            switch error.code {
            case .invalidInput: return Problem(.unprocessableContent, error.message, errors: fields)
            case .notFound: return Problem(.notFound, error.message, errors: fields)
            case .forbidden: return Problem(.forbidden, error.message, errors: fields)
            case .unauthenticated: return Problem(.unauthorized, error.message, errors: fields)
            case .tooMany:
                var problem = Problem(.tooManyRequests, error.message, errors: fields)
                problem.retryAfterSeconds = Int(error.retryAfter?.components.seconds ?? 3_600)
                return problem
            default: return Problem(.conflict, error.message, errors: fields)  // a duplicate, or the wrong moment
            }
        case let error as NotifyError:
            switch error.code {
            case .invalidInput:
                return Problem(
                    .unprocessableContent, error.message, errors: error.field.map { [FieldError(field: $0, message: error.message)] } ?? [])
            case .notFound: return Problem(.notFound, error.message)
            case .wrongState: return Problem(.conflict, error.message)
            }
        case let error as DecodingError:
            return Problem.decoding(error)
        case let error as HTTPError:
            return Problem(error.status, error.body ?? error.status.reasonPhrase)
        default:
            return Problem(.internalServerError, "the server failed; the error is logged with the request id")
        }
    }

    /// A JSON body that does not fit the schema, with the path of the field at fault.
    static func decoding(_ error: DecodingError) -> Problem {
        let summary = DecodingErrorSummary(error)
        let field = summary.field
        switch summary.reason {
        case .notJSON:
            return Problem(.badRequest, "the body is not valid JSON")
        case .missing:
            return Problem(.badRequest, "the body lacks \(field)", errors: [FieldError(field: field, message: "required")])
        case .wrongType(let expected), .null(let expected):
            let wanted = Self.describe(expected)
            return Problem(
                .badRequest, "\(field.isEmpty ? "the body" : field) must be \(wanted)",
                errors: [FieldError(field: field, message: "must be \(wanted)")])
        case .malformed(let detail):
            return Problem(.badRequest, "\(field): \(detail)", errors: [FieldError(field: field, message: detail)])
        }
    }

    /// A Swift type's name as a client reads it.
    private static func describe(_ type: String) -> String {
        switch type {
        case "String": "a string"
        case "Int", "Int64": "a whole number"
        case "Double": "a number"
        case "Bool": "true or false"
        default: "an object of the documented shape"
        }
    }

    static var schema: JSONSchema {
        .object(required: [
            "type": .string(), "title": .string(), "status": .integer(100...599), "detail": .string("what went wrong and what to fix"),
            "errors": .array(of: .object(required: ["field": .string(), "message": .string()]), "the fields to fix, if any"),
        ])
    }
}
