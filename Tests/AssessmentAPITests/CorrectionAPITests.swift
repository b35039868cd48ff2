import Foundation
import TestSupport
import Testing
import Workflow

/// Correcting what a checked application was filed with, through the institution (#25 item 3).
@Suite("Privacy: correction through the institution")
struct CorrectionAPITests {
    static func record(_ education: String) -> String {
        #"{"education": "\#(education)", "workHistory": [{"employer": "上海某某文化传媒有限公司", "start": "2012-01-01"}]}"#
    }
    static let masterRecord = record("master")

    @Test(
        "once checked, an application's record is corrected only by its institution: asked with a note, answered by the due day, accepted or refused with a reason, each side notified"
    )
    func throughTheInstitution() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let (application, token) = try await PrivacyAPITests.apply(api, round: round)
            let applicant = try await ConsoleTests.applicant(api, Int64(application))
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let path = "/v1/applications/\(application)/correction-request"

            // Before it is checked the application is the applicant's to change: a corrected record reaches it at once.
            #expect(try await api.request(.PUT, "/v1/applicants/me/record", token: token, json: Self.masterRecord).status == 204)
            #expect(try await api.client.text("SELECT profile->>'education' FROM applications WHERE id = \(application)") == "master")
            let early = try await api.request(.POST, path, token: token, json: #"{"note": "my degree"}"#, acceptLanguage: "zh")
            #expect(early.status == 409 && early.body.contains("仍可由您本人修改"), "before the check it is theirs to change: \(early.body)")
            // As the eligibility check leaves it: the applicant can no longer change it.
            try await api.client.query("UPDATE applications SET state = 'eligible' WHERE id = \(application)")

            let unchanged = try await api.request(.POST, path, token: token, json: #"{"note": "my degree"}"#)
            #expect(unchanged.status == 422 && unchanged.fields == ["record"], "nothing to carry over yet: \(unchanged.body)")
            #expect(try await api.request(.PUT, "/v1/applicants/me/record", token: token, json: Self.record("doctorate")).status == 204)
            #expect(
                try await api.client.text("SELECT profile->>'education' FROM applications WHERE id = \(application)") == "master",
                "a checked application keeps what it was filed with")
            let long = try await api.request(.POST, path, token: token, json: #"{"note": "\#(String(repeating: "x", count: 1_001))"}"#)
            #expect(long.status == 422 && long.fields == ["note"], "\(long.body)")
            // 600 characters a reader sees, 1200 code points as PostgreSQL counts them: refused at the edge, not by the table.
            let thumbs = try await api.request(.POST, path, token: token, json: #"{"note": "\#(String(repeating: "👍🏽", count: 600))"}"#)
            #expect(thumbs.status == 422 && thumbs.fields == ["note"], "\(thumbs.body)")
            let asked = try await api.request(
                .POST, path, token: token, json: #"{"note": "硕士学位证书已上传 master's degree, certificate uploaded"}"#)
            #expect(asked.status == 201 && asked.json["outcome"] as? String == "pending", "\(asked.body)")
            #expect((asked.json["fields"] as? [[String: Any]])?.map { $0["field"] as? String } == ["education"], "\(asked.body)")
            #expect(asked.json["due"] as? String == (try await clearOfShanghaiMidnight { try RoundRecord.today() }.adding(days: 15).description))
            let request = try #require(asked.json["id"] as? Int)
            #expect(try await api.request(.POST, path, token: token, json: #"{"note": "again"}"#).status == 409, "one waits at a time")
            #expect(
                try await api.client.scalar(
                    "SELECT count(*)::int FROM notification_outbox WHERE event = 'correction requested' AND recipient = 'institution:inst'") == 1)

            let other = try await api.workflow.issueToken(role: .institution, subject: "other")
            #expect((try await api.request(.GET, "/v1/correction-requests", token: other).json["items"] as? [Any])?.isEmpty == true)
            let foreign = try await api.request(
                .POST, "/v1/correction-requests/\(request)/answer", token: other, json: #"{"accept": true}"#)
            #expect(foreign.status == 404, "another institution's request is not there: \(foreign.body)")
            let listed = try await api.request(.GET, "/v1/correction-requests", token: institution)
            let item = try #require((listed.json["items"] as? [[String: Any]])?.first, "\(listed.body)")
            #expect(item["note"] as? String == "硕士学位证书已上传 master's degree, certificate uploaded" && item["overdue"] as? Bool == false)
            #expect((item["fields"] as? [[String: Any]])?.first?["zh"] as? String == "学历")
            let bare = try await api.request(.POST, "/v1/correction-requests/\(request)/answer", token: institution, json: #"{"accept": false}"#)
            #expect(bare.status == 422 && bare.fields == ["reason"], "a refusal says why: \(bare.body)")

            let accepted = try await api.request(
                .POST, "/v1/correction-requests/\(request)/answer", token: institution, json: #"{"accept": true}"#)
            #expect(accepted.status == 200 && accepted.json["outcome"] as? String == "accepted", "\(accepted.body)")
            #expect(try await api.client.text("SELECT profile->>'education' FROM applications WHERE id = \(application)") == "doctorate")
            let twice = try await api.request(.POST, "/v1/correction-requests/\(request)/answer", token: institution, json: #"{"accept": true}"#)
            #expect(twice.status == 409, "\(twice.body)")
            #expect(
                try await api.client.text(
                    "SELECT payload->>'outcome' FROM notification_outbox WHERE event = 'correction answered' AND recipient = \("applicant:\(applicant)")"
                )
                    == "accepted")

            // A second correction, refused: the application keeps what it carries, the reason is the applicant's to read.
            #expect(
                try await api.request(
                    .PUT, "/v1/applicants/me/record", token: token, json: Self.record("college_diploma")
                ).status == 204)
            let second = try #require(
                try await api.request(.POST, path, token: token, json: #"{"note": "doctorate"}"#).json["id"] as? Int)
            try await api.client.query("UPDATE privacy_requests SET due_on = current_date - 1 WHERE id = \(second)")
            let late = try await api.request(.GET, "/v1/correction-requests", token: institution)
            #expect((late.json["items"] as? [[String: Any]])?.first?["overdue"] as? Bool == true, "waiting past its day: \(late.body)")
            let refused = try await api.request(
                .POST, "/v1/correction-requests/\(second)/answer", token: institution,
                json: #"{"accept": false, "reason": "学位证书未上传 no degree certificate"}"#)
            #expect(refused.status == 200 && refused.json["outcome"] as? String == "refused", "\(refused.body)")
            #expect(try await api.client.text("SELECT profile->>'education' FROM applications WHERE id = \(application)") == "doctorate")

            let mine = try await api.request(.GET, "/v1/me/requests", token: token)
            let requests = try #require(mine.json["requests"] as? [[String: Any]], "\(mine.body)")
            #expect(
                requests.map { $0["outcome"] as? String } == ["refused", "accepted"] && requests.allSatisfy { $0["kind"] as? String == "correction" })
            #expect((requests[0]["reasons"] as? [[String: Any]])?.first?["zh"] as? String == "学位证书未上传 no degree certificate")
            #expect(requests[1]["fields"] as? [String] == ["education"] && requests[1]["application"] as? Int == application)
            let copy = try await api.request(.GET, "/v1/me/data", token: token)
            #expect((copy.json["requests"] as? [[String: Any]])?.count == 2, "the copy holds the requests too")
            #expect(
                try await api.client.scalar(
                    """
                    SELECT count(*)::int FROM (SELECT action FROM audit_pending UNION ALL SELECT action FROM audit_log) AS a
                    WHERE action IN ('correction request', 'correct filed record', 'refuse correction')
                    """) == 4)
        }
    }

    @Test("an application deleted while its correction waits withdraws the request and drops the applicant's words")
    func withdrawnWithTheApplication() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            let (application, token) = try await PrivacyAPITests.apply(api, round: round)
            try await api.client.query("UPDATE applications SET state = 'decided', passed = false WHERE id = \(application)")
            #expect(try await api.request(.PUT, "/v1/applicants/me/record", token: token, json: Self.masterRecord).status == 204)
            let asked = try await api.request(
                .POST, "/v1/applications/\(application)/correction-request", token: token, json: #"{"note": "my degree"}"#)
            #expect(asked.status == 201, "a decided application is corrected through its institution: \(asked.body)")
            try await api.client.query("UPDATE rounds SET state = 'confirmed' WHERE id = \(round)")
            let erased = try await api.request(.POST, "/v1/me/erasure", token: token)
            #expect(erased.json["outcome"] as? String == "granted", "\(erased.body)")
            #expect(
                try await api.client.text("SELECT outcome || ' ' || (note IS NULL) FROM privacy_requests WHERE kind = 'correction'")
                    == "withdrawn true")
        }
    }

    @Test(
        "in the console the applicant asks on the application's page, the institution answers on its list, and the answer shows on the privacy page")
    func inTheConsole() async throws {
        try await API.with { api in
            let (_, application) = try await ConsoleTests.applied(api)
            var applicant = try await ConsoleVisitor.signedIn(api, .applicant, String(try await ConsoleTests.applicant(api, application)))
            #expect(!(try await applicant.get("/console/applications/\(application)").body.contains("id=\"correction-form\"")), "still theirs")
            try await api.client.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(application)")
            try await api.client.query(#"UPDATE applicants SET profile = jsonb_set(profile, '{education}', '"master"')"#)
            let page = try await applicant.get("/console/applications/\(application)")
            #expect(page.body.contains("id=\"correction-form\"") && page.body.contains("申请更正申报信息"), "\(page.body.prefix(300))")
            #expect(try await applicant.post("/console/applications/\(application)/correction-request", []).status == 422, "the note is required")
            let asked = try await applicant.post("/console/applications/\(application)/correction-request", [("note", "硕士 master")])
            #expect(asked.status == 303 && asked.location == "/console/privacy?done=correctionFiled", "\(asked.body.prefix(300))")
            #expect(try await applicant.get("/console/privacy").body.contains("待答复"))

            var office = try await ConsoleVisitor.signedIn(api, .institution, "inst")
            let list = try await office.get("/console/corrections")
            #expect(list.status == 200 && list.body.contains("硕士 master") && list.body.contains("学历"), "\(list.body.prefix(400))")
            let request = try await api.client.scalar("SELECT id::int FROM privacy_requests")
            let unexplained = try await office.post("/console/correction-requests/\(request)/answer", [("decision", "refuse")])
            #expect(unexplained.status == 422, "a refusal says why")
            let answered = try await office.post("/console/correction-requests/\(request)/answer", [("decision", "accept")])
            #expect(answered.status == 303 && answered.location == "/console/corrections?done=correctionAnswered", "\(answered.body.prefix(300))")
            #expect(try await applicant.get("/console/privacy").body.contains("已更正"))
        }
    }
}
