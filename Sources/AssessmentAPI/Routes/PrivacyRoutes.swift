import Foundation
import Hummingbird
import Workflow

/// The privacy notice and applicants' consents to it: what they read, what they agreed to and when.
struct PrivacyRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "applicants")
        routes.add(
            .get, "/v1/privacy-notice", "The privacy notice in force, in Chinese and English, with its version", access: .anyone,
            reply: .ok(PrivacyNoticeView.self, "The notice")
        ) { _, _ in
            PrivacyNoticeView(PrivacyNotice.current)
        }
        routes.add(
            .post, "/v1/consents",
            "Accept the privacy notice in force, with the separate consents it needs; allowed while a sign-in says consentRequired",
            access: .role(.applicant), body: ConsentBody.self, reply: .created("Recorded")
        ) { _, context, body in
            try await workflow.consent(body.consent, applicant: try context.applicantAwaitingConsent())
        }
        routes.add(
            .get, "/v1/consents", "What I consented to, under which notice version and when, oldest first", access: .role(.applicant),
            reply: .ok(ConsentsView.self, "The consents")
        ) { _, context in
            ConsentsView(
                consents: try await workflow.consents(of: try context.applicantAwaitingConsent()).map {
                    .init(notice: $0.noticeVersion, purpose: $0.purpose.rawValue, givenAt: $0.givenAt)
                })
        }
        routes.add(
            .get, "/v1/me/data",
            "A copy of everything held about me, as one JSON document: registration, record, applications with their files, certificates, consents, requests about my data, notifications, sessions and what was done about me. The identity number is masked; who acted is given by role. Allowed while consentRequired",
            access: .role(.applicant),
            reply: .raw(
                "The copy", contentType: "application/json",
                schema: .object(required: [
                    "exportedAt": .dateTime, "applicant": .anyObject, "applications": .array(of: .anyObject),
                    "certificates": .array(of: .anyObject), "consents": .array(of: .anyObject), "requests": .array(of: .anyObject),
                    "notifications": .array(of: .anyObject),
                    "sessions": .array(of: .anyObject), "history": .array(of: .anyObject),
                ]))
        ) { _, context in
            try await Self.copy(workflow.personalData(of: try context.applicantAwaitingConsent()))
        }
        routes.add(
            .post, "/v1/me/erasure",
            "Ask for my personal data to be deleted; answered at once. Granted for what no rule requires keeping (then the account goes too); an application still being evaluated, a certified one while its certificate can be verified, and a bar for fraud until it ends are kept, with the reason. Allowed while consentRequired",
            access: .role(.applicant), reply: .ok(ErasureView.self, "The answer")
        ) { _, context in
            ErasureView(try await workflow.requestErasure(applicant: try context.applicantAwaitingConsent()))
        }
        routes.add(
            .post, "/v1/applications/{id}/correction-request",
            "Ask the institution to carry my corrected record (PUT /v1/applicants/me/record first) into an application I can no longer change myself; it answers within \(RecordCorrection.answerWithinDays) days. Allowed while consentRequired",
            access: .role(.applicant), body: CorrectionNoteBody.self, reply: .created(CorrectionRequestView.self, "Filed"), refuses: [404, 409]
        ) { _, context, body in
            CorrectionRequestView(
                try await workflow.requestCorrection(of: try context.id(), applicant: try context.applicantAwaitingConsent(), note: body.note),
                today: try RoundRecord.today())
        }
        routes.add(
            .get, "/v1/me/requests", "My requests about my data (deletion, correction) and their answers, newest first", access: .role(.applicant),
            reply: .ok(PrivacyRequestsView.self, "The requests")
        ) { _, context in
            PrivacyRequestsView(
                requests: try await workflow.privacyRequests(of: try context.applicantAwaitingConsent()).map(PrivacyRequestView.init))
        }
        return routes
    }

    /// The copy as a download named after the day it was made.
    static func copy(_ json: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .contentDisposition: "attachment; filename=\"my-data-\(String(ISO8601DateFormatter().string(from: Date()).prefix(10))).json\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// The consents a registration or an acceptance gives: each named on its own, as the law asks.
struct ConsentBody: RequestBody, Documented {
    /// The version of the notice read.
    var notice: Int
    /// Consent to processing the identity document number.
    var sensitiveData: Bool
    /// Consent to sharing the application and its results with the institution and the bureau.
    var sharing: Bool

    func validate() throws { try Bounds.check(notice, "consent.notice", Bounds.noticeVersion) }

    var consent: PrivacyConsent {
        var purposes: Set<PrivacyConsent.Purpose> = [.notice]
        if sensitiveData { purposes.insert(.sensitiveData) }
        if sharing { purposes.insert(.sharing) }
        return PrivacyConsent(noticeVersion: notice, purposes: purposes)
    }

    static var schema: JSONSchema {
        .object(required: [
            "notice": .integer(Bounds.noticeVersion, "the version of GET /v1/privacy-notice read; only the version in force is accepted"),
            "sensitiveData": .boolean.described("consent to processing the identity document number; required"),
            "sharing": .boolean.described("consent to sharing the application and its results with the institution and the bureau; required"),
        ])
    }
}

struct PrivacyNoticeView: ResponseEncodable, Sendable, Documented {
    let version: Int
    let effective: String
    let zh: String
    let en: String

    init(_ notice: PrivacyNotice) {
        (version, effective, zh, en) = (notice.version, notice.effective.description, notice.text.zh, notice.text.en)
    }

    static var schema: JSONSchema {
        .object(required: ["version": .integer(Bounds.noticeVersion), "effective": .date, "zh": .string(), "en": .string()])
    }
}

struct ConsentsView: ResponseEncodable, Sendable, Documented {
    struct Consent: Encodable, Sendable {
        let notice: Int
        let purpose: String
        let givenAt: Date
    }
    let consents: [Consent]

    static var schema: JSONSchema {
        .object(required: [
            "consents": .array(
                of: .object(required: [
                    "notice": .integer(Bounds.noticeVersion), "purpose": .oneOf(PrivacyConsent.Purpose.self), "givenAt": .dateTime,
                ]))
        ])
    }
}

/// A reason given in both languages.
struct BilingualView: Encodable, Sendable {
    let zh: String
    let en: String

    init(_ text: LocalizedText) { (zh, en) = (text.zh, text.en) }

    static var schema: JSONSchema { .object(required: ["zh": .string(), "en": .string()]) }
}

struct ErasureView: ResponseEncodable, Sendable, Documented {
    let outcome: String
    let deletedApplications: Int
    let accountDeleted: Bool
    let reasons: [BilingualView]

    init(_ decision: Erasure.Decision) {
        outcome = decision.outcome.rawValue
        deletedApplications = decision.applications.count
        accountDeleted = decision.account
        reasons = decision.reasons.map(BilingualView.init)
    }

    static var schema: JSONSchema {
        .object(required: [
            "outcome": .oneOf(Erasure.Outcome.self), "deletedApplications": .integer(), "accountDeleted": .boolean,
            "reasons": .array(of: BilingualView.schema, "why anything is kept, Chinese and English"),
        ])
    }
}

/// A request about my data and its answer.
struct PrivacyRequestView: Encodable, Sendable {
    let id: Int64
    let kind: String
    let outcome: String
    let filedAt: Date
    let answeredAt: Date?
    let reasons: [BilingualView]
    let deletedApplications: Int?
    let accountDeleted: Bool?
    let application: Int64?
    let due: String?
    let fields: [String]?

    init(_ record: PrivacyRequestRecord) {
        (id, filedAt, answeredAt, reasons) = (record.id, record.filedAt, record.answeredAt, record.reasons.map(BilingualView.init))
        switch record.answer {
        case .erasure(let outcome, let deleted, let account):
            (kind, self.outcome, deletedApplications, accountDeleted) = ("erasure", outcome.rawValue, deleted, account)
            (application, due, fields) = (nil, nil, nil)
        case .correction(let outcome, let application, let due, let fields):
            (kind, self.outcome, self.application, self.due, self.fields) = (
                "correction", outcome.rawValue, application, due.description, fields.map(\.rawValue)
            )
            (deletedApplications, accountDeleted) = (nil, nil)
        }
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .integer(Bounds.id), "kind": .oneOf(["erasure", "correction"]),
                "outcome": .oneOf(
                    Erasure.Outcome.allCases.map(\.rawValue) + RecordCorrection.Outcome.allCases.map(\.rawValue).filter { $0 != "refused" },
                    "an erasure: granted, partly or refused; a correction: pending, accepted, refused or withdrawn"),
                "filedAt": .dateTime, "reasons": .array(of: BilingualView.schema, "why anything was kept or a correction refused"),
            ],
            optional: [
                "answeredAt": JSONSchema.dateTime.orNull, "deletedApplications": .integer(), "accountDeleted": .boolean,
                "application": JSONSchema.integer("the application to correct; null once it is gone").orNull, "due": .date,
                "fields": .array(of: .oneOf(RecordCorrection.Field.self)),
            ])
    }
}

struct PrivacyRequestsView: ResponseEncodable, Sendable, Documented {
    let requests: [PrivacyRequestView]

    static var schema: JSONSchema { .object(required: ["requests": .array(of: PrivacyRequestView.schema)]) }
}
