import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Notify
import NIOCore
import Workflow

/// The HTTP API over the workflow: every write is a workflow command (one transaction with the
/// jobs it sets off), every read checks that the caller may see it.
public struct APIServer: Sendable {
    let workflow: Workflow
    let notifier: Notifier
    /// Proxies whose `X-Forwarded-For` names the client, from ASSESS_TRUSTED_PROXIES.
    let trustedProxies: Set<String>
    let metrics = APIMetrics()
    /// Public certificate look-ups per client address and minute.
    let lookups: ClientRateLimiter
    let logger: Logger

    /// `trustedProxies` are the addresses whose `X-Forwarded-For` names the client (nil: from
    /// ASSESS_TRUSTED_PROXIES, comma-separated); per-client sign-in limits need the real client.
    public init(workflow: Workflow, notifier: Notifier, trustedProxies: Set<String>? = nil, lookupsPerMinute: Int = 60, logger: Logger) {
        self.lookups = ClientRateLimiter(limit: lookupsPerMinute, window: .seconds(60))
        self.workflow = workflow
        self.notifier = notifier
        self.trustedProxies = trustedProxies ?? Set((ProcessInfo.processInfo.environment["ASSESS_TRUSTED_PROXIES"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        self.logger = logger
    }

    /// The routes, for an Application (and for the test that checks each is documented).
    public func router() -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        let table = RouteTable()
        router.add(middleware: ProblemMiddleware(metrics: metrics, routes: table))
        router.add(middleware: AuthenticationMiddleware(workflow: workflow))

        router.get("/healthz") { _, _ in JSONBody(["status": "ok"]) }
        let queue = workflow.queue
        router.get("/readyz") { _, _ -> Response in
            do {
                _ = try await queue.queueStats()
                return try JSONBody(["status": "ready"]).response()
            } catch {
                throw Problem(.serviceUnavailable, "the database does not answer")
            }
        }
        router.get("/metrics") { _, _ -> Response in
            let text = metrics.render(queues: (try? await queue.queueStats()) ?? [], latencies: (try? await queue.recentLatencies()) ?? [],
                                      quarantined: (try? await queue.quarantinedCounts()) ?? [:])
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }

        // Public: anyone may check a certificate by its number and its holder's name, as the national
        // look-up services ask; the number alone says only whether it exists. Numbers are
        // sequential, so look-ups are limited per client address.
        router.get("/v1/certificates/:number") { request, context -> Response in
            try lookups.admit(context.clientAddress(request, trustedProxies: trustedProxies))
            let number = try context.parameters.require("number")
            guard number.count <= 64, let record = try await workflow.certificate(number: number) else {
                throw Problem(.notFound, "no certificate has the number \(number.prefix(64))")
            }
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                return try JSONBody(CertificateExistence(number: record.content.number, exists: true,
                                                         detail: "add ?name= with the holder's name to see the certificate")).response()
            }
            guard name.count <= 100, Self.sameName(name, record.content.holderName) else {
                throw Problem(.notFound, "no certificate has this number and holder name")
            }
            let status: String
            switch record.verdict {
            case .valid: status = "valid"
            case .revoked: status = "revoked"
            case .invalidSignature: status = "invalid signature"
            }
            let content = record.content
            return try JSONBody(CertificateView(
                number: content.number, status: status, holder: Self.mask(content.holderName), holderDocument: content.holderDocumentMasked,
                qualification: content.qualification, level: content.level, issuer: content.issuer, issuedOn: content.issuedOn.description,
                signatureValid: record.verdict != .invalidSignature)).response()
        }

        // Applicants.
        router.post("/v1/applicants") { request, context -> Response in
            let body = try await Self.decode(RegisterApplicantBody.self, request, context)
            let (id, token) = try await workflow.registerApplicant(try body.registration(), password: body.password)
            return try JSONBody(["id": "\(id)", "token": token]).response(status: .created)
        }
        router.post("/v1/sessions") { request, context -> Response in
            let body = try await Self.decode(SignInBody.self, request, context)
            guard let kind = IdentityDocument.Kind(rawValue: body.document.kind) else {
                throw invalidField("document.kind", "must be one of \(IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard body.password.count <= 200, body.document.number.count <= 40, (body.document.issuingCountry?.count ?? 0) <= 3 else {
                throw Problem(.unauthorized, "the document or the password is wrong")
            }
            if kind == .passport, body.document.issuingCountry == nil {
                throw invalidField("document.issuingCountry", "is required for a passport: the three-letter ISO 3166 code, such as GBR")
            }
            let (applicant, token) = try await workflow.signIn(
                kind: kind, number: body.document.number, issuingCountry: body.document.issuingCountry, password: body.password,
                address: context.clientAddress(request, trustedProxies: trustedProxies))
            return try JSONBody(SessionView(token: token, applicant: applicant, expiresInSeconds: Int(Workflow.sessionLength.components.seconds)))
                .response(status: .created)
        }
        router.post("/v1/applications") { request, context -> Response in
            let applicant = try Self.applicantID(context)
            let body = try await Self.decode(ApplyBody.self, request, context)
            let id = try await workflow.apply(round: body.round, applicant: applicant, target: try body.applicationTarget())
            return try JSONBody(["id": id]).response(status: .created)
        }
        router.get("/v1/applications") { request, context -> JSONBody<Page<ApplicationView>> in
            let applicant = try Self.applicantID(context)
            let (after, limit) = try Self.page(request)
            let records = try await workflow.applications(of: applicant, after: after, limit: limit)
            return JSONBody(Page(items: records.map(ApplicationView.init), next: records.count == limit ? records.last?.id : nil))
        }
        router.get("/v1/applications/:id") { _, context -> JSONBody<ApplicationView> in
            let applicant = try Self.applicantID(context)
            return JSONBody(ApplicationView(try await workflow.application(try Self.id(context), of: applicant)))
        }
        router.post("/v1/applications/:id/appeal") { request, context -> Response in
            let applicant = try Self.applicantID(context)
            let id = try Self.id(context)
            let body = try await Self.decode(AppealBody.self, request, context)
            _ = try await workflow.application(id, of: applicant)
            try await workflow.fileAppeal(applicant: applicant, application: id, reason: body.reason)
            return Response(status: .accepted)
        }

        router.get("/v1/notifications") { request, context -> JSONBody<Page<NotificationView>> in
            let applicant = try Self.applicantID(context)
            let (after, limit) = try Self.page(request)
            let rows = try await workflow.notifications(of: .applicant(applicant), after: after, limit: limit)
            return JSONBody(Page(items: rows.map { NotificationView(id: $0.id, event: $0.event, createdAt: $0.createdAt, payload: $0.payload) },
                                 next: rows.count == limit ? rows.last?.id : nil))
        }

        // Anyone may object to a published result during its notice.
        router.post("/v1/applications/:id/objections") { request, context -> Response in
            let body = try await Self.decode(ObjectionBody.self, request, context)
            let id = try await workflow.fileObjection(application: try Self.id(context), filedBy: body.filedBy, contact: body.contact,
                                                      statement: body.statement, client: context.clientAddress(request, trustedProxies: trustedProxies))
            return try JSONBody(["id": id]).response(status: .created)
        }

        // Reviewers.
        router.get("/v1/reviews") { request, context -> JSONBody<Page<ReviewCaseView>> in
            let reviewer = try context.require(.reviewer)
            let (after, limit) = try Self.page(request)
            let cases = try await workflow.openCases(of: reviewer, after: after, limit: limit)
            return JSONBody(Page(items: cases.map { ReviewCaseView(application: $0.application, round: $0.round, stage: $0.stage,
                                                                   target: Self.describe($0.target), dueAt: $0.dueAt) },
                                 next: cases.count == limit ? cases.last?.application : nil))
        }
        router.post("/v1/reviews/:id/conflict") { _, context -> Response in
            let reviewer = try context.require(.reviewer)
            try await workflow.declareConflict(reviewer: reviewer, application: try Self.id(context))
            return Response(status: .accepted)
        }
        router.post("/v1/reviews/:id/score") { request, context -> Response in
            let reviewer = try context.require(.reviewer)
            let body = try await Self.decode(ScoreBody.self, request, context)
            try await workflow.submitScore(reviewer: reviewer, application: try Self.id(context), score: body.score)
            return Response(status: .noContent)
        }

        // Institutions.
        router.post("/v1/reviewers") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(ReviewerBody.self, request, context)
            try await workflow.addReviewer(try body.reviewer(), name: body.name, institution: institution)
            return Response(status: .created)
        }
        router.post("/v1/rounds") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(RoundBody.self, request, context)
            let id = try await workflow.openRound(try body.draft(institution: institution))
            return try JSONBody(["id": id]).response(status: .created)
        }
        router.post("/v1/rounds/:id/close") { _, context -> Response in
            let institution = try context.require(.institution)
            try await workflow.closeApplicationsNow(round: try Self.id(context), institution: institution)
            return Response(status: .accepted)
        }
        router.post("/v1/applications/:id/vote") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(VoteBody.self, request, context)
            try await workflow.recordVote(application: try Self.id(context), members: body.members, yes: body.yes, no: body.no,
                                          abstain: body.abstain, institution: institution)
            return Response(status: .accepted)
        }
        router.post("/v1/applications/:id/skills-result") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(SkillsResultBody.self, request, context)
            try await workflow.recordSkillsResult(application: try Self.id(context), parts: try body.scores(), institution: institution)
            return Response(status: .accepted)
        }
        router.post("/v1/objections/:id/handle") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(ResolutionBody.self, request, context)
            try await workflow.handleObjection(try Self.id(context), institution: institution, resolution: body.resolution)
            return Response(status: .accepted)
        }
        router.get("/v1/rounds/:id/objections") { request, context -> JSONBody<Page<ObjectionView>> in
            let institution = try context.require(.institution)
            let (after, limit) = try Self.page(request)
            let openOnly = request.uri.queryParameters["state"] == "open"
            let records = try await workflow.objections(round: try Self.id(context), institution: institution, openOnly: openOnly,
                                                        after: after, limit: limit)
            return JSONBody(Page(items: records.map(ObjectionView.init), next: records.count == limit ? records.last?.id : nil))
        }
        router.post("/v1/rounds/:id/objections/dismiss") { request, context -> Response in
            let institution = try context.require(.institution)
            let body = try await Self.decode(DismissObjectionsBody.self, request, context)
            let count = try await workflow.dismissObjections(body.objections, round: try Self.id(context), institution: institution,
                                                             reason: body.reason)
            return try JSONBody(["dismissed": count]).response()
        }
        router.get("/v1/rounds/:id/progress") { _, context -> Response in
            let institution = try context.require(.institution)
            let (state, counts) = try await workflow.progress(round: try Self.id(context), institution: institution)
            return try JSONBody(RoundProgressView(state: state.rawValue, applications: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))).response()
        }

        router.get("/v1/rounds/:id/applications") { request, context -> JSONBody<Page<ApplicationView>> in
            let institution = try context.require(.institution)
            let (after, limit) = try Self.page(request)
            let state = try request.uri.queryParameters["state"].map { text -> ApplicationRecord.State in
                guard let state = ApplicationRecord.State(rawValue: String(text)) else {
                    let states = ApplicationRecord.State.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Problem(.badRequest, "state must be one of \(states)", errors: [.init(field: "state", message: "not one of \(states)")])
                }
                return state
            }
            let records = try await workflow.applications(inRound: try Self.id(context), institution: institution, state: state,
                                                          after: after, limit: limit)
            return JSONBody(Page(items: records.map(ApplicationView.init), next: records.count == limit ? records.last?.id : nil))
        }

        addSubscriptionRoutes(to: router, notifier: notifier)

        // The HR bureau.
        router.post("/v1/rounds/:id/confirm") { _, context -> Response in
            let officer = try context.require(.bureau)
            try await workflow.confirmRound(try Self.id(context), by: officer)
            return Response(status: .accepted)
        }
        router.post("/v1/certificates/:number/revoke") { request, context -> Response in
            _ = try context.require(.bureau)
            let body = try await Self.decode(RevokeBody.self, request, context)
            try await workflow.revokeCertificate(number: try context.parameters.require("number"), reason: body.reason)
            return Response(status: .accepted)
        }
        table.load(router.routes.map(\.description))
        return router
    }

    /// The routes this server answers, as `METHOD /path/{name}`, read from the router itself.
    public func routes() -> [String] {
        router().routes.map(\.description)
    }

    static func decode<Body: RequestBody>(_ type: Body.Type, _ request: Request, _ context: APIContext) async throws -> Body {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw Problem(.unsupportedMediaType, "send the body as application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(.contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes")
        }
        // Valid JSON, but PostgreSQL's text cannot hold U+0000, so storing it would fail deep inside.
        if JSONText.escapesNUL(buffer.readableBytesView) {
            throw Problem(.badRequest, "the body contains the NUL character (\\u0000), which no field accepts; remove it")
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.decoding(error)
        }
        try body.validate()
        return body
    }

    static func applicantID(_ context: APIContext) throws -> Int64 {
        guard let id = Int64(try context.require(.applicant)) else { throw Problem(.forbidden, "this token names no applicant") }
        return id
    }

    static func id(_ context: APIContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), Bounds.id.contains(id) else {
            throw Problem(.badRequest, "the id in the path must be a positive whole number", errors: [.init(field: "id", message: "not a positive whole number")])
        }
        return id
    }

    static func page(_ request: Request) throws -> (after: Int64, limit: Int) {
        let query = request.uri.queryParameters
        let after = try query["after"].map { text -> Int64 in
            guard let value = Int64(String(text)), Bounds.after.contains(value) else { throw Problem(.badRequest, "after must be a whole number ≥ 0", errors: [.init(field: "after", message: "not a whole number ≥ 0")]) }
            return value
        } ?? 0
        let limit = try query["limit"].map { text -> Int in
            guard let value = Int(String(text)), Bounds.limit.contains(value) else { throw Problem(.badRequest, "limit must be 1 to 100", errors: [.init(field: "limit", message: "not 1 to 100")]) }
            return value
        } ?? 50
        return (after, limit)
    }

    /// What a case is for, in words.
    static func describe(_ target: ApplicationTarget) -> String {
        switch target {
        case .title(let series, let grade, let specialty): "title \(series), grade \(grade.rawValue)\(specialty.map { ", \($0)" } ?? "")"
        case .skill(let occupation, let level, let direction): "skill \(occupation), level \(level.rawValue), \(direction)"
        }
    }

    /// Whether a name typed by the public is the holder's: case, spaces and full-width spaces aside.
    static func sameName(_ typed: String, _ holder: String) -> Bool {
        func normal(_ name: String) -> String { name.lowercased().filter { !$0.isWhitespace } }
        return !normal(typed).isEmpty && normal(typed) == normal(holder)
    }

    /// A holder name as the public sees it: the first character, the rest starred.
    static func mask(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}

/// What a certificate number alone tells: that it exists.
struct CertificateExistence: Encodable, Sendable {
    let number: String
    let exists: Bool
    let detail: String
}

struct SessionView: Encodable, Sendable {
    let token: String
    let applicant: Int64
    let expiresInSeconds: Int
}

struct RoundProgressView: Encodable, Sendable {
    let state: String
    let applications: [String: Int]
}

/// An Encodable value as a JSON response.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }

    func response(status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { try response() }
}
