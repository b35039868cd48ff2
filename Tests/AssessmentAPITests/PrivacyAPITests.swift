import Foundation
import Logging
import TestSupport
import Testing
import Workflow

@testable import AssessmentAPI

/// The privacy notice and consents, through the API and the console (#25 item 1).
@Suite("Privacy: notice and consent")
struct PrivacyAPITests {
    /// A registration body with the given consent object (nil: none at all).
    static func body(consent: String?, sequence: Int = 1) -> String {
        let base = registration(sequence: sequence)
        let withoutConsent = base.replacingOccurrences(
            of: #", "consent": {"notice": 1, "sensitiveData": true, "sharing": true}"#, with: "")
        guard let consent else { return withoutConsent }
        return String(withoutConsent.dropLast()) + #", "consent": \#(consent)}"#
    }

    @Test("registration records each consent under the notice in force; one missing, refused or outdated is a 422 and registers nobody")
    func registrationConsents() async throws {
        try await API.with { api in
            let notice = try await api.request(.GET, "/v1/privacy-notice")
            #expect(notice.status == 200 && notice.json["version"] as? Int == PrivacyNotice.current.version)
            #expect((notice.json["zh"] as? String)?.contains("敏感个人信息") == true && (notice.json["en"] as? String)?.contains("sensitive") == true)

            #expect(try await api.request(.POST, "/v1/applicants", json: Self.body(consent: nil)).status == 400, "no consent at all")
            let noSharing = try await api.request(
                .POST, "/v1/applicants", json: Self.body(consent: #"{"notice": 1, "sensitiveData": true, "sharing": false}"#),
                acceptLanguage: "zh")
            #expect(noSharing.status == 422 && noSharing.fields == ["consent"], "\(noSharing.body)")
            #expect(noSharing.body.contains("缺少：同意向评价机构和人社部门提供申报信息与结果"), "says what is missing, Chinese first: \(noSharing.body)")
            let noSensitive = try await api.request(
                .POST, "/v1/applicants", json: Self.body(consent: #"{"notice": 1, "sensitiveData": false, "sharing": true}"#))
            #expect(noSensitive.status == 422 && noSensitive.body.contains("identity document number"), "\(noSensitive.body)")
            let outdated = try await api.request(
                .POST, "/v1/applicants", json: Self.body(consent: #"{"notice": 2, "sensitiveData": true, "sharing": true}"#))
            #expect(outdated.status == 422 && outdated.body.contains("version 1"), "\(outdated.body)")
            for version in ["0", "1001", "99999999999999999999"] {
                let out = try await api.request(
                    .POST, "/v1/applicants", json: Self.body(consent: #"{"notice": \#(version), "sensitiveData": true, "sharing": true}"#))
                #expect([400, 422].contains(out.status), "notice \(version): \(out.status) \(out.body)")
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 0, "nobody was registered by a refused consent")

            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            #expect(registered.status == 201)
            let token = try #require(registered.json["token"] as? String)
            let consents = try await api.request(.GET, "/v1/consents", token: token)
            let rows = consents.json["consents"] as? [[String: Any]] ?? []
            #expect(Set(rows.compactMap { $0["purpose"] as? String }) == ["notice", "sensitive_data", "sharing"])
            #expect(rows.allSatisfy { $0["notice"] as? Int == 1 && $0["givenAt"] is String })
            #expect(
                try await api.client.scalar(
                    """
                    SELECT count(*)::int FROM (SELECT action, detail FROM audit_pending UNION ALL SELECT action, detail FROM audit_log) a
                    WHERE action = 'consent' AND detail ->> 'notice' = '1'
                    """) == 1,
                "the audit log keeps the version consented to")
        }
    }

    @Test("an applicant with no consent to the notice in force is asked at sign-in; only the notice and consent routes answer until they accept")
    func askedAgain() async throws {
        try await API.with { api in
            #expect(try await api.request(.POST, "/v1/applicants", json: registration()).status == 201)
            // As for someone registered before the notice existed, or enrolled by their institution.
            try await api.client.query("DELETE FROM privacy_consents")
            let number = residentID(born: "1990-03-01", sequence: 1)
            let signIn = #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "correct horse battery"}"#
            let session = try await api.request(.POST, "/v1/sessions", json: signIn)
            #expect(session.status == 201 && session.json["consentRequired"] as? Bool == true, "\(session.body)")
            let token = try #require(session.json["token"] as? String)
            let refused = try await api.request(.GET, "/v1/applications", token: token, acceptLanguage: "zh")
            #expect(refused.status == 403 && refused.body.contains("POST /v1/consents") && refused.body.contains("第 1 版"), "\(refused.body)")
            #expect(try await api.request(.GET, "/v1/notifications", token: token).status == 403)
            #expect(try await api.request(.GET, "/v1/consents", token: token).status == 200, "the consents can be read")
            let partial = try await api.request(.POST, "/v1/consents", token: token, json: #"{"notice": 1, "sensitiveData": true, "sharing": false}"#)
            #expect(partial.status == 422 && partial.fields == ["consent"])
            #expect(try await api.request(.GET, "/v1/applications", token: token).status == 403, "a refused consent lets nothing in")
            let accepted = try await api.request(.POST, "/v1/consents", token: token, json: #"{"notice": 1, "sensitiveData": true, "sharing": true}"#)
            #expect(accepted.status == 201, "\(accepted.body)")
            #expect(try await api.request(.GET, "/v1/applications", token: token).status == 200, "the same session goes on")
            let again = try await api.request(.POST, "/v1/sessions", json: signIn)
            #expect(again.json["consentRequired"] as? Bool == false)
            #expect(
                try await api.request(.POST, "/v1/consents", token: token, json: #"{"notice": 1, "sensitiveData": true, "sharing": true}"#).status
                    == 201)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM privacy_consents") == 3, "giving the same again adds nothing")
        }
    }

    @Test("an applicant downloads everything held about them: record, applications with files, consents, notifications, history; masked")
    func copyOfTheirData() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "王小明"))
            let token = try #require(registered.json["token"] as? String)
            let applied = try await api.request(
                .POST, "/v1/applications", token: token,
                json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
            #expect(applied.status == 201, "\(applied.body)")
            let application = try #require(applied.json["id"] as? Int)
            let file = try await api.request(
                .POST, "/v1/applications/\(application)/files?name=works.png&purpose=other", token: token, contentType: "image/png",
                bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("a work".utf8))
            #expect(file.status == 201, "\(file.body)")
            // Someone else's data stays theirs.
            #expect(try await api.request(.POST, "/v1/applicants", json: registration(name: "Other Person", sequence: 2)).status == 201)

            let copy = try await api.request(.GET, "/v1/me/data", token: token)
            #expect(copy.status == 200)
            let number = residentID(born: "1990-03-01", sequence: 1)
            #expect(!copy.body.contains(number), "the identity number is masked")
            #expect(!copy.body.contains("Other Person"))
            let applicant = copy.json["applicant"] as? [String: Any] ?? [:]
            #expect(applicant["name"] as? String == "王小明" && (applicant["documentNumberMasked"] as? String)?.contains("*") == true)
            let applications = copy.json["applications"] as? [[String: Any]] ?? []
            #expect(applications.count == 1 && applications[0]["id"] as? Int == application)
            let files = applications.first?["files"] as? [[String: Any]] ?? []
            #expect(files.count == 1 && files[0]["name"] as? String == "works.png" && files[0]["bytes"] as? Int == 14, "\(files)")
            #expect((copy.json["consents"] as? [Any])?.count == 3)
            #expect((copy.json["notifications"] as? [[String: Any]])?.contains { $0["event"] as? String == "registered" } == true)
            #expect((copy.json["sessions"] as? [Any])?.count == 1)
            let history = (copy.json["history"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(history.contains("register") && history.contains("consent"), "\(history)")
            #expect(!copy.body.contains("\"actor\""), "who acted is given by role only")
            let again = try await api.request(.GET, "/v1/me/data", token: token)
            #expect(
                ((again.json["history"] as? [[String: Any]]) ?? []).contains { $0["action"] as? String == "copy personal data" },
                "the first download is recorded in the second")
            #expect(try await api.request(.GET, "/v1/me/data").status == 401)
        }
    }

    /// Registers and applies in `round`; returns the application and the token.
    static func apply(_ api: API, round: Int64, name: String = "Li Wei", sequence: Int = 1, token: String? = nil) async throws -> (Int, String) {
        var token = token
        if token == nil {
            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: name, sequence: sequence))
            token = registered.json["token"] as? String
        }
        let applied = try await api.request(
            .POST, "/v1/applications", token: token,
            json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
        #expect(applied.status == 201, "\(applied.body)")
        return (try #require(applied.json["id"] as? Int), try #require(token))
    }

    @Test("an applicant whose only application failed in an ended round is deleted whole on request; the answer is recorded")
    func erasureGranted() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let (application, token) = try await Self.apply(api, round: round)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("mine".utf8)
            #expect(
                try await api.request(
                    .POST, "/v1/applications/\(application)/files?name=a.png&purpose=other", token: token, contentType: "image/png", bytes: png
                ).status == 201)
            try await api.client.query("UPDATE applications SET state = 'decided', passed = false WHERE id = \(application)")
            try await api.client.query("UPDATE rounds SET state = 'confirmed' WHERE id = \(round)")

            let answer = try await api.request(.POST, "/v1/me/erasure", token: token)
            #expect(answer.status == 200 && answer.json["outcome"] as? String == "granted", "\(answer.body)")
            #expect(answer.json["accountDeleted"] as? Bool == true && answer.json["deletedApplications"] as? Int == 1)
            for table in ["applicants", "applications", "application_files", "stored_files", "privacy_consents", "applicant_passwords"] {
                #expect(try await api.client.scalar("SELECT count(*)::int FROM \(unescaped: table)") == 0, "\(table) holds nothing of them")
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM api_tokens WHERE role = 'applicant'") == 0)
            #expect(try await api.request(.GET, "/v1/consents", token: token).status == 401, "their session is gone with them")
            let number = residentID(born: "1990-03-01", sequence: 1)
            let signIn = #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "correct horse battery"}"#
            #expect(try await api.request(.POST, "/v1/sessions", json: signIn).status == 401)
            #expect(
                try await api.client.scalar(
                    "SELECT count(*)::int FROM privacy_requests WHERE outcome = 'granted' AND account_deleted AND deleted_applications = 1") == 1,
                "the request and its answer are kept")
            #expect(try await api.workflow.verifyAuditLog().firstBrokenEntry == nil)
        }
    }

    @Test("nothing is deleted while an application is evaluated; later a certified application stays with the registration, the rest goes")
    func erasureRefusedThenPartly() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let (certifiedApplication, token) = try await Self.apply(api, round: round)
            let refused = try await api.request(.POST, "/v1/me/erasure", token: token, acceptLanguage: "zh")
            #expect(refused.status == 200 && refused.json["outcome"] as? String == "refused", "\(refused.body)")
            #expect(refused.body.contains("仍在评审中"), "the reason, Chinese first: \(refused.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applications") == 1, "nothing was deleted")

            try await api.client.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(certifiedApplication)")
            let number = try await api.client.withTransaction(logger: Logger(label: "erasure-test")) { connection in
                try await api.workflow.store.issueCertificate(
                    application: Int64(certifiedApplication), issuedOn: try await clearOfShanghaiMidnight { try RoundRecord.today() },
                    rehearsal: false, signer: api.workflow.signer!,
                    on: connection)
            }
            try await api.client.query("UPDATE rounds SET state = 'confirmed' WHERE id = \(round)")
            let second = try await api.workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "second", track: .title, field: "cultural_relics_museums", seed: 2,
                    startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
            let (failedApplication, _) = try await Self.apply(api, round: second, token: token)
            try await api.client.query("UPDATE applications SET state = 'decided', passed = false WHERE id = \(failedApplication)")
            try await api.client.query("UPDATE rounds SET state = 'finalized' WHERE id = \(second)")

            let partly = try await api.request(.POST, "/v1/me/erasure", token: token)
            #expect(partly.json["outcome"] as? String == "partly" && partly.json["deletedApplications"] as? Int == 1, "\(partly.body)")
            #expect(partly.json["accountDeleted"] as? Bool == false && partly.body.contains("certified application \(certifiedApplication)"))
            #expect(try await api.client.scalar("SELECT id::int FROM applications") == certifiedApplication, "the certified one stays")
            let verified = try await api.request(.GET, "/v1/certificates/\(number)?name=Li%20Wei")
            #expect(verified.status == 200 && verified.json["status"] as? String == "valid", "\(verified.body)")
            let requests = try await api.request(.GET, "/v1/me/requests", token: token)
            #expect((requests.json["requests"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["partly", "refused"])
        }
    }

    @Test("the console's deletion needs its box ticked, and signs out an applicant whose account it deleted")
    func erasureInTheConsole() async throws {
        try await API.with { api in
            var visitor = try await ConsoleVisitor.registered(api, sequence: 5)
            let page = try await visitor.get("/console/privacy")
            #expect(page.body.contains("id=\"erase\"") && page.body.contains("id=\"my-data\""))
            #expect(try await visitor.post("/console/privacy/erase", []).status == 422, "the box is not ticked")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 1)
            let erased = try await visitor.post("/console/privacy/erase", [("confirm", "yes")])
            #expect(erased.status == 303 && erased.location == "/console?done=erased", "\(erased.body.prefix(300))")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applicants") == 0)
            #expect(try await visitor.get("/console/me").location?.hasPrefix("/console/sign-in") == true, "signed out")
        }
    }

    @Test("the console asks for each consent on its own at registration, and shows a changed notice before an applicant's pages")
    func console() async throws {
        try await API.with { api in
            var visitor = ConsoleVisitor(api: api)
            let form = try await visitor.get("/console/register")
            #expect(form.body.contains("name=\"consentSensitive\"") && form.body.contains("敏感个人信息"), "the boxes and the notice are on the form")
            let fields: [(String, String)] = [
                ("name", "Li Wei"), ("kind", "resident_id"), ("number", residentID(born: "1990-03-01", sequence: 3)), ("birthDate", "1990-03-01"),
                ("education", "bachelor"), ("password", "correct horse battery"),
            ]
            let unread = try await visitor.post("/console/register", fields + ConsoleVisitor.consent.filter { $0.0 != "consentRead" })
            #expect(unread.status == 422 && unread.body.contains("请勾选已阅读并同意个人信息保护说明"), "\(unread.body.prefix(400))")
            let unshared = try await visitor.post("/console/register", fields + ConsoleVisitor.consent.filter { $0.0 != "consentSharing" })
            #expect(unshared.status == 422 && unshared.body.contains("同意向评价机构和人社部门提供"), "\(unshared.body.prefix(400))")
            #expect(try await visitor.post("/console/register", fields + ConsoleVisitor.consent).status == 303)

            try await api.client.query("DELETE FROM privacy_consents")
            let me = try await visitor.get("/console/me")
            #expect(me.status == 303 && me.location == "/console/privacy", "a changed notice comes first")
            let privacy = try await visitor.get("/console/privacy")
            #expect(privacy.body.contains("id=\"consent-needed\"") && privacy.body.contains("id=\"accept\""))
            let accepted = try await visitor.post("/console/privacy", ConsoleVisitor.consent)
            #expect(accepted.status == 303 && accepted.location == "/console/me?done=consented", "\(accepted.body.prefix(300))")
            #expect(try await visitor.get("/console/me").status == 200)
            let history = try await visitor.get("/console/privacy")
            #expect(history.body.contains("id=\"consents\"") && !history.body.contains("id=\"accept\""))
            let download = try await visitor.get("/console/privacy/data")
            #expect(download.status == 200 && download.body.contains("\"name\": \"Li Wei\""), "\(download.body.prefix(200))")
            #expect(download.headers.first(name: "Content-Disposition")?.hasPrefix("attachment; filename=\"my-data-") == true)
            let readable = try await visitor.get("/console/privacy/mine")
            #expect(
                readable.status == 200 && readable.body.contains("<dd>Li Wei</dd>") && readable.body.contains("姓名 name"),
                "\(readable.body.prefix(600))")
            #expect(readable.body.contains("id=\"data-consents\"") && readable.body.contains("sensitive_data</td>"), "consents as a table")
            #expect(!readable.body.contains(residentID(born: "1990-03-01", sequence: 3)), "the identity number stays masked")
            let values = MyDataPage.sections(#"{"applicant": {"flag": true, "count": 1}}"#, .en)?.first?["fields"] as? [[String: String]]
            #expect(values?.map { $0["value"] } == ["1", "true"], "a JSON true is not shown as 1: \(String(describing: values))")
        }
    }
}
