import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Workflow

/// What a round publishes and reports: the public notice anyone reads, the figures its institution
/// and the bureau read, and the confirmed results the bureau files in the national systems.
struct ReportRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "reports")
        routes.add(
            .get, "/v1/rounds/{id}/notice",
            "A round's public notice (公示), readable without a token once published: each result with the name as the policy shows it, the employer, the qualification, the notice's end and how to object",
            access: .anyone, query: QueryParameter.page, reply: .ok(NoticeView.self, "A page of the notice")
        ) { request, context in
            let (after, limit) = try request.page()
            let (round, entries) = try await workflow.publicNotice(round: try context.id(), after: after, limit: limit)
            return NoticeView(round: round, entries: entries, limit: limit)
        }
        routes.add(
            .get, "/v1/rounds/{id}/statistics",
            "A round's figures: outcomes and pass rates by qualification, reviewers' loads and scores, spreads, appeals, objections",
            access: .roles([.institution, .bureau]), reply: .ok(StatisticsView.self, "The figures")
        ) { _, context in
            let (round, statistics) = try await workflow.statistics(round: try context.id(), for: try context.reportReader())
            return StatisticsView(round: round, statistics)
        }
        for format in ResultFormat.allCases {
            routes.add(
                .get, "/v1/rounds/{id}/results.\(format.rawValue)",
                "A confirmed round's results as \(format.rawValue.uppercased()), only what the purpose needs: national_filing has passed results without scores or "
                    + "birth dates; archive has every result with identity numbers masked; verification has every field. Identity numbers are in full only for "
                    + "the bureau and never for archive. Every export is audited with its purpose and columns, and every identity number it unseals with who, when and why",
                access: .roles([.institution, .bureau]), query: [ExportPurpose.parameter],
                reply: .raw("the table, headers in Chinese and English", contentType: format.contentType, schema: .binary), refuses: [409]
            ) { request, context in
                let (round, profile, rows) = try await workflow.confirmedResults(
                    round: try context.id(), for: try context.reportReader(), purpose: try request.exportPurpose())
                return format.download(round: round, profile, rows)
            }
        }
        routes.add(
            .get, "/v1/document-access",
            "Every identity number unsealed (of one application when `application` is given), the latest first: who read it, when, "
                + "for which application of which round, and why",
            access: .role(.bureau),
            query: [QueryParameter(name: "application", schema: .integer(Bounds.id), description: "only this application's")] + [
                QueryParameter.limit
            ],
            reply: .ok(UnsealingList.self, "The latest")
        ) { request, _ in
            let application = try request.idFilter("application", "an application", zh: "申请")
            return UnsealingList(
                items: try await workflow.unsealings(application: application, limit: try request.page().limit).map(UnsealingView.init))
        }
        return routes
    }
}

extension ExportPurpose {
    /// The `purpose` every export names.
    static var parameter: QueryParameter {
        QueryParameter(
            name: "purpose", schema: .oneOf(ExportPurpose.self, "required: why the results leave the system"),
            description: "why: national_filing, archive or verification; it decides the columns and rows, and is kept in the audit log")
    }
}

extension Request {
    /// The `purpose` of an export, which it must name.
    func exportPurpose() throws -> ExportPurpose {
        let names = ExportPurpose.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = uri.queryParameters["purpose"], let purpose = ExportPurpose(rawValue: String(text)) else {
            throw Problem(
                .badRequest, "name the export's purpose: purpose=\(names)", zh: "请说明导出用途：purpose=\(names)",
                errors: [.init(field: "purpose", message: "required, one of \(names)", zh: "必填，须为以下之一：\(names)")])
        }
        return purpose
    }
}

struct UnsealingView: Encodable, Sendable {
    let at: String
    let actor: String
    let application: Int64?
    let round: Int64?
    let purpose: String?
    let purposeName: String?

    init(_ unsealing: Unsealing) {
        (actor, application, round, purpose) = (unsealing.actor, unsealing.application, unsealing.round, unsealing.purpose?.rawValue)
        at = unsealing.at.formatted(.iso8601)
        purposeName = unsealing.purpose?.chineseName
    }
}

struct UnsealingList: ResponseEncodable, Sendable, Documented {
    let items: [UnsealingView]

    static var schema: JSONSchema {
        .object(required: [
            "items": .array(
                of: .object(
                    required: ["at": .string(format: "date-time"), "actor": .string("who: bureau:OFFICER")],
                    optional: [
                        "application": JSONSchema.integer("whose identity number").orNull, "round": JSONSchema.integer().orNull,
                        "purpose": JSONSchema.oneOf(ExportPurpose.self).orNull, "purposeName": JSONSchema.string().orNull,
                    ]))
        ])
    }
}

enum ResultFormat: String, CaseIterable {
    case csv, xlsx

    /// A confirmed round's results as a download in this format.
    func download(round: RoundRecord, _ profile: ExportProfile, _ rows: [ResultRow]) -> Response {
        let table = ResultTable.rows(profile, rows)
        let bytes = self == .csv ? Spreadsheet.csv(table) : Spreadsheet.xlsx(sheet: "Results", table)
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentDisposition: "attachment; filename=\"round-\(round.id)-results.\(rawValue)\"",
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}

extension APIContext {
    /// The caller as a reader of a round's reports.
    func reportReader() throws -> ReportReader {
        guard let principal else { throw Problem.noToken }
        switch principal.role {
        case .institution: return .institution(principal.subject)
        case .bureau: return .bureau(officer: principal.subject)
        default: throw Problem(.forbidden, "this route is for institutions and the bureau", zh: "此接口仅供评价机构和人社部门使用")
        }
    }
}

/// The export's columns, Chinese first, as its profile chooses them.
enum ResultTable {
    /// A field's column titles: the document takes two, its kind and its number.
    static func titles(_ field: ExportProfile.Field) -> [String] {
        switch field {
        case .application: ["申请编号 Application"]
        case .name: ["姓名 Name"]
        case .document: ["证件类型 Document", "证件号码 Number"]
        case .birthDate: ["出生日期 Born"]
        case .employer: ["工作单位 Employer"]
        case .qualification: ["系列/职业 Series or occupation"]
        case .level: ["级别 Grade or level"]
        case .specialty: ["专业/方向 Specialty or direction"]
        case .score: ["成绩 Score"]
        case .result: ["结果 Result"]
        case .certificate: ["证书编号 Certificate"]
        case .issuedOn: ["发证日期 Issued"]
        }
    }

    static func documentName(_ kind: IdentityDocument.Kind) -> String {
        switch kind {
        case .residentID: "居民身份证"
        case .passport: "护照"
        case .foreignPermanentResidenceID: "外国人永久居留身份证"
        case .hongKongMacaoTaiwanResidencePermit: "港澳台居民居住证"
        }
    }

    /// A field's cells, one under each of its titles.
    static func cells(_ field: ExportProfile.Field, _ row: ResultRow) -> [Spreadsheet.Cell] {
        let wording = CertificateWording(row.target)
        switch field {
        case .application: return [.text(String(row.application))]
        case .name: return [.text(row.name)]
        case .document: return [.text(documentName(row.documentKind)), .text(row.document)]
        case .birthDate: return [.text(row.birthDate.description)]
        case .employer: return [row.employer.map(Spreadsheet.Cell.text) ?? .empty]
        case .qualification: return [.text(wording.qualification)]
        case .level: return [.text(wording.level)]
        case .specialty: return [row.target.detail.map(Spreadsheet.Cell.text) ?? .empty]
        case .score: return [row.score.map(Spreadsheet.Cell.number) ?? .empty]
        case .result: return [.text(row.passed ? "通过 passed" : "未通过 failed")]
        case .certificate: return [row.certificate.map(Spreadsheet.Cell.text) ?? .empty]
        case .issuedOn: return [row.issuedOn.map { .text($0.description) } ?? .empty]
        }
    }

    static func rows(_ profile: ExportProfile, _ results: [ResultRow]) -> [[Spreadsheet.Cell]] {
        let header: [String] = ["序号 No."] + profile.fields.flatMap(titles)
        return [header.map(Spreadsheet.Cell.text)]
            + results.enumerated().map { index, row in [.number(Double(index + 1))] + profile.fields.flatMap { cells($0, row) } }
    }
}

struct NoticeView: ResponseEncodable, Sendable, Documented {
    struct Entry: Encodable, Sendable {
        let application: String
        let name: String
        let employer: String?
        let qualification: String
        let qualificationEnglish: String
        let level: String
        let result: String
        let resultText: String
        let appealOutcome: String?
    }

    /// Each result's code and its words on the notice, Chinese first.
    static let results = [
        "passed": "通过 passed", "failed": "未通过 failed",
        "suspended": "暂缓公布，待评审委员会复议 suspended until the committee reconsiders it",
    ]

    let round: String
    let title: String
    let publishedOn: String
    let endsOn: String
    let howToObject: String
    let items: [Entry]
    let next: Int64?

    init(round: RoundRecord, entries: [NoticeEntry], limit: Int) {
        self.round = String(round.id)
        title = "\(round.name) 评审结果公示 / results on public notice"
        publishedOn = round.noticePublishedOn?.description ?? ""
        endsOn = round.noticeEnds?.description ?? ""
        howToObject = round.noticeEnds.map(PublicNoticeText.howToObject(until:)) ?? ""
        items = entries.map { entry in
            let wording = CertificateWording(entry.target)
            let result = entry.suspended ? "suspended" : entry.passed ? "passed" : "failed"
            return Entry(
                application: String(entry.application), name: round.policy.noticeNames.shown(entry.name), employer: entry.employer,
                qualification: wording.qualification, qualificationEnglish: wording.qualificationEnglish, level: wording.level,
                result: result, resultText: Self.results[result] ?? result, appealOutcome: entry.appealOutcome?.rawValue)
        }
        next = entries.count == limit ? entries.last?.application : nil
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "round": .string(), "title": .string(), "publishedOn": .date, "endsOn": .date,
                "howToObject": .string("Chinese, then English"),
                "items": .array(
                    of: .object(
                        required: [
                            "application": .string("the id an objection names"), "name": .string("in full or masked, as the round's policy says"),
                            "qualification": .string(), "qualificationEnglish": .string(), "level": .string(),
                            "result": .oneOf(["passed", "failed", "suspended"]),
                            "resultText": .string("the result in words, Chinese then English"),
                        ],
                        optional: [
                            "employer": JSONSchema.string().orNull,
                            "appealOutcome": JSONSchema.oneOf(AppealOutcome.self, "once an appeal of it is decided").orNull,
                        ])),
            ], optional: ["next": JSONSchema.integer("the after= of the next page").orNull])
    }
}

struct StatisticsView: ResponseEncodable, Sendable, Documented {
    struct Group: Encodable, Sendable {
        let qualification: String
        let level: String
        let detail: String?
        let applied: Int
        let ineligible: Int
        let passed: Int
        let failed: Int
        /// Passed over decided, when any was decided.
        let passRate: Double?
    }
    struct Reviewer: Encodable, Sendable {
        let id: String
        let assigned: Int
        let scored: Int
        let replaced: Int
        let meanScore: Double?
        let scoreDeviation: Double?
    }

    let round: String
    let state: String
    let groups: [Group]
    let reviewers: [Reviewer]
    let meanSpread: Double?
    let largestSpread: Double?
    let appeals: [String: Int]
    let objections: [String: Int]

    init(round: RoundRecord, _ statistics: RoundStatistics) {
        (self.round, state) = (String(round.id), round.state.rawValue)
        groups = statistics.groups.map { group in
            let wording = CertificateWording(group.target)
            let detail = group.target.detail
            let decided = group.passed + group.failed
            return Group(
                qualification: wording.qualification, level: wording.level, detail: detail, applied: group.applied, ineligible: group.ineligible,
                passed: group.passed, failed: group.failed, passRate: decided > 0 ? Double(group.passed) / Double(decided) : nil)
        }
        reviewers = statistics.reviewers.map {
            Reviewer(
                id: $0.id, assigned: $0.assigned, scored: $0.scored, replaced: $0.replaced, meanScore: $0.meanScore, scoreDeviation: $0.scoreDeviation
            )
        }
        (meanSpread, largestSpread) = (statistics.meanSpread, statistics.largestSpread)
        var appeals = Dictionary(uniqueKeysWithValues: statistics.appeals.map { ($0.key.rawValue, $0.value) })
        appeals["open"] = statistics.appealsOpen
        self.appeals = appeals
        objections = Dictionary(uniqueKeysWithValues: statistics.objections.map { ($0.key.rawValue, $0.value) })
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "round": .string(), "state": .oneOf(RoundState.self),
                "groups": .array(
                    of: .object(
                        required: [
                            "qualification": .string(), "level": .string(), "applied": .integer(), "ineligible": .integer(), "passed": .integer(),
                            "failed": .integer(),
                        ],
                        optional: [
                            "detail": JSONSchema.string("the specialty or direction").orNull,
                            "passRate": JSONSchema.number(0...1, "passed over decided").orNull,
                        ])),
                "reviewers": .array(
                    of: .object(
                        required: ["id": .string(), "assigned": .integer(), "scored": .integer(), "replaced": .integer()],
                        optional: ["meanScore": JSONSchema.number.orNull, "scoreDeviation": JSONSchema.number.orNull])),
                "appeals": .map(of: .integer(), "by outcome, and open"), "objections": .map(of: .integer(), "by state"),
            ],
            optional: [
                "meanSpread": JSONSchema.number(0...100, "mean of max − min over the cases a panel scored").orNull,
                "largestSpread": JSONSchema.number(0...100).orNull,
            ])
    }
}

extension ApplicationTarget {
    /// The specialty of a title, or the direction of a skill level.
    var detail: String? {
        switch self {
        case .title(_, _, let specialty): specialty
        case .skill(_, _, let direction): direction
        }
    }
}
