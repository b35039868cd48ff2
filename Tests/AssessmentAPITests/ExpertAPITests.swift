import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("The expert database through the API: grades, terms, employers, status, CSV import")
struct ExpertAPITests {
    /// An expert's body, with `changes` replacing or adding fields (nil removes one).
    static func expert(_ id: String, _ changes: [String: Any?] = [:]) throws -> String {
        var body: [String: Any] = [
            "id": id, "name": "专家 \(id)", "fields": ["cultural_relics_museums"], "grade": 4, "employer": "复旦大学", "employerCode": "12100000425006117P",
        ]
        for (key, value) in changes { body[key] = value }
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test("experts are filed with grade, employer and term, corrected, suspended and retired; only serving ones are drawn")
    func database() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let refusals: [(String, String)] = [
                (try Self.expert("e0", ["grade": nil]), "grade"),
                (try Self.expert("e0", ["termStart": today.description, "termEnd": try today.adding(years: 3).description]), "termEnd"),
                (try Self.expert("e0", ["employerCode": "12100000425006117Q"]), "employerCode"),
                (try Self.expert("e0", ["grade": 9]), "grade"),
                (try Self.expert("e0", ["fields": ["astrology"]]), "fields"),
            ]
            for (body, field) in refusals {
                let refused = try await api.request(.POST, "/v1/reviewers", token: institution, json: body)
                #expect(refused.status == 422 && refused.fields == [field], "\(field): \(refused.status) \(refused.body)")
            }
            for id in ["e1", "e2", "e3", "e4", "e6"] {
                let filed = try await api.request(.POST, "/v1/reviewers", token: institution, json: try Self.expert(id))
                #expect(filed.status == 201, "\(filed.body)")
            }
            // Serving from next month only: not drawn today.
            let later = try await api.request(
                .POST, "/v1/reviewers", token: institution, json: try Self.expert("e5", ["termStart": try today.adding(days: 30).description]))
            #expect(later.status == 201, "\(later.body)")

            let listed = try await api.request(.GET, "/v1/reviewers?limit=10", token: institution)
            let items = try #require(listed.json["items"] as? [[String: Any]], "\(listed.body)")
            #expect(items.map { $0["id"] as? String } == ["e1", "e2", "e3", "e4", "e5", "e6"])
            #expect(items[0]["termEnd"] as? String == (try today.adding(years: 3).adding(days: -1)).description, "a full term of 3 years")
            #expect(items[0]["employerCode"] as? String == "12100000425006117P" && items[0]["grade"] as? Int == 4)

            let corrected = try await api.request(.PUT, "/v1/reviewers/e1", token: institution, json: try Self.expert("e1", ["grade": 5]))
            #expect(corrected.status == 204, "\(corrected.body)")
            #expect(try await api.request(.PUT, "/v1/reviewers/nobody", token: institution, json: try Self.expert("x")).status == 404)
            #expect(
                try await api.request(.POST, "/v1/reviewers/e2/status", token: institution, json: #"{"status": "suspended"}"#).status == 204)
            #expect(try await api.request(.POST, "/v1/reviewers/e3/status", token: institution, json: #"{"status": "retired"}"#).status == 204)
            let back = try await api.request(.POST, "/v1/reviewers/e3/status", token: institution, json: #"{"status": "active"}"#)
            #expect(back.status == 409 && back.body.contains("retired"), "\(back.body)")
            let chinese = try await api.request(
                .POST, "/v1/reviewers/e3/status", token: institution, json: #"{"status": "active"}"#, acceptLanguage: nil)
            #expect(chinese.json["detail"] as? String == "专家e3已退出专家库；如需再聘请以新编号登记", "\(chinese.body)")
            let suspended = try await api.request(.GET, "/v1/reviewers?status=suspended", token: institution)
            #expect((suspended.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["e2"])

            let round = try await api.workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums",
                    policy: {
                        var policy = Policy()
                        (policy.committeeSize, policy.pilotCommittee) = (3, true)
                        return policy
                    }(),
                    seed: 1, startDate: today, closesOnDay: 100))
            let drawn = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: institution, json: "{}")
            #expect(
                drawn.json["pool"] as? [String] == ["e1", "e4", "e6"], "suspended, retired and not yet serving experts are not drawn: \(drawn.body)")
        }
    }

    @Test("a CSV register is imported whole or not at all, each bad row named by its line")
    func csvImport() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            try await api.workflow.addInstitution(id: "other", name: "Other")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let other = try await api.workflow.issueToken(role: .institution, subject: "other")
            #expect(try await api.request(.POST, "/v1/reviewers", token: institution, json: try Self.expert("e1")).status == 201)
            let bad = """
                id,name,fields,grade,employer,employer_code,term_start,load_cap
                e2,王芳,cultural_relics_museums,4,上海财经大学,,2026-01-01,30
                e3,李雷,cultural_relics_museums,9,,,2026-01-01,30
                e4,赵敏,cultural_relics_museums;art,4,,,2026-13-01,30
                """
            let refused = try await api.request(.POST, "/v1/reviewers/import", token: institution, contentType: "text/csv", bytes: Array(bad.utf8))
            #expect(
                refused.status == 422 && refused.body.contains("line 3: grade must be 1 to 5") && refused.body.contains("line 4: term_start"),
                "\(refused.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM reviewers") == 1, "nothing of a refused file is filed")
            // A spreadsheet's export: a byte-order mark, CRLF, a quoted name with a comma, an updated expert.
            let good =
                "\u{FEFF}id,name,fields,grade,employer,employer_code,term_start\r\n"
                + "e1,张伟,cultural_relics_museums,5,复旦大学,12100000425006117P,2026-01-01\r\n"
                + "e2,\"Smith, Jane\",cultural_relics_museums,4,\"Acme Media, Shanghai\",,2026-01-01\r\n"
                + "e3,李雷,cultural_relics_museums,3,,,2026-01-01\r\n"
            let imported = try await api.request(.POST, "/v1/reviewers/import", token: institution, contentType: "text/csv", bytes: Array(good.utf8))
            #expect(imported.status == 200 && imported.json["added"] as? Int == 2 && imported.json["updated"] as? Int == 1, "\(imported.body)")
            let listed = try await api.request(.GET, "/v1/reviewers", token: institution)
            let items = try #require(listed.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["张伟", "Smith, Jane", "李雷"])
            #expect(items[1]["employer"] as? String == "Acme Media, Shanghai" && items[1]["termEnd"] as? String == "2028-12-31")
            let stolen = try await api.request(.POST, "/v1/reviewers/import", token: other, contentType: "text/csv", bytes: Array(good.utf8))
            #expect(stolen.status == 409 && stolen.fields == ["id"], "another institution's ids: \(stolen.body)")
            let binary = try await api.request(.POST, "/v1/reviewers/import", token: institution, contentType: "text/csv", bytes: [0xFF, 0xFE, 0x00])
            #expect(binary.status == 422, "\(binary.body)")
        }
    }
}
