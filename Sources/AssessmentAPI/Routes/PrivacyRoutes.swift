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
