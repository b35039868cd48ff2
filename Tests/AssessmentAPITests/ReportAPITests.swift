import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("The public notice, a round's figures and the export of its results")
struct ReportAPITests {
    /// A title round with three decided results, as the jobs leave them: two passed, one failed,
    /// each scored by two reviewers. Returns the round, the institution's token and the applicants' documents.
    static func decidedRound(_ api: API) async throws -> (round: Int64, institution: String, documents: [String]) {
        try await api.workflow.addInstitution(id: "inst", name: "Institution")
        try await api.workflow.addInstitution(id: "other", name: "Other")
        for id in ["r1", "r2"] {
            try await api.workflow.addReviewer(
                Reviewer(id: ReviewerID(id), fields: ["cultural_relics_museums"], loadCap: 10), name: id, institution: "inst")
        }
        let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
        let round = try await api.workflow.openRound(
            RoundDraft(
                institutionID: "inst", name: "2026 文物博物专业", track: .title, field: "cultural_relics_museums", seed: 1, startDate: today,
                closesOnDay: 100
            ))
        var documents: [String] = []
        for (index, name) in ["张伟", "=HYPERLINK(\"http://x\")", "Camille Martin"].enumerated() {
            let born = CalendarDate(iso: "1990-03-0\(index + 1)")!
            let number = residentID(born: born.description, sequence: 30 + index)
            documents.append(number)
            let applicant = try await api.workflow.registerApplicant(
                ApplicantRegistration(
                    name: name, document: try IdentityDocument(kind: .residentID, number: number, declaredBirthDate: born), employer: nil,
                    profile: Applicant(
                        birthDate: born, education: .bachelor,
                        workHistory: index == 0 ? [.init(employer: "上海某某文化传媒有限公司", start: CalendarDate(iso: "2020-01-01")!)] : []),
                    consent: .currentInFull))
            let application = try await api.workflow.apply(
                round: round, applicant: applicant, target: .title(series: "cultural_relics_museums", grade: .assistant, specialty: nil))
            let (score, passed) = index == 1 ? (52.0, false) : (80.0 + Double(index), true)
            try await api.client.query(
                "UPDATE applications SET state = 'decided', score = \(score), passed = \(passed) WHERE id = \(application)")
            for (reviewer, offset) in [("r1", -5.0), ("r2", 5.0)] {
                try await api.client.query(
                    """
                    INSERT INTO assignments (application_id, reviewer_id, stage, state, due_at, score, scored_at)
                    VALUES (\(application), \(reviewer), 0, 'scored', now(), \(score + offset), now())
                    """)
            }
        }
        return (round, try await api.workflow.issueToken(role: .institution, subject: "inst"), documents)
    }

    @Test("the notice is public once published: names as the policy says, employers, qualifications, its end and how to object")
    func notice() async throws {
        try await API.with { api in
            let (round, _, _) = try await Self.decidedRound(api)
            let early = try await api.request(.GET, "/v1/rounds/\(round)/notice")
            #expect(early.status == 404 && early.body.contains("no notice yet"), "\(early.body)")
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            try await api.client.query(
                """
                UPDATE rounds SET state = 'public_notice', notice_published_on = \(today.description)::date,
                                  notice_ends = \(try today.adding(days: 7).description)::date, appeals_end = \(try today.adding(days: 15).description)::date
                WHERE id = \(round)
                """)
            let page = try await api.request(.GET, "/v1/rounds/\(round)/notice?limit=2")
            #expect(page.status == 200, "\(page.body)")
            let items = try #require(page.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["张*", "=*********************"], "masked unless the policy says otherwise")
            #expect(items[0]["employer"] as? String == "上海某某文化传媒有限公司" && items[0]["qualification"] as? String == "助理馆员")
            #expect(items.map { $0["result"] as? String } == ["passed", "failed"])
            #expect((page.json["howToObject"] as? String)?.contains(try today.adding(days: 7).description) == true)
            let next = try #require(page.json["next"] as? Int)
            let rest = try await api.request(.GET, "/v1/rounds/\(round)/notice?after=\(next)")
            #expect((rest.json["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["C*************"])
            try await api.client.query(#"UPDATE rounds SET policy = policy || '{"noticeNames": "full"}' WHERE id = \#(round)"#)
            let full = try await api.request(.GET, "/v1/rounds/\(round)/notice?limit=1")
            #expect((full.json["items"] as? [[String: Any]])?.first?["name"] as? String == "张伟")
        }
    }

    @Test("a round's figures are for its institution and the bureau: pass rates, reviewers' loads and scores, spreads")
    func statistics() async throws {
        try await API.with { api in
            let (round, institution, _) = try await Self.decidedRound(api)
            let figures = try await api.request(.GET, "/v1/rounds/\(round)/statistics", token: institution)
            #expect(figures.status == 200, "\(figures.body)")
            let group = try #require((figures.json["groups"] as? [[String: Any]])?.first)
            #expect(group["applied"] as? Int == 3 && group["passed"] as? Int == 2 && group["failed"] as? Int == 1)
            #expect(abs((group["passRate"] as? Double ?? 0) - 2.0 / 3.0) < 1e-9 && group["qualification"] as? String == "助理馆员")
            let reviewers = try #require(figures.json["reviewers"] as? [[String: Any]])
            #expect(reviewers.map { $0["scored"] as? Int } == [3, 3] && figures.json["largestSpread"] as? Double == 10)
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/statistics", token: bureau).status == 200)
            let other = try await api.workflow.issueToken(role: .institution, subject: "other")
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/statistics", token: other).status == 404)
            #expect(try await api.request(.GET, "/v1/rounds/\(round)/statistics").status == 401)
        }
    }

    @Test(
        "confirmed results export as CSV and XLSX with only what the purpose needs: numbers in full for the bureau only, formulas defused, every export audited"
    )
    func export() async throws {
        try await API.with { api in
            let (round, institution, documents) = try await Self.decidedRound(api)
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            let early = try await api.request(.GET, "/v1/rounds/\(round)/results.csv?purpose=national_filing", token: bureau)
            #expect(early.status == 409 && early.body.contains("once the bureau confirmed them"), "\(early.body)")
            try await api.client.query("UPDATE rounds SET state = 'confirmed' WHERE id = \(round)")

            let unstated = try await api.request(.GET, "/v1/rounds/\(round)/results.csv", token: bureau)
            #expect(unstated.status == 400 && unstated.fields == ["purpose"], "an export names its purpose: \(unstated.body)")
            // Filing with the national systems: the two who passed, by their identity numbers, with
            // neither a score nor a birth date, which the national systems do not ask for.
            let csv = try await api.request(.GET, "/v1/rounds/\(round)/results.csv?purpose=national_filing", token: bureau)
            #expect(csv.status == 200 && csv.bytes.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark")
            let lines = csv.body.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 3 && lines[0].contains("姓名 Name") && lines[1].contains(documents[0]), "\(lines)")
            #expect(!lines[0].contains("成绩 Score") && !lines[0].contains("出生日期 Born") && !csv.body.contains("未通过"), "\(lines)")
            #expect(lines[1].contains("助理馆员"))
            let institutionFiling = try await api.request(.GET, "/v1/rounds/\(round)/results.csv?purpose=national_filing", token: institution)
            #expect(institutionFiling.status == 200 && !institutionFiling.body.contains(documents[0]), "only the bureau unseals")
            // The archive: every result, the numbers masked even for the bureau.
            for reader in [institution, bureau] {
                let archive = try await api.request(.GET, "/v1/rounds/\(round)/results.csv?purpose=archive", token: reader)
                let rows = archive.body.split(separator: "\r\n").map(String.init)
                #expect(archive.status == 200 && rows.count == 4 && !archive.body.contains(documents[0]), "\(rows)")
                #expect(archive.body.contains(String(documents[0].suffix(4))) && rows[0].contains("成绩 Score") && !rows[0].contains("出生日期"))
                #expect(rows[2].contains("\"'=HYPERLINK(\"\"http://x\"\")\"") && rows[2].contains("未通过 failed"), "a formula is text: \(rows[2])")
            }

            // Looking into a complaint: every field of every result.
            let workbook = try await api.request(.GET, "/v1/rounds/\(round)/results.xlsx?purpose=verification", token: bureau)
            #expect(workbook.status == 200 && workbook.contentType?.hasPrefix("application/vnd.openxmlformats") == true)
            let cells = try await Self.readWorkbook(workbook.bytes)
            #expect(cells.first?.contains("姓名 Name") == true && cells.first?.contains("出生日期 Born") == true && cells.count == 4, "\(cells)")
            #expect(cells[1][4] == documents[0] && cells[1][2] == "张伟" && cells[2][2] == "=HYPERLINK(\"http://x\")", "\(cells)")
            #expect(cells[1][10] == "#80" && cells[3][10] == "#82" && cells[1][0] == "#1", "scores are numbers: \(cells[1])")
            let exports = try await api.client.text(
                """
                SELECT string_agg(line, '|' ORDER BY line) FROM (
                    SELECT (detail->>'purpose') || ' ' || (detail->>'documents') || ' ' || (detail->>'rows') || ' ' || (detail->>'fields') AS line
                    FROM (SELECT action, detail FROM audit_pending UNION ALL SELECT action, detail FROM audit_log) AS a
                    WHERE action = 'export results') AS e
                """)
            #expect(
                exports?.split(separator: "|").map(String.init) == [
                    "archive masked 3 application,name,document,employer,qualification,level,specialty,score,result,certificate,issuedOn",
                    "archive masked 3 application,name,document,employer,qualification,level,specialty,score,result,certificate,issuedOn",
                    "national_filing full 2 application,name,document,employer,qualification,level,specialty,certificate,issuedOn",
                    "national_filing masked 2 application,name,document,employer,qualification,level,specialty,certificate,issuedOn",
                    "verification full 3 " + ExportProfile.Field.allCases.map(\.rawValue).joined(separator: ","),
                ], "every export is audited with its purpose and columns")
            // Every identity number the bureau's filing and verification unsealed is logged with who and
            // why; the archives unsealed none. The bureau reads the log, nobody else.
            let access = try await api.request(.GET, "/v1/document-access?limit=100", token: bureau)
            let items = try #require(access.json["items"] as? [[String: Any]], "\(access.body)")
            #expect(items.count == 5 && items.allSatisfy { $0["actor"] as? String == "bureau:officer-7" && $0["round"] as? Int == Int(round) })
            #expect(
                items.map { $0["purpose"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == Array(repeating: "national_filing", count: 2)
                    + Array(repeating: "verification", count: 3))
            #expect(Set(items.compactMap { $0["application"] as? Int }).count == 3, "one entry per person and export")
            let filed = try #require(items.first { $0["purpose"] as? String == "national_filing" }?["application"] as? Int)
            let theirs = try await api.request(.GET, "/v1/document-access?application=\(filed)", token: bureau)
            #expect((theirs.json["items"] as? [[String: Any]])?.map { $0["application"] as? Int } == [filed, filed], "\(theirs.body)")
            #expect(try await api.request(.GET, "/v1/document-access?application=x", token: bureau).status == 400)
            #expect(try await api.request(.GET, "/v1/document-access", token: institution).status == 403)
            var officer = try await ConsoleVisitor.signedIn(api, .bureau, "officer-7")
            let page = try await officer.get("/console/document-access")
            #expect(page.status == 200 && page.body.contains("bureau:officer-7") && page.body.contains("投诉、信访或司法核查"))
            let bare = try await officer.get("/console/rounds/\(round)/results.csv")
            #expect(bare.status == 400 && bare.body.contains("<code>purpose</code>"), "the console's export names its purpose too")
        }
    }

    /// The cells of the first sheet as openpyxl, a spreadsheet library from PyPI, reads them.
    static func readWorkbook(_ bytes: [UInt8]) async throws -> [[String]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("assess-\(UUID().uuidString).xlsx")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            # Numbers are marked, so that a score written as text would not pass for one.
            def cell(c):
                if c is None: return ""
                if isinstance(c, (int, float)): return "#" + (str(int(c)) if float(c).is_integer() else str(c))
                return str(c)
            print(json.dumps([[cell(c) for c in row] for row in sheet.iter_rows(values_only=True)], ensure_ascii=False))
            """
        let (data, status) = try await TestPython.run(script, arguments: [file.path])
        guard status == 0, let cells = try JSONSerialization.jsonObject(with: data) as? [[String]] else {
            throw TestSetupError(description: "openpyxl could not read the workbook: \(String(decoding: data, as: UTF8.self))")
        }
        return cells
    }
}
