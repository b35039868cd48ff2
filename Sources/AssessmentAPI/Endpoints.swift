import HTTPTypes
import Hummingbird
import NIOCore
import Workflow

/// Who may call a route. The endpoint refuses anyone else before the handler runs, and the
/// OpenAPI document states the same value.
enum Access: Sendable {
    /// No token needed.
    case anyone
    /// A token of this role.
    case role(Principal.Role)
    /// A token of any of these roles; the handler tells them apart.
    case roles([Principal.Role])
    /// Any token whose holder receives notifications (every role; an applicant token must name an applicant).
    case recipient

    func admit(_ context: APIContext) throws {
        switch self {
        case .anyone: return
        case .role(let role): _ = try context.require(role)
        case .roles(let roles):
            guard let principal = context.principal else { throw Problem.noToken }
            guard roles.contains(principal.role) else {
                throw Problem(
                    .forbidden, "this route is for \(roles.map { "\($0.rawValue)s" }.joined(separator: " and "))",
                    zh: "此接口仅供\(roles.map(\.chineseName).joined(separator: "和"))使用")
            }
        case .recipient: _ = try context.recipient()
        }
    }
}

/// A query parameter a route reads, documented with its range.
struct QueryParameter: Sendable {
    let name: String
    let schema: JSONSchema
    let description: String?

    static let after = QueryParameter(name: "after", schema: .integer(Bounds.after), description: "the `next` of the previous page")
    static let limit = QueryParameter(name: "limit", schema: .integer(Bounds.limit), description: "items per page; 50 unless given")
    /// `after` and `limit`.
    static let page = [after, limit]
    /// `after` as the text key of a list ordered by text ids, and `limit`.
    static let textPage = [
        QueryParameter(name: "after", schema: .string(length: 1...64), description: "the `next` of the previous page"), limit,
    ]
}

/// What a route answers when it succeeds: its status, its body's schema, and how a handler's value
/// becomes the response.
struct Reply<Output>: Sendable {
    let status: HTTPResponse.Status
    let description: String
    let content: (types: [String], schema: JSONSchema)?
    let render: @Sendable (Output, Request, APIContext) throws -> Response
}

extension Reply where Output: ResponseEncodable & Documented {
    /// `status` with the handler's value as JSON.
    static func json(_ status: HTTPResponse.Status, _ type: Output.Type, _ description: String) -> Reply {
        Reply(status: status, description: description, content: (["application/json"], .ref(type))) { value, request, context in
            try EditedResponse(status: status, response: value).response(from: request, context: context)
        }
    }

    static func ok(_ type: Output.Type, _ description: String) -> Reply { json(.ok, type, description) }
    static func created(_ type: Output.Type, _ description: String) -> Reply { json(.created, type, description) }
    static func accepted(_ type: Output.Type, _ description: String) -> Reply { json(.accepted, type, description) }
}

extension Reply where Output == Void {
    /// `status` with no body.
    static func empty(_ status: HTTPResponse.Status, _ description: String) -> Reply {
        Reply(status: status, description: description, content: nil) { _, _, _ in Response(status: status) }
    }

    static func accepted(_ description: String) -> Reply { empty(.accepted, description) }
    static func created(_ description: String) -> Reply { empty(.created, description) }
    static func noContent(_ description: String) -> Reply { empty(.noContent, description) }
}

extension Reply where Output == Response {
    /// A response the handler builds itself, of `contentType`.
    static func raw(_ description: String, contentType: String, schema: JSONSchema) -> Reply {
        raw(description, contentTypes: [contentType], schema: schema)
    }

    /// A response the handler builds itself, of one of `contentTypes`.
    static func raw(_ description: String, contentTypes: [String], schema: JSONSchema) -> Reply {
        Reply(status: .ok, description: description, content: (contentTypes, schema)) { response, _, _ in response }
    }
}

/// One route as the OpenAPI document states it.
struct OperationDescription: Sendable {
    let method: HTTPRequest.Method
    /// The path, with `{name}` for each path parameter.
    let path: String
    let summary: String
    let audience: String
    let access: Access
    let query: [QueryParameter]
    let body: JSONSchema?
    /// For a route that takes bytes instead of JSON: the media types it accepts and the most bytes.
    let upload: (types: [String], maxBytes: Int)?
    let success: (status: HTTPResponse.Status, description: String, content: (types: [String], schema: JSONSchema)?)
    /// The refusals it may answer with, beyond those its access, parameters and body imply.
    let refusals: Set<Int>

    /// The names of the path's parameters, `{id}` and the like.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { $0.hasPrefix("{") && $0.hasSuffix("}") ? String($0.dropFirst().dropLast()) : nil }
    }

    /// Every status it may answer with other than success: from its shape, and those it names.
    var refusalStatuses: Set<Int> {
        var statuses = refusals
        if body != nil { statuses.formUnion([400, 413, 415, 422]) }
        if upload != nil { statuses.formUnion([413, 415, 422]) }
        if case .anyone = access {} else { statuses.formUnion([401, 403]) }
        if !pathParameters.isEmpty { statuses.formUnion([400, 404]) }
        if !query.isEmpty { statuses.insert(400) }
        return statuses
    }
}

/// One audience's routes: each added with its description, so the router and `/openapi.json`
/// are built from the same values. The handler of a route with a body receives it decoded and
/// validated by the request context's decoder.
struct Endpoints {
    let audience: String
    let collection = RouteCollection(context: APIContext.self)
    private(set) var operations: [OperationDescription] = []

    init(audience: String) {
        self.audience = audience
    }

    mutating func add<Body: RequestBody & Documented & Sendable, Output>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, body: Body.Type, query: [QueryParameter] = [],
        reply: Reply<Output>, refuses refusals: Set<Int> = [],
        _ handler: @escaping @Sendable (Request, APIContext, Body) async throws -> Output
    ) {
        describe(method, path, summary, access: access, body: .ref(body), query: query, reply: reply, refusals: refusals)
        collection.on(RouterPath(path), method: method) { request, context -> Response in
            try access.admit(context)
            let body = try await request.decode(as: Body.self, context: context)
            return try reply.render(try await handler(request, context, body), request, context)
        }
    }

    mutating func add<Output>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, query: [QueryParameter] = [],
        reply: Reply<Output>, refuses refusals: Set<Int> = [],
        _ handler: @escaping @Sendable (Request, APIContext) async throws -> Output
    ) {
        describe(method, path, summary, access: access, body: nil, query: query, reply: reply, refusals: refusals)
        collection.on(RouterPath(path), method: method) { request, context -> Response in
            try access.admit(context)
            return try reply.render(try await handler(request, context), request, context)
        }
    }

    /// A route whose body is the bytes of a file of one of `types`, at most `maxBytes`: the handler
    /// receives them once the declared type and the size were checked.
    mutating func addUpload<Output>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, types: [String], maxBytes: Int,
        query: [QueryParameter] = [], reply: Reply<Output>, refuses refusals: Set<Int> = [],
        _ handler: @escaping @Sendable (Request, APIContext, ByteBuffer) async throws -> Output
    ) {
        describe(
            method, path, summary, access: access, body: nil, upload: (types, maxBytes), query: query, reply: reply, refusals: refusals)
        collection.on(RouterPath(path), method: method) { request, context -> Response in
            try access.admit(context)
            if path.contains("{id}") { _ = try context.id() }  // a bad path before a large body is read
            let declared = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let declared, types.contains(declared) else {
                throw Problem(
                    .unsupportedMediaType, "send the file with its Content-Type, one of \(types.joined(separator: ", "))",
                    zh: "请按文件类型发送 Content-Type，须为以下之一：\(types.joined(separator: "、"))")
            }
            let bytes: ByteBuffer
            do {
                bytes = try await request.body.collect(upTo: maxBytes)
            } catch {
                throw Problem(
                    .contentTooLarge, "the file is larger than \(maxBytes) bytes; compress it or split it", zh: "文件超过 \(maxBytes) 字节；请压缩或拆分")
            }
            return try reply.render(try await handler(request, context, bytes), request, context)
        }
    }

    private mutating func describe<Output>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, body: JSONSchema?,
        upload: (types: [String], maxBytes: Int)? = nil, query: [QueryParameter], reply: Reply<Output>, refusals: Set<Int>
    ) {
        operations.append(
            OperationDescription(
                method: method, path: path, summary: summary, audience: audience, access: access, query: query,
                body: body, upload: upload, success: (reply.status, reply.description, reply.content), refusals: refusals))
    }
}
