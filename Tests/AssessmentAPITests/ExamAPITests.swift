import Assessment
import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("Exam rounds: 助理经济师 and 经济师 by national exam (以考代评)")
struct ExamAPITests {
    @Test("an exam round takes no applications, imports results all or nothing, and its passes become certificates; review rounds refuse exam grades")
    func examRound() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            let born = CalendarDate(iso: "1995-06-01")!
            var documents: [String] = []
            var applicants: [Int64] = []
            for (index, name) in ["王芳", "李雷", "韩梅梅"].enumerated() {
                let number = residentID(born: "1995-06-01", sequence: 20 + index)
                documents.append(number)
                applicants.append(
                    try await api.workflow.registerApplicant(
                        ApplicantRegistration(
                            name: name, document: try IdentityDocument(kind: .residentID, number: number, declaredBirthDate: born),
                            employer: nil, profile: Applicant(birthDate: born, education: .bachelor), consent: .currentInFull)))
            }
            let candidate = try await api.workflow.issueToken(role: .applicant, subject: String(applicants[0]))
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }

            let review = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "2026 高级经济师", "track": "title", "field": "economics", "startDate": "\#(today)"}"#)
            let reviewRound = try #require(review.json["id"] as? Int, "\(review.body)")
            let byReview = try await api.request(
                .POST, "/v1/applications", token: candidate,
                json: #"{"round": \#(reviewRound), "target": {"track": "title", "series": "economics", "grade": 3}}"#, acceptLanguage: nil)
            #expect(byReview.status == 422 && byReview.body.contains("经济师实行以考代评") && byReview.fields == ["target"], "\(byReview.body)")

            let art = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "x", "track": "title", "kind": "exam", "field": "art", "startDate": "\#(today)"}"#)
            #expect(art.status == 422 && art.fields == ["kind"], "\(art.body)")
            let opened = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "2026 经济专业技术资格考试", "track": "title", "kind": "exam", "field": "economics", "startDate": "\#(today)"}"#)
            let round = try #require(opened.json["id"] as? Int, "\(opened.body)")
            let applied = try await api.request(
                .POST, "/v1/applications", token: candidate,
                json: #"{"round": \#(round), "target": {"track": "title", "series": "economics", "grade": 2}}"#)
            #expect(applied.status == 409 && applied.body.contains("exam round"), "\(applied.body)")

            let header = "document_number,name,grade,specialty,exam_year,passed\n"
            let bad =
                header + "\(documents[0]),王芳,2,人力资源管理,2026,合格\n" + "\(residentID(born: "1990-01-01", sequence: 99)),张三,2,,2026,合格\n"
                + "\(documents[1]),李四,3,金融,2026,合格\n" + "\(documents[2]),韩梅梅,4,,2026,合格\n" + "\(documents[2]),韩梅梅,3,,2031,maybe\n"
            let refused = try await api.request(
                .POST, "/v1/rounds/\(round)/exam-results", token: institution, json: bad, contentType: "text/csv", acceptLanguage: nil)
            #expect(refused.status == 422, "\(refused.body)")
            for expected in ["第 3 行：没有以此证件注册的申请人", "第 4 行：姓名与注册信息不一致", "第 5 行：grade 须为考试取得的等级", "第 6 行：exam_year"] {
                #expect(refused.body.contains(expected), "\(expected): \(refused.body)")
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applications WHERE round_id = \(round)") == 0, "nothing half-written")

            let good =
                header + "\(documents[0]),王 芳,2,人力资源管理,2026,合格\n" + "\(documents[1]),李雷,3,金融,2025,true\n" + "\(documents[2]),韩梅梅,3,,2026,不合格\n"
            let imported = try await api.request(.POST, "/v1/rounds/\(round)/exam-results", token: institution, json: good, contentType: "text/csv")
            #expect(imported.status == 200 && imported.json["imported"] as? Int == 3 && imported.json["passed"] as? Int == 2, "\(imported.body)")
            let again = try await api.request(.POST, "/v1/rounds/\(round)/exam-results", token: institution, json: good, contentType: "text/csv")
            #expect(again.status == 422 && again.body.contains("already in the round"), "\(again.body)")
            let intoReview = try await api.request(
                .POST, "/v1/rounds/\(reviewRound)/exam-results", token: institution, json: good, contentType: "text/csv")
            #expect(intoReview.status == 409, "\(intoReview.body)")

            try await api.withWorkers {
                #expect(try await api.request(.POST, "/v1/rounds/\(round)/close", token: institution).status == 202)
                try await eventually("the exam's results are final and with the bureau") {
                    try await api.client.text("SELECT state FROM rounds WHERE id = \(round)") == "finalized"
                }
                let confirmed = try await api.request(.POST, "/v1/rounds/\(round)/confirm", token: bureau)
                #expect(confirmed.status == 202 || confirmed.status == 204, "\(confirmed.body)")
                try await eventually("the passes get certificates") {
                    try await api.client.scalar(
                        "SELECT count(*)::int FROM certificates c JOIN applications p ON p.id = c.application_id WHERE p.round_id = \(round)") == 2
                }
                // What is issued is held: the holder's record shows it, with its number, until it is revoked.
                let number = try #require(
                    try await api.client.text(
                        """
                        SELECT c.number FROM certificates c JOIN applications p ON p.id = c.application_id
                        WHERE p.round_id = \(round) AND p.applicant_id = \(applicants[0])
                        """))
                let held = try await api.request(.GET, "/v1/applicants/me", token: candidate)
                let titles = try #require((held.json["record"] as? [String: Any])?["titles"] as? [[String: Any]], "\(held.body)")
                #expect(
                    titles.count == 1 && titles[0]["series"] as? String == "economics" && titles[0]["grade"] as? Int == 2
                        && titles[0]["certificateNumber"] as? String == number, "\(held.body)")
                // The certificate says it was obtained by the exam, and of which year, in its signed bytes.
                let view = try await api.request(.GET, "/v1/certificates/\(number)?name=%E7%8E%8B%E8%8A%B3")
                #expect(view.json["basis"] as? String == "2026年度全国经济专业技术资格考试合格（以考代评）", "\(view.body)")
                #expect(view.json["basisEnglish"] as? String == "passed the 2026 national economics qualification exam (qualification by exam)")
                let verification = try #require(view.json["verification"] as? [String: Any])
                let payload = String(decoding: try #require(Data(base64Encoded: verification["payload"] as? String ?? "")), as: UTF8.self)
                #expect(payload.hasPrefix("assess-certificate-v3") && payload.contains("以考代评"), "\(payload)")
                #expect(view.json["status"] as? String == "valid", "the signature covers the basis: \(view.body)")
                let revoked = try await api.request(
                    .POST, "/v1/certificates/\(number)/revoke", token: bureau, json: #"{"reason": "issued in error", "grounds": "error"}"#)
                #expect(revoked.status == 202, "\(revoked.body)")
                try await eventually("the revoked title leaves the record") {
                    let record = try await api.request(.GET, "/v1/applicants/me", token: candidate).json["record"] as? [String: Any]
                    return (record?["titles"] as? [Any])?.isEmpty ?? true
                }
            }
            let titles = try await api.client.text(
                """
                SELECT string_agg(c.content->>'qualification', ',' ORDER BY p.id) FROM certificates c
                JOIN applications p ON p.id = c.application_id WHERE p.round_id = \(round)
                """)
            #expect(titles == "助理经济师,经济师", "\(titles ?? "none")")
        }
    }
}
