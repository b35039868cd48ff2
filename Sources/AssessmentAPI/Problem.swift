import Foundation
import HTTPTypes
import Hummingbird
import Notify
import Workflow

/// An RFC 9457 problem: what went wrong, and for bad input which fields to fix.
public struct Problem: HTTPResponseError, Codable, Sendable, Documented {
    public struct FieldError: Codable, Sendable, Equatable {
        public let field: String
        public var message: String
        /// The message in Chinese, where it has been written in it.
        var chinese: String?

        init(field: String, message: String, zh chinese: String?) {
            (self.field, self.message, self.chinese) = (field, message, chinese)
        }

        enum CodingKeys: String, CodingKey { case field, message }
    }

    public let type: String
    public var title: String
    public let statusCode: Int
    public var detail: String
    public var errors: [FieldError]
    /// The detail in Chinese, where it has been written in it.
    var chinese: String?
    /// Sent as Retry-After (429, 503).
    var retryAfterSeconds: Int?

    public var status: HTTPResponse.Status { .init(code: statusCode) }

    /// A problem; `zh` is required so that no refusal is written in English alone by accident
    /// (nil only where the text comes from outside, e.g. a decoder's or a library's message).
    init(_ status: HTTPResponse.Status, _ detail: String, zh chinese: String?, errors: [FieldError] = []) {
        self.type = "about:blank"
        self.title = status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.chinese = chinese
        self.errors = errors
        self.retryAfterSeconds = nil
    }

    /// The problem as a reader of `language` sees it: Chinese unless the request prefers English,
    /// the English detail where no Chinese one has been written yet.
    func localized(_ language: Language) -> Problem {
        guard language == .zh else { return self }
        var problem = self
        problem.title = Self.chineseTitles[statusCode] ?? title
        problem.detail = chinese ?? detail
        problem.errors = errors.map { error in
            var error = error
            error.message = error.chinese ?? error.message
            return error
        }
        return problem
    }

    /// A route that needs a token got none, or one that is unknown, expired or revoked.
    static let noToken = Problem(.unauthorized, "send `Authorization: Bearer <token>`", zh: "请在请求头中附上 `Authorization: Bearer <令牌>`")

    static let chineseTitles = [
        400: "请求有误", 401: "未认证", 403: "无权访问", 404: "未找到", 405: "不允许的方法", 409: "冲突", 413: "内容过大",
        415: "不支持的媒体类型", 422: "内容有误", 429: "请求过多", 500: "服务器内部错误", 503: "服务不可用",
    ]

    enum CodingKeys: String, CodingKey {
        case type, title, detail, errors
        case statusCode = "status"
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let language = Language.preferred(request.headers[.acceptLanguage])
        var headers: HTTPFields = [.contentType: "application/problem+json", .contentLanguage: language.rawValue]
        if let retryAfterSeconds { headers[.retryAfter] = "\(retryAfterSeconds)" }
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try APIResponseEncoder.encoder().encode(localized(language)))))
    }

    /// Any error as the problem a client should see: refusals keep their message; anything
    /// unexpected is a 500 that says nothing of the inside.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError:
            let fields = error.field.map { [FieldError(field: $0, message: error.message, zh: error.chinese)] } ?? []
            let (message, chinese) = (error.message, error.chinese)
            switch error.code {
            case .invalidInput: return Problem(.unprocessableContent, message, zh: chinese, errors: fields)
            case .notFound: return Problem(.notFound, message, zh: chinese, errors: fields)
            case .forbidden: return Problem(.forbidden, message, zh: chinese, errors: fields)
            case .unauthenticated: return Problem(.unauthorized, message, zh: chinese, errors: fields)
            case .tooMany:
                var problem = Problem(.tooManyRequests, message, zh: chinese, errors: fields)
                problem.retryAfterSeconds = Int(error.retryAfter?.components.seconds ?? 3_600)
                return problem
            default: return Problem(.conflict, message, zh: chinese, errors: fields)  // a duplicate, or the wrong moment
            }
        case let error as NotifyError:
            switch error.code {
            case .invalidInput:
                return Problem(
                    .unprocessableContent, error.message, zh: error.chinese,
                    errors: error.field.map { [FieldError(field: $0, message: error.message, zh: error.chinese)] } ?? [])
            case .notFound: return Problem(.notFound, error.message, zh: error.chinese)
            case .wrongState: return Problem(.conflict, error.message, zh: error.chinese)
            }
        case let error as JobQueueError:
            // The queue is generic and speaks English; the Chinese says what kind of refusal it is.
            switch error.code {
            case .notFound: return Problem(.notFound, error.message, zh: "没有此任务（\(error.message)）")
            case .invalidState: return Problem(.conflict, error.message, zh: "任务当前的状态不允许此操作（\(error.message)）")
            default: return Problem(.internalServerError, "the server failed; the error is logged with the request id", zh: "服务器出错；错误已随请求编号记入日志")
            }
        case let error as DecodingError:
            return Problem.decoding(error)
        case let error as HTTPError:
            // The framework's own refusals (no such route, method not allowed) say only their status.
            return Problem(error.status, error.body ?? error.status.reasonPhrase, zh: error.body == nil ? chineseTitles[error.status.code] : nil)
        case let error where DatabaseErrorSummary.isConnectionLoss(error):
            // The database went away under the request (a restart, a failover, a terminated
            // backend): its transaction most likely rolled back, and a moment later it can succeed.
            var problem = Problem(
                .serviceUnavailable, "the database was briefly unavailable and the request may not have completed; check and send it again",
                zh: "数据库暂时不可用，本次请求可能未完成，请核对后重试")
            problem.retryAfterSeconds = 2
            return problem
        default:
            return Problem(.internalServerError, "the server failed; the error is logged with the request id", zh: "服务器出错；错误已随请求编号记入日志")
        }
    }

    /// A JSON body that does not fit the schema, with the path of the field at fault.
    static func decoding(_ error: DecodingError) -> Problem {
        let summary = DecodingErrorSummary(error)
        let field = summary.field
        switch summary.reason {
        case .notJSON:
            return Problem(.badRequest, "the body is not valid JSON", zh: "请求体不是有效的 JSON")
        case .missing:
            return Problem(
                .badRequest, "the body lacks \(field)", zh: "请求体缺少 \(field)", errors: [FieldError(field: field, message: "required", zh: "必填")])
        case .wrongType(let expected), .null(let expected):
            let (wanted, chinese) = (Self.describe(expected), Self.describeChinese(expected))
            return Problem(
                .badRequest, "\(field.isEmpty ? "the body" : field) must be \(wanted)", zh: "\(field.isEmpty ? "请求体" : field)须为\(chinese)",
                errors: [FieldError(field: field, message: "must be \(wanted)", zh: "须为\(chinese)")])
        case .malformed(let detail):
            // The decoder's own words exist in English only; the Chinese says what they are about.
            return Problem(
                .badRequest, "\(field): \(detail)", zh: "\(field)：无法解析（\(detail)）",
                errors: [FieldError(field: field, message: detail, zh: "无法解析（\(detail)）")])
        }
    }

    /// A Swift type's name as a Chinese reader reads it.
    private static func describeChinese(_ type: String) -> String {
        switch type {
        case "String": "字符串"
        case "Int", "Int64": "整数"
        case "Double": "数字"
        case "Bool": "true 或 false"
        default: "文档所述结构的对象"
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
