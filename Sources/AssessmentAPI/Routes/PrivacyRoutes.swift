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
            "A copy of everything held about me, as one JSON document: registration, record, applications with their files, certificates, consents, notifications, sessions and what was done about me. The identity number is masked; who acted is given by role. Allowed while consentRequired",
            access: .role(.applicant),
            reply: .raw(
                "The copy", contentType: "application/json",
                schema: .object(required: [
                    "exportedAt": .dateTime, "applicant": .anyObject, "applications": .array(of: .anyObject),
                    "certificates": .array(of: .anyObject), "consents": .array(of: .anyObject), "notifications": .array(of: .anyObject),
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
            .get, "/v1/me/requests", "My requests about my data and their answers, newest first", access: .role(.applicant),
            reply: .ok(PrivacyRequestsView.self, "The requests")
        ) { _, context in
            PrivacyRequestsView(requests: try await workflow.privacyRequests(of: try context.applicantAwaitingConsent()).map(ErasureView.init))
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

struct ErasureView: ResponseEncodable, Sendable, Documented {
    struct Reason: Encodable, Sendable {
        let zh: String
        let en: String
    }
    let outcome: String
    let deletedApplications: Int
    let accountDeleted: Bool
    let reasons: [Reason]
    let filedAt: Date?

    init(_ decision: Erasure.Decision) {
        outcome = decision.outcome.rawValue
        deletedApplications = decision.applications.count
        accountDeleted = decision.account
        reasons = decision.reasons.map { Reason(zh: $0.zh, en: $0.en) }
        filedAt = nil
    }

    init(_ record: PrivacyRequestRecord) {
        outcome = record.outcome.rawValue
        deletedApplications = record.deletedApplications
        accountDeleted = record.accountDeleted
        reasons = record.reasons.map { Reason(zh: $0.zh, en: $0.en) }
        filedAt = record.filedAt
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "outcome": .oneOf(Erasure.Outcome.self), "deletedApplications": .integer(), "accountDeleted": .boolean,
                "reasons": .array(of: .object(required: ["zh": .string(), "en": .string()]), "why anything is kept, Chinese and English"),
            ], optional: ["filedAt": .dateTime])
    }
}

struct PrivacyRequestsView: ResponseEncodable, Sendable, Documented {
    let requests: [ErasureView]

    static var schema: JSONSchema { .object(required: ["requests": .array(of: ErasureView.schema)]) }
}
