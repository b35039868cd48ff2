import Foundation
import Hummingbird
import Workflow

/// An institution's expert database (专家库): file, list, correct, suspend, retire, import.
struct ExpertRoutes {
    let workflow: Workflow
    /// The largest CSV file taken, by the API and the console alike.
    static let importMaxBytes = 1 << 20

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "experts")
        routes.add(
            .post, "/v1/reviewers", "File an expert in my database: what they review, the grade they hold, their employer and term",
            access: .role(.institution), body: ReviewerBody.self, reply: .created("Filed"), refuses: [404, 409]
        ) { _, context, body in
            guard let id = body.id else {
                throw invalidField("id", "is required: 1 to 64 letters, digits, dots, dashes or underscores", zh: "必填：1 至 64 个字母、数字、点、连字符或下划线")
            }
            try await workflow.addExpert(
                id: id, profile: try body.profile(), conflicts: Set(body.conflicts ?? []), institution: try context.require(.institution))
        }
        routes.add(
            .get, "/v1/reviewers", "My experts, by id",
            access: .role(.institution),
            query: [QueryParameter(name: "status", schema: .oneOf(ExpertStatus.self), description: "only experts in this status")]
                + QueryParameter.textPage,
            reply: .ok(ExpertPage.self, "A page")
        ) { request, context in
            let (after, limit) = try request.textPage()
            let status = try request.uri.queryParameters["status"].map { text -> ExpertStatus in
                guard let status = ExpertStatus(rawValue: String(text)) else {
                    throw Problem(
                        .badRequest, "status must be active, suspended or retired", zh: "status 须为 active、suspended 或 retired",
                        errors: [.init(field: "status", message: "unknown", zh: "未知")])
                }
                return status
            }
            let found = try await workflow.experts(institution: try context.require(.institution), status: status, after: after, limit: limit)
            return ExpertPage(items: found.map(ExpertView.init), next: found.count == limit ? found.last?.id : nil)
        }
        routes.add(
            .put, "/v1/reviewers/{reviewer}", "Correct what I filed of an expert; their declared conflicts stay",
            access: .role(.institution), body: ReviewerBody.self, reply: .noContent("Updated")
        ) { _, context, body in
            try await workflow.updateExpert(id: try context.reviewer(), profile: try body.profile(), institution: try context.require(.institution))
        }
        routes.add(
            .post, "/v1/reviewers/{reviewer}/status", "Suspend, resume or retire an expert; a retired expert stays retired",
            access: .role(.institution), body: ExpertStatusBody.self, reply: .noContent("Set"), refuses: [409]
        ) { _, context, body in
            try await workflow.setExpertStatus(try context.reviewer(), to: try body.checked(), institution: try context.require(.institution))
        }
        routes.addUpload(
            .post, "/v1/reviewers/import",
            "Import my expert register from CSV (columns: \(ExpertCSV.columns.joined(separator: ", "))); every row is checked and one bad row refuses the file",
            access: .role(.institution), types: ["text/csv"], maxBytes: Self.importMaxBytes,
            reply: .ok(ImportView.self, "How many experts were filed and replaced"), refuses: [409]
        ) { _, context, bytes in
            let (added, updated) = try await workflow.importExperts(csv: try csvText(bytes), institution: try context.require(.institution))
            return ImportView(added: added, updated: updated)
        }
        return routes
    }
}

extension APIContext {
    /// The `{reviewer}` of the path.
    func reviewer() throws -> String {
        guard let id = parameters.get("reviewer"), ExpertProfile.isValidID(id) else {
            throw Problem(
                .badRequest, "the expert in the path is 1 to 64 letters, digits, dots, dashes or underscores",
                zh: "路径中的专家编号须为1 至 64 个字母、数字、点、连字符或下划线", errors: [.init(field: "reviewer", message: "not an expert id", zh: "不是专家编号")])
        }
        return id
    }
}

struct ReviewerBody: RequestBody, Documented {
    var id: String?
    var name: String
    var fields: [String]
    var specialty: String?
    var grade: Int?
    var employer: String?
    var employerCode: String?
    var termStart: String?
    var termEnd: String?
    var loadCap: Int?
    var skillLevel: Int?
    var certificate: CertificateBody?
    /// Applicant ids the expert must never assess.
    var conflicts: [Int64]?

    func validate() throws {
        if let loadCap { try Bounds.check(loadCap, "loadCap", ExpertProfile.loadCaps) }
        if let grade { try Bounds.check(grade, "grade", Bounds.gradeOrLevel) }
        if let skillLevel { try Bounds.check(skillLevel, "skillLevel", Bounds.gradeOrLevel) }
        for (index, applicant) in (conflicts ?? []).enumerated() { try Bounds.check(applicant, "conflicts[\(index)]", Bounds.id) }
    }

    func profile() throws -> ExpertProfile {
        if let id, !ExpertProfile.isValidID(id) {
            throw invalidField("id", "must be 1 to 64 letters, digits, dots, dashes or underscores", zh: "须为1 至 64 个字母、数字、点、连字符或下划线")
        }
        guard (conflicts?.count ?? 0) <= 1_000 else { throw invalidField("conflicts", "must list at most 1000 applicants", zh: "至多列出 1000 名申请人") }
        var code: CreditCode?
        if let employerCode {
            guard let valid = CreditCode(employerCode) else { throw invalidField("employerCode", CreditCode.rule, zh: CreditCode.chineseRule) }
            code = valid
        }
        let start = try termStart.map { try dateField($0, "termStart") } ?? RoundRecord.today()
        let end = try termEnd.map { try dateField($0, "termEnd") } ?? ExpertProfile.fullTerm(from: start)
        let profile = ExpertProfile(
            name: name, fields: Set(fields), specialty: specialty, grade: grade.flatMap(TitleGrade.init(rawValue:)), employer: employer,
            employerCode: code, termStart: start, termEnd: end, loadCap: loadCap ?? 20, skillLevel: skillLevel.flatMap(SkillLevel.init(rawValue:)),
            certificate: try certificate?.certificate())
        if let problem = profile.problems().first { throw invalidField(problem.field, problem.message.en, zh: problem.message.zh) }
        return profile
    }

    static var schema: JSONSchema {
        .object(
            required: ["name": .string(length: 1...100), "fields": .array(of: .string(), count: 1...20, "title series or occupation codes")],
            optional: [
                "id": .string(pattern: "^[A-Za-z0-9._-]{1,64}$", "required when filing; the path names it when correcting"),
                "specialty": .string(length: 1...50, "the specialty within a series, where it names one").orNull,
                "grade": .integer(
                    Bounds.gradeOrLevel, "the title grade held (1 员级 … 5 正高级); required for a title series: they review at or below it"),
                "employer": .string(length: 1...200).orNull,
                "employerCode": .string(length: 18...18, "the employer's unified social credit code: recusal compares codes").orNull,
                "termStart": JSONSchema.date.described("today unless given"),
                "termEnd": JSONSchema.date.described("at most \(ExpertProfile.termYears) years on; the full term unless given"),
                "loadCap": .integer(ExpertProfile.loadCaps, "cases in one round; 20 unless given"),
                "conflicts": .array(of: .integer(Bounds.id), count: 0...1_000, "applicant ids the expert must never assess; when filing"),
                "skillLevel": .integer(
                    Bounds.gradeOrLevel, "the skill level held of the occupations in fields (5 初级工 … 1 高级技师): they examine candidates at or below it"),
                "certificate": CertificateBody.schema,
            ])
    }
}

/// An examiner's (考评员) or supervisor's (督导员) certificate.
struct CertificateBody: Decodable {
    var kind: String
    var number: String
    var validUntil: String

    func certificate() throws -> ExaminerCertificate {
        guard let kind = ExaminerCertificate.Kind(rawValue: kind) else {
            throw invalidField("certificate.kind", "must be examiner or supervisor", zh: "须为 examiner（考评员）或 supervisor（督导员）")
        }
        return ExaminerCertificate(kind: kind, number: number, validUntil: try dateField(validUntil, "certificate.validUntil"))
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "kind": .oneOf(ExaminerCertificate.Kind.self), "number": .string(pattern: "^[A-Za-z0-9-]{1,40}$"),
                "validUntil": JSONSchema.date.described("its last valid day: a sitting draws holders valid through its last day"),
            ], "an examiner's (考评员) or supervisor's (督导员) certificate, for experts of an occupation")
    }
}

struct ExpertStatusBody: RequestBody, Documented {
    var status: String

    func validate() {}  // no numbers

    func checked() throws -> ExpertStatus {
        guard let status = ExpertStatus(rawValue: status) else {
            throw invalidField("status", "must be active, suspended or retired", zh: "须为 active、suspended 或 retired")
        }
        return status
    }

    static var schema: JSONSchema { .object(required: ["status": .oneOf(ExpertStatus.self)]) }
}

struct ExpertView: Encodable, Sendable, Documented {
    let id: String
    let name: String
    let fields: [String]
    let specialty: String?
    let grade: Int?
    let employer: String?
    let employerCode: String?
    let termStart: String?
    let termEnd: String?
    let loadCap: Int
    let status: String
    let conflicts: Int
    let skillLevel: Int?
    let certificate: Certificate?

    struct Certificate: Encodable, Sendable {
        let kind: String
        let number: String
        let validUntil: String
    }

    init(_ record: ExpertRecord) {
        (id, name, fields, specialty, grade) = (record.id, record.name, record.fields, record.specialty, record.grade?.rawValue)
        (employer, employerCode, termStart, termEnd) = (
            record.employer, record.employerCode?.text, record.termStart?.description, record.termEnd?.description
        )
        (loadCap, status, conflicts) = (record.loadCap, record.status.rawValue, record.conflicts)
        skillLevel = record.skillLevel?.rawValue
        certificate = record.certificate.map { Certificate(kind: $0.kind.rawValue, number: $0.number, validUntil: $0.validUntil.description) }
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .string(), "name": .string(), "fields": .array(of: .string()), "loadCap": .integer(ExpertProfile.loadCaps),
                "status": .oneOf(ExpertStatus.self), "conflicts": .integer("applicants they declared a conflict with"),
            ],
            optional: [
                "specialty": JSONSchema.string().orNull, "grade": JSONSchema.integer(Bounds.gradeOrLevel).orNull,
                "employer": JSONSchema.string().orNull, "employerCode": JSONSchema.string().orNull,
                "termStart": JSONSchema.date.described("absent for experts filed before terms were kept").orNull,
                "termEnd": JSONSchema.date.orNull,
                "skillLevel": JSONSchema.integer(Bounds.gradeOrLevel).orNull, "certificate": CertificateBody.schema.orNull,
            ])
    }
}

struct ExpertPage: ResponseEncodable, Sendable, Documented {
    let items: [ExpertView]
    let next: String?

    static var schema: JSONSchema {
        .object(required: ["items": .array(of: .ref(ExpertView.self))], optional: ["next": JSONSchema.string("the after= of the next page").orNull])
    }
}

struct ImportView: ResponseEncodable, Sendable, Documented {
    let added: Int
    let updated: Int

    static var schema: JSONSchema { .object(required: ["added": .integer(), "updated": .integer()]) }
}
