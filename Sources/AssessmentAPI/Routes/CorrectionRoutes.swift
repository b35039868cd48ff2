import Foundation
import Hummingbird
import Workflow

/// Corrections of what a checked application was filed with: the applicant asks (in
/// `PrivacyRoutes`), the institution running its round answers here within the stated time.
struct CorrectionRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "institutions")
        routes.add(
            .get, "/v1/correction-requests",
            "Requests to correct what applications of my rounds were filed with: those waiting first, the earliest due first, each with what differs between the filed and the corrected record; then the latest answered",
            access: .role(.institution), query: [QueryParameter.limit], reply: .ok(CorrectionRequestsView.self, "The requests")
        ) { request, context in
            let today = try RoundRecord.today()
            return CorrectionRequestsView(
                items: try await workflow.correctionRequests(institution: try context.require(.institution), limit: try request.page().limit)
                    .map { CorrectionRequestView($0, today: today) })
        }
        routes.add(
            .post, "/v1/correction-requests/{id}/answer",
            "Answer a correction request of my round: accepted, the application carries the applicant's corrected record from now on (a decided result stands); refused, with the reason the applicant reads",
            access: .role(.institution), body: CorrectionAnswerBody.self, reply: .ok(CorrectionRequestView.self, "Answered"),
            refuses: [404, 409]
        ) { _, context, body in
            CorrectionRequestView(
                try await workflow.answerCorrection(
                    try context.id(), institution: try context.require(.institution), accept: body.accept, reason: body.reason),
                today: try RoundRecord.today())
        }
        return routes
    }
}

/// An applicant's request to correct what an application was filed with.
struct CorrectionNoteBody: RequestBody, Documented {
    /// What is wrong and where the evidence is.
    var note: String

    func validate() throws {
        guard RecordCorrection.noteLength.contains(note.unicodeScalars.count) else {
            throw invalidField("note", "must have 1 to 1000 characters", zh: "须为 1 至 1000 个字符")
        }
    }

    static var schema: JSONSchema {
        .object(required: [
            "note": .string(
                length: RecordCorrection.noteLength,
                "what is wrong in the filed record and where the evidence is (an uploaded file, a certificate number)")
        ])
    }
}

/// The institution's answer to a correction request.
struct CorrectionAnswerBody: RequestBody, Documented {
    var accept: Bool
    /// Required when refusing.
    var reason: String?

    func validate() throws {
        if let reason, !RecordCorrection.reasonLength.contains(reason.count) {
            throw invalidField("reason", "must have 1 to 500 characters", zh: "须为 1 至 500 个字符")
        }
        if !accept, reason == nil { throw invalidField("reason", "a refusal says why", zh: "拒绝更正须说明理由") }
    }

    static var schema: JSONSchema {
        .object(
            required: ["accept": .boolean.described("true carries the corrected record into the application; false refuses")],
            optional: ["reason": .string(length: RecordCorrection.reasonLength, "why it is refused; required when refusing")])
    }
}

struct CorrectionRequestView: ResponseEncodable, Sendable, Documented {
    struct Field: Encodable, Sendable {
        let field: String
        let zh: String
        let en: String
    }
    let id: Int64
    let application: Int64
    let round: Int64
    let filedAt: Date
    let due: String
    let overdue: Bool
    let note: String?
    let outcome: String
    let fields: [Field]
    let answeredAt: Date?
    let reason: String?

    init(_ request: CorrectionRequest, today: CalendarDate) {
        (id, application, round, filedAt, due, note) = (
            request.id, request.application, request.round, request.filedAt, request.due.description, request.note
        )
        overdue = request.outcome == .pending && today > request.due
        outcome = request.outcome.rawValue
        fields = request.fields.map { Field(field: $0.rawValue, zh: $0.label.zh, en: $0.label.en) }
        (answeredAt, reason) = (request.answeredAt, request.reason)
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .integer(Bounds.id), "application": .integer(Bounds.id), "round": .integer(Bounds.id), "filedAt": .dateTime,
                "due": .date, "overdue": .boolean.described("still waiting after its due day"),
                "outcome": .oneOf(RecordCorrection.Outcome.self),
                "fields": .array(
                    of: .object(required: ["field": .oneOf(RecordCorrection.Field.self), "zh": .string(), "en": .string()]),
                    "what differs between the filed and the corrected record: now while waiting, when answered once answered"),
            ],
            optional: [
                "note": JSONSchema.string("the applicant's words; gone with the application").orNull, "answeredAt": JSONSchema.dateTime.orNull,
                "reason": JSONSchema.string("why it was refused").orNull,
            ])
    }
}

struct CorrectionRequestsView: ResponseEncodable, Sendable, Documented {
    let items: [CorrectionRequestView]

    static var schema: JSONSchema { .object(required: ["items": .array(of: CorrectionRequestView.schema)]) }
}
