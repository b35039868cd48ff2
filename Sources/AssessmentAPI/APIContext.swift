import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Workflow

/// The request context of the API: the caller once authenticated, and the coders every route's
/// bodies go through.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var principal: Principal?
    /// The caller is an applicant who has yet to accept the privacy notice in force.
    var consentNeeded = false
    /// A console page's visit: its language, CSRF token, session and form; nil on the JSON API.
    var visit: ConsoleVisit?
    /// The peer's IP address, for per-client limits; empty when the channel has none.
    let peerAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// Bodies are small JSON documents; anything larger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the last address
    /// it put in `X-Forwarded-For` (the one it saw; earlier entries are the client's own word).
    func clientAddress(_ request: Request, trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peerAddress),
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").last
        else { return peerAddress }
        let address = forwarded.trimmingCharacters(in: .whitespaces)
        return address.count <= 45 ? address : peerAddress
    }

    /// The caller in `role`, or 401 (no or unknown token) / 403 (another role).
    func require(_ role: Principal.Role) throws -> String {
        guard let principal else { throw Problem.noToken }
        guard principal.role == role else {
            throw Problem(.forbidden, "this route is for \(role.rawValue)s", zh: "此接口仅供\(role.chineseName)使用")
        }
        return principal.subject
    }

    /// The calling applicant's id.
    func applicant() throws -> Int64 {
        let id = try applicantAwaitingConsent()
        guard !consentNeeded else {
            let version = PrivacyNotice.current.version
            throw Problem(
                .forbidden,
                "accept the privacy notice in force (version \(version), GET /v1/privacy-notice) with POST /v1/consents first",
                zh: "请先阅读现行个人信息保护说明（第 \(version) 版，GET /v1/privacy-notice），并通过 POST /v1/consents 表示同意")
        }
        return id
    }

    /// The calling applicant's id, whether or not they have accepted the notice in force: for
    /// reading and accepting it.
    func applicantAwaitingConsent() throws -> Int64 {
        _ = try require(.applicant)
        guard case .applicant(let id) = principal else { throw Problem(.forbidden, "this route is for applicants", zh: "此接口仅供申请人使用") }
        return id
    }

    /// Whom the caller's notifications go to.
    func recipient() throws -> Recipient {
        guard let principal else { throw Problem.noToken }
        guard let recipient = principal.recipient else {
            throw Problem(.forbidden, "operators receive no notifications of the evaluations", zh: "运维人员不接收评审通知")
        }
        return recipient
    }

    /// The `{id}` of the path.
    func id() throws -> Int64 {
        guard let text = parameters.get("id"), let id = Int64(text), Bounds.id.contains(id) else {
            throw Problem(
                .badRequest, "the id in the path must be a positive whole number", zh: "路径中的编号须为正整数",
                errors: [.init(field: "id", message: "not a positive whole number", zh: "不是正整数")])
        }
        return id
    }
}

/// Request bodies: JSON only, at most `maxUploadSize` bytes, no NUL character anywhere, every
/// decoding error a 400 naming the field, and a `RequestBody` validated before a handler sees it.
public struct APIRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw Problem(.unsupportedMediaType, "send the body as application/json", zh: "请以 application/json 发送请求体")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(
                .contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes", zh: "请求体超过 \(context.maxUploadSize) 字节")
        }
        // Valid JSON, but PostgreSQL's text cannot hold U+0000, so storing it would fail deep inside.
        if JSONText.escapesNUL(buffer.readableBytesView) {
            throw Problem(
                .badRequest, "the body contains the NUL character (\\u0000), which no field accepts; remove it",
                zh: "请求体含有 NUL 字符（\\u0000），任何字段都不接受；请删除")
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.decoding(error)
        }
        if let body = value as? any RequestBody { try body.validate() }
        return value
    }
}

/// Response bodies: JSON with sorted keys and ISO 8601 dates, the same for every route.
public struct APIResponseEncoder: ResponseEncoder {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try Self.encoder().encode(value))))
    }
}
