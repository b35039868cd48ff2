import Foundation
import Hummingbird
import Workflow

/// Applicants: registration and sign-in, their applications and appeals, their notifications.
struct ApplicantRoutes {
    let workflow: Workflow
    let trustedProxies: Set<String>

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "applicants")
        routes.add(
            .post, "/v1/applicants", "Register as an applicant; returns a bearer token", access: .anyone, body: RegisterApplicantBody.self,
            reply: .created(RegisteredView.self, "Registered"), refuses: [409]
        ) { _, _, body in
            let (id, token) = try await workflow.registerApplicant(try body.registration(), password: body.password)
            return RegisteredView(id: "\(id)", token: token)
        }
        routes.add(
            .post, "/v1/sessions",
            "Sign in as an applicant. Wrong passwords are limited to 5 per account and client address per 15 minutes, 50 per account per hour, and 20 per client address per 15 minutes; past any limit, 429 with Retry-After",
            access: .anyone, body: SignInBody.self, reply: .created(SessionView.self, "Signed in"), refuses: [401, 429]
        ) { request, context, body in
            let kind = try body.kind()
            let (applicant, token) = try await workflow.signIn(
                kind: kind, number: body.document.number, issuingCountry: body.document.issuingCountry, password: body.password,
                address: context.clientAddress(request, trustedProxies: trustedProxies))
            return SessionView(
                token: token, applicant: applicant, expiresInSeconds: Int(Workflow.sessionLength.components.seconds),
                consentRequired: try await workflow.session(forToken: token)?.consentNeeded ?? true)
        }
        routes.add(
            .post, "/v1/applications", "Apply in a round", access: .role(.applicant), body: ApplyBody.self,
            reply: .created(CreatedView.self, "Applied"), refuses: [404, 409]
        ) { _, context, body in
            CreatedView(id: try await workflow.apply(round: body.round, applicant: try context.applicant(), target: try body.applicationTarget()))
        }
        routes.add(
            .get, "/v1/applications", "My applications", access: .role(.applicant), query: QueryParameter.page,
            reply: .ok(Page<ApplicationView>.self, "A page")
        ) { request, context in
            let (after, limit) = try request.page()
            let records = try await workflow.applications(of: try context.applicant(), after: after, limit: limit)
            return Page(records, limit: limit, key: \.id, item: ApplicationView.init)
        }
        routes.add(
            .get, "/v1/applications/{id}", "One of my applications", access: .role(.applicant),
            reply: .ok(ApplicationView.self, "The application")
        ) { _, context in
            ApplicationView(try await workflow.application(try context.id(), of: try context.applicant()))
        }
        routes.add(
            .post, "/v1/applications/{id}/appeal",
            "Appeal a decision: a failed result (a skills result decided at a sitting names the part, one marked below the pass mark) or an ineligibility",
            access: .role(.applicant), body: AppealBody.self, reply: .accepted("Filed"), refuses: [409]
        ) { _, context, body in
            let (applicant, id) = (try context.applicant(), try context.id())
            _ = try await workflow.application(id, of: applicant)
            try await workflow.fileAppeal(applicant: applicant, application: id, reason: body.reason, part: try body.checkedPart())
        }
        routes.add(
            .get, "/v1/notifications", "My notifications", access: .role(.applicant), query: QueryParameter.page,
            reply: .ok(Page<NotificationView>.self, "A page")
        ) { request, context in
            let (after, limit) = try request.page()
            let rows = try await workflow.notifications(of: .applicant(try context.applicant()), after: after, limit: limit)
            return Page(rows, limit: limit, key: \.id) { NotificationView(id: $0.id, event: $0.event, createdAt: $0.createdAt, payload: $0.payload) }
        }
        return routes
    }
}

/// The kind of identity document `text` names, or a 422 listing the kinds.
func documentKind(_ text: String) throws -> IdentityDocument.Kind {
    guard let kind = IdentityDocument.Kind(rawValue: text) else {
        throw invalidField(
            "document.kind", "must be one of \(IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
            zh: "须为以下之一：\(IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: "、"))")
    }
    return kind
}

struct RegisterApplicantBody: RequestBody, Documented {
    struct Document: Decodable {
        var kind: String
        var number: String
        var issuingCountry: String?
        var birthDate: String
    }

    var name: String
    var document: Document
    var employer: String?
    var education: String
    var password: String
    var consent: ConsentBody

    func validate() throws { try consent.validate() }  // registration() checks the strings and the document

    func registration() throws -> ApplicantRegistration {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw invalidField("name", "must have 1 to 100 characters", zh: "须为 1 至 100 个字符") }
        let kind = try documentKind(document.kind)
        guard let birthDate = CalendarDate(iso: document.birthDate) else {
            throw invalidField(
                "document.birthDate", "must be a real date from 1900-01-01 on, like 1990-03-01", zh: "须为 1900-01-01 以后的真实日期，例如 1990-03-01")
        }
        guard let education = Policy.Education(rawValue: education) else {
            throw invalidField(
                "education", "must be one of \(Policy.Education.allCases.map(\.rawValue).joined(separator: ", "))",
                zh: "须为以下之一：\(Policy.Education.allCases.map(\.rawValue).joined(separator: "、"))")
        }
        if let employer, employer.count > 200 { throw invalidField("employer", "must have at most 200 characters", zh: "至多 200 个字符") }
        guard (12...200).contains(password.count) else { throw invalidField("password", "must have 12 to 200 characters", zh: "密码须为 12 至 200 个字符") }
        let identity: IdentityDocument
        do {
            identity = try IdentityDocument(
                kind: kind, number: document.number, issuingCountry: document.issuingCountry, declaredBirthDate: birthDate)
        } catch let error as IdentityError {
            throw invalidField("document.number", error.message, zh: error.chinese)
        }
        return ApplicantRegistration(
            name: name, document: identity, employer: employer, profile: Applicant(birthDate: birthDate, education: education),
            consent: consent.consent)
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "name": .string(length: 1...100),
                "document": .object(
                    required: ["kind": .oneOf(IdentityDocument.Kind.self), "number": .string(), "birthDate": .date],
                    optional: ["issuingCountry": .string(length: 3...3, "required for a passport (ISO 3166 alpha-3)").orNull]),
                "education": .oneOf(Policy.Education.self),
                "password": .string(length: 12...200),
                "consent": ConsentBody.schema,
            ], optional: ["employer": .string(length: 0...200).orNull])
    }
}

struct SignInBody: RequestBody, Documented {
    struct Document: Decodable {
        var kind: String
        var number: String
        /// Required for a passport: two countries may issue the same number.
        var issuingCountry: String?
    }

    var document: Document
    var password: String

    func validate() throws {
        // No hint in the refusal: a malformed document or password is as wrong as a wrong one.
        guard password.count <= 200, document.number.count <= 40, (document.issuingCountry?.count ?? 0) <= 3 else {
            throw Problem(.unauthorized, "the document or the password is wrong", zh: "证件或密码有误")
        }
    }

    func kind() throws -> IdentityDocument.Kind {
        let kind = try documentKind(document.kind)
        if kind == .passport, document.issuingCountry == nil {
            throw invalidField(
                "document.issuingCountry", "is required for a passport: the three-letter ISO 3166 code, such as GBR",
                zh: "护照须填写签发国家：ISO 3166 三字母代码，例如 GBR")
        }
        return kind
    }

    static var schema: JSONSchema {
        .object(required: [
            "document": .object(
                required: ["kind": .oneOf(IdentityDocument.Kind.self), "number": .string(length: 1...40)],
                optional: ["issuingCountry": .string(length: 3...3, "required for a passport (ISO 3166 alpha-3)").orNull]),
            "password": .string(length: 1...200),
        ])
    }
}

struct ApplyBody: RequestBody, Documented {
    struct Target: Decodable {
        var track: String
        var series: String?
        var grade: Int?
        var specialty: String?
        var occupation: String?
        var level: Int?
        var direction: String?
    }

    var round: Int64
    var target: Target

    func validate() throws {
        try Bounds.check(round, "round", Bounds.id)
        if let grade = target.grade { try Bounds.check(grade, "target.grade", Bounds.gradeOrLevel) }
        if let level = target.level { try Bounds.check(level, "target.level", Bounds.gradeOrLevel) }
    }

    func applicationTarget() throws -> ApplicationTarget {
        switch target.track {
        case "title":
            guard let series = target.series else { throw invalidField("target.series", "required for a title", zh: "申报职称须填写系列") }
            guard let grade = target.grade.flatMap(TitleGrade.init(rawValue:)) else {
                throw invalidField("target.grade", "must be 1 to 5", zh: "须为 1 至 5")
            }
            return .title(series: series, grade: grade, specialty: target.specialty)
        case "skill":
            guard let occupation = target.occupation else { throw invalidField("target.occupation", "required for a skill level", zh: "申报技能等级须填写职业") }
            guard let level = target.level.flatMap(SkillLevel.init(rawValue:)) else {
                throw invalidField("target.level", "must be 1 to 5", zh: "须为 1 至 5")
            }
            guard let direction = target.direction else { throw invalidField("target.direction", "required for a skill level", zh: "申报技能等级须填写方向") }
            return .skill(occupation: occupation, level: level, direction: direction)
        default:
            throw invalidField("target.track", "must be title or skill", zh: "须为 title（职称）或 skill（技能等级）")
        }
    }

    static var schema: JSONSchema {
        .object(required: [
            "round": .integer(Bounds.id),
            "target": .object(
                required: ["track": .oneOf(["title", "skill"])],
                optional: [
                    "series": .string("a title's series; required for a title"),
                    "grade": .integer(Bounds.gradeOrLevel, "1 员级 … 5 正高级; required for a title"),
                    "specialty": .string().orNull,
                    "occupation": .string("required for a skill level"),
                    "level": .integer(Bounds.gradeOrLevel, "5 初级工 … 1 高级技师; required for a skill level"),
                    "direction": .string("required for a skill level"),
                ]),
        ])
    }
}

/// A reason, for an appeal or a revocation; the store checks its length.
struct ReasonBody: RequestBody, Documented {
    var reason: String

    func validate() {}

    static var schema: JSONSchema { .object(required: ["reason": .string(length: 1...4_000)]) }
}

struct AppealBody: RequestBody, Documented {
    var reason: String
    var part: String?

    func validate() throws { _ = try checkedPart() }

    func checkedPart() throws -> SkillsPart? { try part.map { try skillsPart($0) } }

    static var schema: JSONSchema {
        .object(
            required: ["reason": .string(length: 1...4_000)],
            optional: ["part": .oneOf(SkillsPart.self, "the part appealed, for a skills result decided at a sitting: one marked below the pass mark")]
        )
    }
}

struct RegisteredView: ResponseEncodable, Sendable, Documented {
    /// A string: JavaScript clients read 64-bit ids exactly only as text.
    let id: String
    let token: String

    static var schema: JSONSchema { .object(required: ["id": .string(), "token": .string("shown once")]) }
}

struct SessionView: ResponseEncodable, Sendable, Documented {
    let token: String
    let applicant: Int64
    let expiresInSeconds: Int
    /// The privacy notice changed since the applicant last accepted it: nothing but reading and
    /// accepting it is allowed until they do.
    let consentRequired: Bool

    static var schema: JSONSchema {
        .object(required: [
            "token": .string(), "applicant": .integer(), "expiresInSeconds": .integer(),
            "consentRequired": .boolean.described(
                "true: read GET /v1/privacy-notice and accept it with POST /v1/consents; other applicant routes answer 403 until then"),
        ])
    }
}

struct NotificationView: Encodable, Sendable, Documented {
    let id: Int64
    let event: String
    let createdAt: Date
    let payload: String

    static var schema: JSONSchema {
        .object(required: [
            "id": .integer(), "event": .oneOf(NotificationEvent.self), "createdAt": .dateTime, "payload": .string("the notification's JSON"),
        ])
    }
}
