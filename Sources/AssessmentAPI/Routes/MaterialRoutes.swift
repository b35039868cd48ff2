import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Workflow

/// What applicants declare and file, and the institution's formal check of it: records, works,
/// evidence files, the integrity pledge, returns for correction and resubmissions.
struct MaterialRoutes {
    let workflow: Workflow
    /// The most bytes of one evidence file.
    let maxFileBytes: Int

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "materials")
        routes.add(
            .get, "/v1/applicants/me", "My registration and the record I declare", access: .role(.applicant),
            reply: .ok(ApplicantRecordView.self, "the record")
        ) { _, context in
            ApplicantRecordView(try await workflow.applicantRecord(try context.applicant()))
        }
        routes.add(
            .put, "/v1/applicants/me/record",
            "Declare or correct what I hold: titles, skill levels, work history, retirement. Applications awaiting their formal check in an open round, or returned for correction, take it at once; checked ones keep what they were filed with, and their institution decides a correction (POST /v1/applications/{id}/correction-request)",
            access: .role(.applicant), body: RecordBody.self, reply: .noContent("the record is replaced")
        ) { _, context, body in
            try await workflow.correctRecord(of: try context.applicant(), to: try body.record())
        }
        routes.add(
            .get, "/v1/integrity-pledge", "The integrity pledge (诚信承诺书) applicants sign", access: .anyone,
            reply: .ok(PledgeView.self, "its version and text")
        ) { _, _ in PledgeView(version: IntegrityPledge.version, text: IntegrityPledge.text) }
        routes.add(
            .put, "/v1/applications/{id}/materials",
            "Set the representative works of my application and sign the integrity pledge, until its formal check (or while returned for correction)",
            access: .role(.applicant), body: MaterialsBody.self, reply: .noContent("the materials are replaced"), refuses: [409]
        ) { _, context, body in
            try await workflow.setMaterials(
                of: try context.id(), applicant: try context.applicant(), works: try body.workReferences(), signPledge: body.signPledge ?? false)
        }
        routes.addUpload(
            .post, "/v1/applications/{id}/files",
            "Add an evidence file to my application; its type is checked from its bytes, and the same bytes are stored once",
            access: .role(.applicant), types: EvidenceMediaType.allCases.map(\.rawValue), maxBytes: maxFileBytes,
            query: [
                QueryParameter(name: "name", schema: .string(length: Materials.fileName), description: "the file's name, as the institution sees it"),
                QueryParameter(name: "purpose", schema: .oneOf(EvidencePurpose.self), description: "what the file proves"),
            ],
            reply: .created(EvidenceFileView.self, "the file as stored"), refuses: [409]
        ) { request, context, bytes in
            let name = request.uri.queryParameters.get("name") ?? ""
            guard let purpose = request.uri.queryParameters.get("purpose").flatMap(EvidencePurpose.init(rawValue:)) else {
                throw invalidField(
                    "purpose", "must be one of \(EvidencePurpose.allCases.map(\.rawValue).joined(separator: ", "))",
                    zh: "须为以下之一：\(EvidencePurpose.allCases.map(\.rawValue).joined(separator: "、"))")
            }
            let file = try await workflow.addEvidenceFile(
                to: try context.id(), applicant: try context.applicant(), bytes: bytes, name: name, purpose: purpose)
            return EvidenceFileView(file)
        }
        routes.add(
            .delete, "/v1/applications/{id}/files/{sha256}", "Remove an evidence file from my application", access: .role(.applicant),
            reply: .noContent("removed"), refuses: [409]
        ) { _, context in
            try await workflow.removeEvidenceFile(try context.sha256(), from: try context.id(), applicant: try context.applicant())
        }
        routes.add(
            .get, "/v1/applications/{id}/files/{sha256}", "An evidence file's bytes, for its applicant or the round's institution",
            access: .roles([.applicant, .institution]),
            reply: .raw(
                "the bytes, with the type they were recognised as", contentTypes: EvidenceMediaType.allCases.map(\.rawValue),
                schema: .binary)
        ) { _, context in
            let (file, bytes) = try await workflow.evidenceFile(try context.sha256(), of: try context.id(), for: try context.dossierReader())
            return Self.download(file, bytes)
        }
        routes.add(
            .get, "/v1/applications/{id}/dossier",
            "Everything an application was filed with: the record as declared, works, pledge, files, returns for correction",
            access: .roles([.applicant, .institution]), reply: .ok(DossierView.self, "the dossier")
        ) { _, context in
            DossierView(try await workflow.dossier(of: try context.id(), for: try context.dossierReader()))
        }
        routes.add(
            .post, "/v1/applications/{id}/formal-check",
            "Record the formal check (形式审查): accept (eligibility runs next) or return for correction (补正) with what to correct by when",
            access: .role(.institution), body: FormalCheckBody.self, reply: .accepted("recorded"), refuses: [409]
        ) { _, context, body in
            try await workflow.formalCheck(try context.id(), institution: try context.require(.institution), decision: try body.checked())
        }
        routes.add(
            .post, "/v1/applications/{id}/resubmit",
            "Resubmit my application returned for correction, with my record as it now stands, before the deadline",
            access: .role(.applicant), reply: .accepted("it awaits the formal check again"), refuses: [409]
        ) { _, context in
            try await workflow.resubmit(try context.id(), applicant: try context.applicant())
        }
        return routes
    }

    /// RFC 5987 encoding of a file name for Content-Disposition.
    /// An evidence file's bytes as a download: never shown inline, whatever the browser sniffs.
    static func download(_ file: EvidenceFile, _ bytes: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: file.mediaType.rawValue, .contentDisposition: "attachment; filename*=UTF-8''\(Self.percentEncoded(file.name))",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ], body: .init(byteBuffer: bytes))
    }

    static func percentEncoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? "file"
    }
}

extension APIContext {
    /// The `{sha256}` of the path.
    func sha256() throws -> String {
        guard let text = parameters.get("sha256"), text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw Problem(
                .badRequest, "the file in the path is its SHA-256: 64 lower-case hex digits", zh: "路径中的文件以其 SHA-256 表示：64 位小写十六进制数字",
                errors: [.init(field: "sha256", message: "not 64 lower-case hex digits", zh: "不是 64 位小写十六进制数字")])
        }
        return text
    }

    /// The caller as a reader of dossiers.
    func dossierReader() throws -> DossierReader {
        guard let principal else { throw Problem.noToken }
        switch principal.role {
        case .applicant: return .applicant(try applicant())
        case .institution: return .institution(principal.subject)
        default: throw Problem(.forbidden, "this route is for applicants and institutions", zh: "此接口仅供申请人和评价机构使用")
        }
    }
}

struct RecordBody: RequestBody, Documented {
    /// A title held, as declared and as read back.
    struct Title: Codable {
        var series: String
        var grade: Int
        var obtained: String
        var certificateNumber: String?
    }
    /// A skill level held, as declared and as read back.
    struct Level: Codable {
        var occupation: String
        var level: Int
        var obtained: String
        var certificateNumber: String?
    }
    struct Work: Decodable {
        var employer: String
        var creditCode: String?
        var start: String
        var end: String?
        var inField: Bool?
    }

    var education: String
    var retired: Bool?
    var titles: [Title]?
    var skillLevels: [Level]?
    var workHistory: [Work]?
    var training: [Course]?

    struct Course: Decodable {
        var provider: String
        var creditCode: String?
        var start: String
        var end: String?
    }

    func validate() throws {
        for (index, title) in (titles ?? []).enumerated() { try Bounds.check(title.grade, "titles[\(index)].grade", Bounds.gradeOrLevel) }
        for (index, level) in (skillLevels ?? []).enumerated() { try Bounds.check(level.level, "skillLevels[\(index)].level", Bounds.gradeOrLevel) }
    }

    func record() throws -> DeclaredRecord {
        guard let education = Policy.Education(rawValue: education) else {
            throw invalidField(
                "education", "must be one of \(Policy.Education.allCases.map(\.rawValue).joined(separator: ", "))",
                zh: "须为以下之一：\(Policy.Education.allCases.map(\.rawValue).joined(separator: "、"))")
        }
        let titles = try (titles ?? []).enumerated().map { index, title in
            guard let grade = TitleGrade(rawValue: title.grade) else {
                throw invalidField("titles[\(index)].grade", "must be 1 to 5", zh: "须为 1 至 5")
            }
            return Applicant.HeldTitle(
                series: title.series, grade: grade, obtained: try dateField(title.obtained, "titles[\(index)].obtained"),
                certificateNumber: title.certificateNumber)
        }
        let levels = try (skillLevels ?? []).enumerated().map { index, level in
            guard let skill = SkillLevel(rawValue: level.level) else {
                throw invalidField("skillLevels[\(index)].level", "must be 1 to 5", zh: "须为 1 至 5")
            }
            return Applicant.HeldSkillLevel(
                occupation: level.occupation, level: skill, obtained: try dateField(level.obtained, "skillLevels[\(index)].obtained"),
                certificateNumber: level.certificateNumber)
        }
        let work = try (workHistory ?? []).enumerated().map { index, work in
            Applicant.Employment(
                employer: work.employer.trimmingCharacters(in: .whitespacesAndNewlines),
                creditCode: try creditCode(work.creditCode, field: "workHistory[\(index)].creditCode"),
                start: try dateField(work.start, "workHistory[\(index)].start"),
                end: try work.end.map { try dateField($0, "workHistory[\(index)].end") }, inField: work.inField ?? true)
        }
        let courses = try (training ?? []).enumerated().map { index, course in
            Applicant.Training(
                provider: course.provider.trimmingCharacters(in: .whitespacesAndNewlines),
                creditCode: try creditCode(course.creditCode, field: "training[\(index)].creditCode"),
                start: try dateField(course.start, "training[\(index)].start"),
                end: try course.end.map { try dateField($0, "training[\(index)].end") })
        }
        return DeclaredRecord(
            education: education, isRetired: retired ?? false, titles: titles, skillLevels: levels, workHistory: work, training: courses)
    }

    private func creditCode(_ text: String?, field: String) throws -> CreditCode? {
        guard let text else { return nil }
        guard let code = CreditCode(text) else { throw invalidField(field, CreditCode.rule, zh: CreditCode.chineseRule) }
        return code
    }

    static var schema: JSONSchema {
        .object(
            required: ["education": .oneOf(Policy.Education.self)],
            optional: [
                "retired": .boolean.described("retirees may not apply for titles; false unless given"),
                "titles": .array(
                    of: .object(
                        required: [
                            "series": .string(), "grade": .integer(Bounds.gradeOrLevel, "1 员级 … 5 正高级"), "obtained": .date,
                        ], optional: ["certificateNumber": .string(length: Applicant.Limits.certificateNumber).orNull]),
                    count: Applicant.Limits.titles, "titles held"),
                "skillLevels": .array(
                    of: .object(
                        required: [
                            "occupation": .string(), "level": .integer(Bounds.gradeOrLevel, "5 初级工 … 1 高级技师"), "obtained": .date,
                        ], optional: ["certificateNumber": .string(length: Applicant.Limits.certificateNumber).orNull]),
                    count: Applicant.Limits.skillLevels, "skill levels held"),
                "workHistory": .array(
                    of: .object(
                        required: ["employer": .string(length: Applicant.Limits.employerName), "start": .date],
                        optional: [
                            "creditCode": .string(length: 18...18, "the employer's unified social credit code").orNull,
                            "end": JSONSchema.date.described("the last day; absent while the work lasts").orNull,
                            "inField": .boolean.described("work in the field applied for; true unless given"),
                        ]),
                    count: Applicant.Limits.workHistory, "employments and contracts; freelancers name their talent service centre or platform"),
                "training": .array(
                    of: .object(
                        required: ["provider": .string(length: Applicant.Limits.employerName), "start": .date],
                        optional: [
                            "creditCode": .string(length: 18...18, "the provider's unified social credit code").orNull,
                            "end": JSONSchema.date.described("the last day; absent while the course lasts").orNull,
                        ]),
                    count: Applicant.Limits.training, "vocational training taken (职业技能培训): nobody of its provider examines the candidate"),
            ])
    }
}

struct MaterialsBody: RequestBody, Documented {
    struct Work: Decodable {
        struct Metrics: Decodable {
            var views: Int64?
            var likes: Int64?
            var shares: Int64?
            var comments: Int64?
            var followers: Int64?
        }
        var url: String
        var title: String
        var platform: String
        var published: String
        var metrics: Metrics?
    }

    var works: [Work]
    var signPledge: Bool?

    func validate() throws {
        for (index, work) in works.enumerated() {
            let metrics = work.metrics
            for (name, value) in [
                ("views", metrics?.views), ("likes", metrics?.likes), ("shares", metrics?.shares), ("comments", metrics?.comments),
                ("followers", metrics?.followers),
            ] {
                if let value { try Bounds.check(value, "works[\(index)].metrics.\(name)", WorkReference.Metrics.range) }
            }
        }
    }

    func workReferences() throws -> [WorkReference] {
        try works.enumerated().map { index, work in
            let metrics = work.metrics
            return WorkReference(
                url: work.url, title: work.title, platform: work.platform, published: try dateField(work.published, "works[\(index)].published"),
                metrics: WorkReference.Metrics(
                    views: metrics?.views, likes: metrics?.likes, shares: metrics?.shares, comments: metrics?.comments,
                    followers: metrics?.followers))
        }
    }

    static var schema: JSONSchema {
        let count = JSONSchema.integer(WorkReference.Metrics.range)
        return .object(
            required: [
                "works": .array(
                    of: .object(
                        required: [
                            "url": .string(length: 9...2000, "an https:// address"), "title": .string(length: 1...200),
                            "platform": .string(length: 1...100), "published": .date,
                        ],
                        optional: [
                            "metrics": .object(optional: [
                                "views": count, "likes": count, "shares": count, "comments": count, "followers": count,
                            ])
                        ]),
                    count: Materials.works, "representative works")
            ],
            optional: ["signPledge": .boolean.described("sign the integrity pledge of `GET /v1/integrity-pledge`; a signature stays")])
    }
}

struct FormalCheckBody: RequestBody, Documented {
    var decision: String
    var reasons: [String]?
    var correctBy: String?

    func validate() {}  // no numbers; checked() checks the rest

    func checked() throws -> FormalCheckDecision {
        switch decision {
        case "accept": return .accept
        case "return":
            guard let reasons, !reasons.isEmpty else {
                throw invalidField("reasons", "say what to correct when returning an application", zh: "退回补正须写明补正内容")
            }
            guard let correctBy else { throw invalidField("correctBy", "give the deadline for the correction", zh: "请写明补正期限") }
            return .returnForCorrection(reasons: reasons, correctBy: try dateField(correctBy, "correctBy"))
        default: throw invalidField("decision", "must be accept or return", zh: "须为 accept（通过）或 return（退回补正）")
        }
    }

    static var schema: JSONSchema {
        .object(
            required: ["decision": .oneOf(["accept", "return"])],
            optional: [
                "reasons": .array(
                    of: .string(length: FormalCheckDecision.reasonLength), count: FormalCheckDecision.reasons,
                    "what to correct; required to return"),
                "correctBy": JSONSchema.date.described("the last day to resubmit, 1 to 90 days ahead; required to return"),
            ])
    }
}

/// What an applicant declares, as read back.
struct RecordView: Encodable, Sendable, Documented {
    typealias Title = RecordBody.Title
    typealias Level = RecordBody.Level
    struct Work: Encodable {
        let employer: String
        let creditCode: String?
        let start: String
        let end: String?
        let inField: Bool
    }

    let birthDate: String
    let education: String
    let retired: Bool
    let barredUntil: String?
    let titles: [Title]
    let skillLevels: [Level]
    let workHistory: [Work]
    let training: [Course]

    struct Course: Encodable {
        let provider: String
        let creditCode: String?
        let start: String
        let end: String?
    }

    init(_ profile: Applicant) {
        birthDate = profile.birthDate.description
        education = profile.education.rawValue
        retired = profile.isRetired
        barredUntil = profile.barredUntil?.description
        titles = profile.titles.map {
            Title(series: $0.series, grade: $0.grade.rawValue, obtained: $0.obtained.description, certificateNumber: $0.certificateNumber)
        }
        skillLevels = profile.skillLevels.map {
            Level(occupation: $0.occupation, level: $0.level.rawValue, obtained: $0.obtained.description, certificateNumber: $0.certificateNumber)
        }
        workHistory = profile.workHistory.map {
            Work(employer: $0.employer, creditCode: $0.creditCode?.text, start: $0.start.description, end: $0.end?.description, inField: $0.inField)
        }
        training = profile.training.map {
            Course(provider: $0.provider, creditCode: $0.creditCode?.text, start: $0.start.description, end: $0.end?.description)
        }
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "birthDate": .date, "education": .oneOf(Policy.Education.self), "retired": .boolean,
                "titles": .array(
                    of: .object(
                        required: ["series": .string(), "grade": .integer(Bounds.gradeOrLevel), "obtained": .date],
                        optional: ["certificateNumber": .string().orNull])),
                "skillLevels": .array(
                    of: .object(
                        required: ["occupation": .string(), "level": .integer(Bounds.gradeOrLevel), "obtained": .date],
                        optional: ["certificateNumber": .string().orNull])),
                "workHistory": .array(
                    of: .object(
                        required: ["employer": .string(), "start": .date, "inField": .boolean],
                        optional: ["creditCode": .string().orNull, "end": JSONSchema.date.orNull])),
                "training": .array(
                    of: .object(
                        required: ["provider": .string(), "start": .date], optional: ["creditCode": .string().orNull, "end": JSONSchema.date.orNull])),
            ],
            optional: ["barredUntil": JSONSchema.date.described("barred from titles until this day, after a revocation for fraud").orNull])
    }
}

struct ApplicantRecordView: ResponseEncodable, Sendable, Documented {
    let id: String
    let name: String
    let document: String
    let record: RecordView

    init(_ applicant: ApplicantRecord) {
        (id, name, document, record) = (String(applicant.id), applicant.name, applicant.documentMasked, RecordView(applicant.profile))
    }

    static var schema: JSONSchema {
        .object(required: ["id": .string(), "name": .string(), "document": .string("masked"), "record": .ref(RecordView.self)])
    }
}

struct PledgeView: ResponseEncodable, Sendable, Documented {
    let version: String
    let text: String

    static var schema: JSONSchema { .object(required: ["version": .string(), "text": .string("Chinese, then English")]) }
}

struct EvidenceFileView: ResponseEncodable, Sendable, Documented {
    let sha256: String
    let name: String
    let purpose: String
    let mediaType: String
    let size: Int64
    let addedAt: Date

    init(_ file: EvidenceFile) {
        (sha256, name, purpose, mediaType, size, addedAt) = (
            file.sha256, file.name, file.purpose.rawValue, file.mediaType.rawValue, file.size, file.addedAt
        )
    }

    static var schema: JSONSchema {
        .object(required: [
            "sha256": .string(length: 64...64), "name": .string(), "purpose": .oneOf(EvidencePurpose.self),
            "mediaType": .oneOf(EvidenceMediaType.self), "size": .integer(), "addedAt": .dateTime,
        ])
    }
}

struct DossierView: ResponseEncodable, Sendable, Documented {
    struct Work: Encodable {
        let url: String
        let title: String
        let platform: String
        let published: String
        let metrics: [String: Int64]

        init(_ work: WorkReference) {
            let counted = [
                ("views", work.metrics.views), ("likes", work.metrics.likes), ("shares", work.metrics.shares),
                ("comments", work.metrics.comments), ("followers", work.metrics.followers),
            ]
            (url, title, platform, published) = (work.url, work.title, work.platform, work.published.description)
            metrics = Dictionary(uniqueKeysWithValues: counted.compactMap { name, value in value.map { (name, $0) } })
        }

        static let schema: JSONSchema = .object(
            required: [
                "url": .string(), "title": .string(), "platform": .string(), "published": .date,
                "metrics": .map(of: .integer(WorkReference.Metrics.range)),
            ])
    }
    struct Pledge: Encodable {
        let version: String
        let signedAt: Date
    }
    struct Correction: Encodable {
        let reasons: [String]
        let correctBy: String
        let returnedAt: Date
        let resubmittedAt: Date?
    }

    let application: ApplicationView
    let record: RecordView
    let works: [Work]
    let pledge: Pledge?
    let files: [EvidenceFileView]
    let checkedAt: Date?
    let correctBy: String?
    let corrections: [Correction]

    init(_ dossier: Dossier) {
        application = ApplicationView(dossier.application)
        record = RecordView(dossier.profile)
        works = dossier.works.map(Work.init)
        pledge = dossier.pledge.map { Pledge(version: $0.version, signedAt: $0.signedAt) }
        files = dossier.files.map(EvidenceFileView.init)
        checkedAt = dossier.checkedAt
        correctBy = dossier.correctBy?.description
        corrections = dossier.corrections.map {
            Correction(reasons: $0.reasons, correctBy: $0.correctBy.description, returnedAt: $0.returnedAt, resubmittedAt: $0.resubmittedAt)
        }
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "application": .ref(ApplicationView.self), "record": .ref(RecordView.self),
                "works": .array(of: Work.schema),
                "files": .array(of: .ref(EvidenceFileView.self)),
                "corrections": .array(
                    of: .object(
                        required: ["reasons": .array(of: .string()), "correctBy": .date, "returnedAt": .dateTime],
                        optional: ["resubmittedAt": JSONSchema.dateTime.orNull])),
            ],
            optional: [
                "pledge": JSONSchema.object(required: ["version": .string(), "signedAt": .dateTime]).orNull,
                "checkedAt": JSONSchema.dateTime.described("when the formal check accepted it").orNull,
                "correctBy": JSONSchema.date.described("while returned: the last day to resubmit").orNull,
            ])
    }
}
