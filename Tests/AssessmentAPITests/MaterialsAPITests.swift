import AssessmentStore
import Foundation
import JobQueue
import Logging
import Notify
import ServiceLifecycle
import TestSupport
import Testing
import Workflow

@Suite("Records, materials and the formal check through the API")
struct MaterialsAPITests {
    /// Opens a title round of `series` (the institution's first) through the API; returns its id and the institution's token.
    static func openRound(
        _ api: API, series: String = "economics", policy: String = "{}", daySeconds: Int? = nil, first: Bool = true
    ) async throws -> (round: Int64, institution: String) {
        if first { try await api.workflow.addInstitution(id: "inst", name: "Institution") }
        let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
        let clock = daySeconds.map { #", "daySeconds": \#($0)"# } ?? ""
        let opened = try await api.request(
            .POST, "/v1/rounds", token: institution,
            json:
                #"{"name": "2026 \#(series)", "track": "title", "field": "\#(series)", "startDate": "\#(try await clearOfShanghaiMidnight { try RoundRecord.today() })", "closesOnDay": 300, "policy": \#(policy)\#(clock)}"#
        )
        #expect(opened.status == 201, "\(opened.body)")
        return (Int64(try #require(opened.json["id"] as? String ?? (opened.json["id"] as? Int).map(String.init)))!, institution)
    }

    /// Registers an applicant; returns the token.
    static func register(_ api: API, sequence: Int, born: String = "1985-03-01") async throws -> String {
        let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "申请人\(sequence)", born: born, sequence: sequence))
        return try #require(registered.json["token"] as? String, "\(registered.body)")
    }

    static func apply(_ api: API, _ token: String, round: Int64, series: String = "economics", grade: Int) async throws -> Int64 {
        let applied = try await api.request(
            .POST, "/v1/applications", token: token,
            json: #"{"round": \#(round), "target": {"track": "title", "series": "\#(series)", "grade": \#(grade)}}"#)
        #expect(applied.status == 201, "\(applied.body)")
        return Int64(try #require(applied.json["id"] as? String ?? (applied.json["id"] as? Int).map(String.init)))!
    }

    static func state(_ api: API, _ token: String, _ application: Int64) async throws -> String? {
        try await api.request(.GET, "/v1/applications/\(application)", token: token).json["state"] as? String
    }

    /// The payloads of the notifications owed to a token's holder, by event.
    static func notifications(_ api: API, _ token: String) async throws -> [String: [String: Any]] {
        let items = try await api.request(.GET, "/v1/notifications?limit=100", token: token).json["items"] as? [[String: Any]] ?? []
        var byEvent: [String: [String: Any]] = [:]
        for item in items {
            guard let event = item["event"] as? String else { continue }
            let payload = (item["payload"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            byEvent[event] = payload ?? [:]
        }
        return byEvent
    }

    @Test("what an applicant holds is declared, checked and read back; eligibility judges it: one level up, years, retirement")
    func records() async throws {
        try await API.with { api in
            let (round, institution) = try await Self.openRound(api)
            let holder = try await Self.register(api, sequence: 1)
            let record = #"""
                {"education": "bachelor",
                 "titles": [{"series": "economics", "grade": 3, "obtained": "2019-06-30", "certificateNumber": "JJ2019-0001"}],
                 "workHistory": [{"employer": "上海某某文化传媒有限公司", "creditCode": "91310000MA1FL0XX3J", "start": "2015-07-01"},
                                 {"employer": "A bakery", "start": "2012-01-01", "end": "2015-06-30", "inField": false}],
                 "training": [{"provider": "上海某某职业技能培训学校", "creditCode": "91310000MA1FL0XX3J", "start": "2018-03-01", "end": "2018-06-30"}]}
                """#
            let declared = try await api.request(.PUT, "/v1/applicants/me/record", token: holder, json: record)
            #expect(declared.status == 204, "\(declared.body)")
            let me = try await api.request(.GET, "/v1/applicants/me", token: holder)
            let read = try #require(me.json["record"] as? [String: Any], "\(me.body)")
            #expect((read["titles"] as? [[String: Any]])?.first?["certificateNumber"] as? String == "JJ2019-0001")
            #expect((read["workHistory"] as? [[String: Any]])?.first?["creditCode"] as? String == "91310000MA1FL0XX3J")
            #expect((read["training"] as? [[String: Any]])?.first?["provider"] as? String == "上海某某职业技能培训学校", "\(read)")
            #expect(me.json["document"] as? String != residentID(born: "1985-03-01", sequence: 1), "the document is masked")

            let refusals: [(from: String, to: String, field: String)] = [
                (#""creditCode": "91310000MA1FL0XX3J""#, #""creditCode": "91310000MA1FL0XX3K""#, "workHistory[0].creditCode"),
                (#""obtained": "2019-06-30""#, #""obtained": "2099-06-30""#, "titles[0].obtained"),
                (#""obtained": "2019-06-30""#, #""obtained": "1980-01-01""#, "titles[0].obtained"),
                (#""grade": 3"#, #""grade": 9"#, "titles[0].grade"),
                (#""grade": 3"#, #""grade": 1"#, "titles[0].grade"),
                (#""series": "economics""#, #""series": "astrology""#, "titles[0].series"),
                (#""end": "2015-06-30""#, #""end": "2011-06-30""#, "workHistory[1].end"),
                (#""end": "2018-06-30""#, #""end": "2017-06-30""#, "training[0].end"),
                (
                    #""provider": "上海某某职业技能培训学校", "creditCode": "91310000MA1FL0XX3J""#, #""provider": "上海某某职业技能培训学校", "creditCode": "X""#,
                    "training[0].creditCode"
                ),
            ]
            for (from, to, field) in refusals {
                let refused = try await api.request(
                    .PUT, "/v1/applicants/me/record", token: holder, json: record.replacingOccurrences(of: from, with: to))
                #expect(refused.status == 422 && refused.fields == [field], "\(to): \(refused.status) \(refused.body)")
            }
            #expect(try await api.request(.GET, "/v1/applicants/me", token: holder).body == me.body, "refused corrections change nothing")
            let chinese = try await api.request(
                .PUT, "/v1/applicants/me/record", token: holder, json: record.replacingOccurrences(of: "2019-06-30", with: "2099-06-30"),
                acceptLanguage: nil)
            let error = (chinese.json["errors"] as? [[String: Any]])?.first
            #expect(error?["message"] as? String == "titles[0].obtained：须在出生日期与今天之间" && chinese.json["title"] as? String == "内容有误", "\(chinese.body)")

            let retired = try await Self.register(api, sequence: 2, born: "1960-01-01")
            #expect(
                try await api.request(
                    .PUT, "/v1/applicants/me/record", token: retired,
                    json: record.replacingOccurrences(of: #""education": "bachelor""#, with: #""education": "bachelor", "retired": true"#)
                ).status == 204)
            let newcomer = try await Self.register(api, sequence: 3, born: "2001-01-01")
            #expect(
                try await api.request(
                    .PUT, "/v1/applicants/me/record", token: newcomer,
                    json:
                        #"{"education": "bachelor", "workHistory": [{"employer": "Wave MCN", "start": "\#(try await clearOfShanghaiMidnight { try RoundRecord.today() }.adding(days: -100))"}]}"#
                ).status == 204)
            let eligible = try await Self.apply(api, holder, round: round, grade: 4)
            let tooOld = try await Self.apply(api, retired, round: round, grade: 4)
            // 助理经济师 comes from the national exam; the entry grade of a reviewed series needs years in the field.
            let byExam = try await api.request(
                .POST, "/v1/applications", token: newcomer,
                json: #"{"round": \#(round), "target": {"track": "title", "series": "economics", "grade": 2}}"#)
            #expect(byExam.status == 422 && byExam.body.contains("national exam"), "\(byExam.body)")
            let museums = try await Self.openRound(api, series: "cultural_relics_museums", first: false).round
            let tooSoon = try await Self.apply(api, newcomer, round: museums, series: "cultural_relics_museums", grade: 2)
            try await api.withWorkers {
                try await eventually(timeout: .seconds(20), "eligibility is decided") {
                    try await api.client.scalar("SELECT count(*)::int FROM applications WHERE state = 'submitted'") == 0
                }
            }
            #expect(try await Self.state(api, holder, eligible) == "eligible", "7 years since 经济师 for 高级经济师, bachelor: 5 needed")
            #expect(try await Self.state(api, retired, tooOld) == "ineligible")
            #expect((try await Self.notifications(api, retired)["ineligible"]?["reasons"] as? String)?.contains("retirees") == true)
            #expect(try await Self.state(api, newcomer, tooSoon) == "ineligible")
            #expect(
                (try await Self.notifications(api, newcomer)["ineligible"]?["reasons"] as? String)?.contains("years of work in the field") == true)
            // A correction once checked reaches only later applications: this one keeps its record
            // (its institution decides a correction of it, CorrectionAPITests).
            #expect(
                try await api.request(.PUT, "/v1/applicants/me/record", token: holder, json: #"{"education": "bachelor"}"#).status == 204)
            let dossier = try await api.request(.GET, "/v1/applications/\(eligible)/dossier", token: holder)
            #expect(((dossier.json["record"] as? [String: Any])?["titles"] as? [Any])?.count == 1, "filed with the title: \(dossier.body)")

            // Ineligibility can be appealed while the round takes applications; the institution decides.
            let appealed = try await api.request(
                .POST, "/v1/applications/\(tooOld)/appeal", token: retired, json: #"{"reason": "我已返聘，并未退休 / I was re-employed"}"#)
            #expect(appealed.status < 300, "\(appealed.body)")
            #expect(
                try await api.request(.POST, "/v1/applications/\(tooOld)/appeal", token: retired, json: #"{"reason": "again"}"#).status == 409)
            #expect(
                try await api.client.scalar(
                    "SELECT count(*)::int FROM notification_outbox WHERE event = 'eligibility appeal filed' AND recipient = 'institution:inst'") == 1)
            #expect(
                try await api.request(.POST, "/v1/applications/\(tooSoon)/appeal", token: newcomer, json: #"{"reason": "I freelanced before"}"#)
                    .status < 300)
            let overturned = try await api.request(
                .POST, "/v1/applications/\(tooOld)/eligibility-appeal", token: institution,
                json: #"{"outcome": "overturned", "reason": "劳动合同显示返聘 / the contract shows re-employment"}"#)
            #expect(overturned.status == 204, "\(overturned.body)")
            #expect(try await Self.state(api, retired, tooOld) == "eligible")
            #expect(
                try await api.request(
                    .POST, "/v1/applications/\(tooSoon)/eligibility-appeal", token: institution,
                    json: #"{"outcome": "upheld", "reason": "no work before 2026 is shown"}"#
                ).status == 204)
            #expect(try await Self.state(api, newcomer, tooSoon) == "ineligible")
            let decided = try #require(try await Self.notifications(api, newcomer)["appeal decided"])
            #expect(decided["outcome"] as? String == "upheld" && decided["eligible"] as? String == "false", "\(decided)")
            let twice = try await api.request(
                .POST, "/v1/applications/\(tooSoon)/eligibility-appeal", token: institution, json: #"{"outcome": "overturned", "reason": "x"}"#)
            #expect(twice.status == 409, "\(twice.body)")
            #expect(
                try await api.request(.POST, "/v1/applications/\(eligible)/appeal", token: holder, json: #"{"reason": "x"}"#).status == 409,
                "an eligible application has nothing to appeal yet")
        }
    }

    @Test("an employer (Y) certifies only the people its credit code names in their work history on the application date")
    func employerOnly() async throws {
        try await API.with { api in
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            let platform =
                #"{"id": "platform", "name": "某某科技有限公司", "kind": "Y", "agencyCode": "0311", "provinceCode": "31", "sites": ["000101"], "occupations": ["4-13-01-05"]}"#
            let codeless = try await api.request(.POST, "/v1/institutions", token: bureau, json: platform)
            #expect(codeless.status == 422 && codeless.fields == ["creditCode"], "\(codeless.body)")
            let filed = try await api.request(
                .POST, "/v1/institutions", token: bureau,
                json: platform.replacingOccurrences(of: #""kind": "Y""#, with: #""kind": "Y", "creditCode": "91440300708461136T""#))
            #expect(filed.status == 201, "\(filed.body)")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "platform")
            let opened = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json:
                    #"{"name": "platform sitting", "track": "skill", "field": "4-13-01-05", "startDate": "\#(try await clearOfShanghaiMidnight { try RoundRecord.today() })"}"#
            )
            let round = try #require(opened.json["id"].map { "\($0)" }, "\(opened.body)")
            var applications: [(token: String, id: Int64)] = []
            // An employee, a contracted creator whose name is spelt differently but whose code matches, a former employee, a stranger.
            for (sequence, work) in [
                (1, #"{"employer": "某某科技有限公司", "creditCode": "91440300708461136T", "start": "2020-01-01"}"#),
                (2, #"{"employer": "某某科技（有限公司）直播基地", "creditCode": "91440300708461136T", "start": "2024-05-01"}"#),
                (3, #"{"employer": "某某科技有限公司", "creditCode": "91440300708461136T", "start": "2018-01-01", "end": "2023-12-31"}"#),
                (4, #"{"employer": "Wave MCN", "creditCode": "91310000MA1FL0XX3J", "start": "2020-01-01"}"#),
            ] {
                let token = try await Self.register(api, sequence: sequence, born: "1995-05-05")
                #expect(
                    try await api.request(
                        .PUT, "/v1/applicants/me/record", token: token, json: #"{"education": "secondary", "workHistory": [\#(work)]}"#
                    ).status == 204)
                let applied = try await api.request(
                    .POST, "/v1/applications", token: token,
                    json:
                        #"{"round": \#(round), "target": {"track": "skill", "occupation": "4-13-01-05", "level": 4, "direction": "creative_planning"}}"#
                )
                applications.append((token, Int64(try #require(applied.json["id"].map { "\($0)" }, "\(applied.body)"))!))
            }
            try await api.withWorkers {
                try await eventually(timeout: .seconds(20), "eligibility is decided") {
                    try await api.client.scalar("SELECT count(*)::int FROM applications WHERE state = 'submitted'") == 0
                }
            }
            var states: [String?] = []
            for (token, id) in applications { states.append(try await Self.state(api, token, id)) }
            #expect(states == ["eligible", "eligible", "ineligible", "ineligible"])
            let reasons = try await Self.notifications(api, applications[3].token)["ineligible"]?["reasons"] as? String
            #expect(reasons?.contains("for its own employees and contracted creators") == true, "\(reasons ?? "")")
        }
    }

    @Test("skill levels go one at a time after the years since the level held; data analysis from level 3; the occupation's levels only")
    func skillLadder() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let opened = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "全媒体运营师认定", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)"}"#)
            let round = try #require(opened.json["id"].map { "\($0)" }, "\(opened.body)")
            let longAgo = try today.adding(days: -6 * 366)
            let lately = try today.adding(days: -2 * 366)
            // (level held and when, level and direction applied for, the reason expected or nil when eligible)
            let cases: [(held: String?, level: Int, direction: String, reason: String?)] = [
                (#"{"occupation": "4-13-01-05", "level": 4, "obtained": "\#(longAgo)"}"#, 3, "data_analysis", nil),
                (
                    #"{"occupation": "4-13-01-05", "level": 4, "obtained": "\#(lately)"}"#, 3, "creative_planning",
                    "4 years since the previous level are needed; the applicant has 2"
                ),
                (nil, 3, "creative_planning", "applying for level 3 needs the one directly below it, but the applicant holds none"),
                (
                    #"{"occupation": "4-13-01-05", "level": 4, "obtained": "\#(longAgo)"}"#, 2, "creative_planning",
                    "applying for level 2 needs the one directly below it, but the applicant holds level 4"
                ),
                (nil, 4, "data_analysis", "the direction data_analysis is not offered at level 4"),
                (nil, 4, "live_stream_operation", nil),
                (nil, 5, "creative_planning", "occupation 4-13-01-05 has no level 5"),
            ]
            var applications: [(token: String, id: Int64)] = []
            for (sequence, example) in cases.enumerated() {
                let token = try await Self.register(api, sequence: sequence + 1, born: "1995-05-05")
                let held = example.held.map { #", "skillLevels": [\#($0)]"# } ?? ""
                let declared = try await api.request(
                    .PUT, "/v1/applicants/me/record", token: token,
                    json: #"{"education": "secondary", "workHistory": [{"employer": "Wave MCN", "start": "2015-01-01"}]\#(held)}"#)
                #expect(declared.status == 204, "\(declared.body)")
                let applied = try await api.request(
                    .POST, "/v1/applications", token: token,
                    json:
                        #"{"round": \#(round), "target": {"track": "skill", "occupation": "4-13-01-05", "level": \#(example.level), "direction": "\#(example.direction)"}}"#
                )
                #expect(applied.status == 201, "\(applied.body)")
                applications.append((token, Int64(try #require(applied.json["id"].map { "\($0)" }, "\(applied.body)"))!))
            }
            try await api.withWorkers {
                try await eventually(timeout: .seconds(20), "eligibility is decided") {
                    try await api.client.scalar("SELECT count(*)::int FROM applications WHERE state = 'submitted'") == 0
                }
            }
            for (example, application) in zip(cases, applications) {
                let state = try await Self.state(api, application.token, application.id)
                let reasons = try await Self.notifications(api, application.token)["ineligible"]?["reasons"] as? String
                if let reason = example.reason {
                    #expect(state == "ineligible" && reasons?.contains(reason) == true, "\(example): \(reasons ?? "no reasons")")
                } else {
                    #expect(state == "eligible", "\(example): \(reasons ?? "")")
                }
            }
            // The reason reaches the applicant in Chinese first.
            let skipped = try await Self.notifications(api, applications[3].token)["ineligible"]?["reasons"] as? String
            #expect(skipped?.hasPrefix("须逐级申报：申报二级/技师须持有下一级，申请人持有四级/中级工") == true, "\(skipped ?? "")")
        }
    }

    @Test("works, the pledge and evidence files: checked, stored once by content, readable by the applicant and the institution only")
    func materials() async throws {
        try await API.with { api in
            let (round, institution) = try await Self.openRound(api, series: "cultural_relics_museums", policy: #"{"formalCheck": true}"#)
            let applicant = try await Self.register(api, sequence: 1)
            let other = try await Self.register(api, sequence: 2)
            let application = try await Self.apply(api, applicant, round: round, series: "cultural_relics_museums", grade: 2)
            let second = try await Self.apply(api, other, round: round, series: "cultural_relics_museums", grade: 2)
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'assessment.check_eligibility'") == 0,
                "eligibility waits for the formal check")
            #expect(try await Self.state(api, applicant, application) == "submitted")

            let work =
                #"{"url": "https://www.bilibili.com/video/BV1xx", "title": "城市夜色", "platform": "bilibili", "published": "2026-05-01", "metrics": {"views": 1200000, "likes": 45000}}"#
            for (bad, field) in [
                (work.replacingOccurrences(of: "https://www", with: "http://www"), "works[0].url"),
                (work.replacingOccurrences(of: "2026-05-01", with: "2099-05-01"), "works[0].published"),
                (work.replacingOccurrences(of: "1200000", with: "-1"), "works[0].metrics.views"),
                (work.replacingOccurrences(of: "1200000", with: "100000000001"), "works[0].metrics.views"),
            ] {
                let refused = try await api.request(
                    .PUT, "/v1/applications/\(application)/materials", token: applicant, json: #"{"works": [\#(bad)]}"#)
                #expect(refused.status == 422 && refused.fields == [field], "\(field): \(refused.body)")
            }
            let tooMany = "[" + Array(repeating: work, count: 21).joined(separator: ",") + "]"
            #expect(
                try await api.request(.PUT, "/v1/applications/\(application)/materials", token: applicant, json: #"{"works": \#(tooMany)}"#).status
                    == 422)
            let set = try await api.request(
                .PUT, "/v1/applications/\(application)/materials", token: applicant, json: #"{"works": [\#(work)], "signPledge": true}"#)
            #expect(set.status == 204, "\(set.body)")
            #expect(
                try await api.request(.PUT, "/v1/applications/\(application)/materials", token: other, json: #"{"works": []}"#).status == 404,
                "another's application is not found")
            let pledge = try await api.request(.GET, "/v1/integrity-pledge")
            #expect((pledge.json["text"] as? String)?.hasPrefix("本人承诺") == true)

            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("a scanned contract".utf8)
            let path = "/v1/applications/\(application)/files?name=%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C.png&purpose=employment_proof"
            let added = try await api.request(.POST, path, token: applicant, contentType: "image/png", bytes: png)
            #expect(
                added.status == 201 && added.json["mediaType"] as? String == "image/png" && added.json["name"] as? String == "劳动合同.png",
                "\(added.body)")
            let hash = try #require(added.json["sha256"] as? String)
            let disguised = try await api.request(.POST, path, token: applicant, contentType: "image/png", bytes: Array("MZ not an image".utf8))
            #expect(disguised.status == 422 && disguised.body.contains("none of the accepted kinds"), "\(disguised.body)")
            #expect(try await api.request(.POST, path, token: applicant, contentType: "text/plain", bytes: png).status == 415)
            let large = try await api.request(
                .POST, path, token: applicant, contentType: "application/pdf", bytes: Array("%PDF-".utf8) + Array(repeating: 0x20, count: 64 * 1024))
            #expect(large.status == 413, "larger than the server's limit: \(large.body)")
            let noPurpose = try await api.request(
                .POST, "/v1/applications/\(application)/files?name=x.png&purpose=gift", token: applicant, contentType: "image/png", bytes: png)
            #expect(noPurpose.status == 422 && noPurpose.fields == ["purpose"], "\(noPurpose.body)")
            // The same bytes from another applicant are stored once.
            let copied = try await api.request(
                .POST, "/v1/applications/\(second)/files?name=copy.png&purpose=other", token: other, contentType: "image/png", bytes: png)
            #expect(copied.status == 201 && copied.json["sha256"] as? String == hash)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM stored_files") == 1)

            let downloaded = try await api.request(.GET, "/v1/applications/\(application)/files/\(hash)", token: applicant)
            #expect(downloaded.status == 200 && downloaded.bytes == png && downloaded.contentType == "image/png")
            #expect(try await api.request(.GET, "/v1/applications/\(application)/files/\(hash)", token: institution).bytes == png)
            #expect(try await api.request(.GET, "/v1/applications/\(application)/files/\(hash)", token: other).status == 404)
            try await api.workflow.addInstitution(id: "other-inst", name: "Other")
            let stranger = try await api.workflow.issueToken(role: .institution, subject: "other-inst")
            #expect(try await api.request(.GET, "/v1/applications/\(application)/dossier", token: stranger).status == 404)
            let reviewer = try await api.workflow.issueToken(role: .reviewer, subject: "r1")
            #expect(try await api.request(.GET, "/v1/applications/\(application)/dossier", token: reviewer).status == 403)

            let dossier = try await api.request(.GET, "/v1/applications/\(application)/dossier", token: institution)
            #expect(dossier.status == 200, "\(dossier.body)")
            #expect((dossier.json["works"] as? [[String: Any]])?.first?["title"] as? String == "城市夜色")
            #expect((dossier.json["pledge"] as? [String: Any])?["version"] as? String == "2026-1")
            #expect((dossier.json["files"] as? [[String: Any]])?.count == 1)

            #expect(try await api.request(.DELETE, "/v1/applications/\(application)/files/\(hash)", token: applicant).status == 204)
            #expect(try await api.request(.DELETE, "/v1/applications/\(application)/files/\(hash)", token: applicant).status == 404)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM stored_files") == 1, "the other application still carries it")
            #expect(try await api.request(.DELETE, "/v1/applications/\(second)/files/\(hash)", token: other).status == 204)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM stored_files") == 0)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM pg_largeobject_metadata") == 0, "the bytes are gone too")

            let accepted = try await api.request(
                .POST, "/v1/applications/\(application)/formal-check", token: institution, json: #"{"decision": "accept"}"#)
            #expect(accepted.status == 202, "\(accepted.body)")
            let frozen = try await api.request(
                .PUT, "/v1/applications/\(application)/materials", token: applicant, json: #"{"works": []}"#)
            #expect(frozen.status == 409, "checked materials no longer change: \(frozen.body)")
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'assessment.check_eligibility'") == 1,
                "accepting sets eligibility off")
        }
    }

    @Test("the formal check returns an application for correction; resubmitted in time it is checked again, else it lapses")
    func formalCheck() async throws {
        try await API.with { api in
            let (round, institution) = try await Self.openRound(api, policy: #"{"formalCheck": true}"#, daySeconds: 2)
            let careful = try await Self.register(api, sequence: 1)
            let late = try await Self.register(api, sequence: 2)
            let fixed = try await Self.apply(api, careful, round: round, grade: 4)
            let lapsed = try await Self.apply(api, late, round: round, grade: 4)

            let unsigned = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "accept"}"#)
            #expect(unsigned.status == 409 && unsigned.body.contains("integrity pledge"), "\(unsigned.body)")
            // Chinese unless the reader asks for English.
            let chinese = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "accept"}"#, acceptLanguage: nil)
            #expect(chinese.json["detail"] as? String == "申请\(fixed)未签署诚信承诺书；请退回补正" && chinese.json["title"] as? String == "冲突")
            #expect(chinese.contentLanguage == "zh" && unsigned.contentLanguage == "en")
            let ranked = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "accept"}"#,
                acceptLanguage: "en;q=0.8, zh-CN;q=0.9")
            #expect(ranked.contentLanguage == "zh", "Chinese ranks higher")
            let missing = try await api.request(.GET, "/v1/applications/\(fixed)/dossier", acceptLanguage: "zh-CN,zh;q=0.9")
            #expect(missing.status == 401 && (missing.json["detail"] as? String)?.hasPrefix("请在请求头中附上") == true, "\(missing.body)")
            let noReasons = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "return", "correctBy": "2030-01-01"}"#)
            #expect(noReasons.status == 422 && noReasons.fields == ["reasons"], "\(noReasons.body)")
            let start = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let beyond = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution,
                json: #"{"decision": "return", "reasons": ["x"], "correctBy": "\#(try start.adding(days: 300))"}"#)
            #expect(beyond.status == 422 && beyond.fields == ["correctBy"], "at most 90 days: \(beyond.body)")
            let returned = try await api.request(
                .POST, "/v1/applications/\(fixed)/formal-check", token: institution,
                json:
                    #"{"decision": "return", "reasons": ["上传经济师证书扫描件 / upload the certificate of 经济师", "declare the title held"], "correctBy": "\#(try start.adding(days: 60))"}"#
            )
            #expect(returned.status == 202, "\(returned.body)")
            // The round's clock runs 2 s a day: the other one gets the first deadline still ahead of it, and lets it pass.
            var deadline: CalendarDate?
            for days in 1...40 where deadline == nil {
                let day = try start.adding(days: days)
                let returnedLate = try await api.request(
                    .POST, "/v1/applications/\(lapsed)/formal-check", token: institution,
                    json: #"{"decision": "return", "reasons": ["sign the integrity pledge"], "correctBy": "\#(day)"}"#)
                if returnedLate.status == 202 { deadline = day } else { #expect(returnedLate.fields == ["correctBy"], "\(returnedLate.body)") }
            }
            let correctBy = try #require(deadline)
            #expect(try await Self.state(api, careful, fixed) == "returned")
            let told = try #require(try await Self.notifications(api, careful)["returned for correction"])
            #expect((told["reasons"] as? String)?.contains("经济师") == true && told["correctBy"] != nil, "\(told)")
            let twice = try await api.request(.POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "accept"}"#)
            #expect(twice.status == 409, "a returned application awaits its applicant: \(twice.body)")

            try await api.withWorkers {
                #expect(
                    try await api.request(
                        .PUT, "/v1/applicants/me/record", token: careful,
                        json: #"{"education": "bachelor", "titles": [{"series": "economics", "grade": 3, "obtained": "2018-01-01"}]}"#
                    ).status == 204)
                #expect(
                    try await api.request(.PUT, "/v1/applications/\(fixed)/materials", token: careful, json: #"{"works": [], "signPledge": true}"#)
                        .status == 204)
                let resubmitted = try await api.request(.POST, "/v1/applications/\(fixed)/resubmit", token: careful)
                #expect(resubmitted.status == 202, "\(resubmitted.body)")
                #expect(try await api.request(.POST, "/v1/applications/\(fixed)/resubmit", token: careful).status == 409)
                #expect(
                    try await api.client.scalar(
                        "SELECT count(*)::int FROM notification_outbox WHERE event = 'resubmitted' AND recipient = 'institution:inst'") == 1,
                    "the institution hears of it")
                let dossier = try await api.request(.GET, "/v1/applications/\(fixed)/dossier", token: institution)
                let corrections = try #require(dossier.json["corrections"] as? [[String: Any]])
                #expect(corrections.count == 1 && corrections[0]["resubmittedAt"] != nil && (corrections[0]["reasons"] as? [String])?.count == 2)
                #expect(((dossier.json["record"] as? [String: Any])?["titles"] as? [Any])?.count == 1, "resubmitted with the corrected record")
                #expect(
                    try await api.request(.POST, "/v1/applications/\(fixed)/formal-check", token: institution, json: #"{"decision": "accept"}"#)
                        .status == 202)
                try await eventually(timeout: .seconds(60), "one is eligible, the other lapsed after its deadline") {
                    let (first, second) = (try await Self.state(api, careful, fixed), try await Self.state(api, late, lapsed))
                    return first == "eligible" && second == "ineligible"
                }
            }
            let reasons = try await Self.notifications(api, late)["ineligible"]?["reasons"] as? String
            #expect(
                reasons == "申请被退回补正，未在\(correctBy)前重新提交（the application was returned for correction and not resubmitted by \(correctBy)）",
                "Chinese first, English alongside: \(reasons ?? "")")
            let tooLate = try await api.request(.POST, "/v1/applications/\(lapsed)/resubmit", token: late)
            #expect(tooLate.status == 409, "\(tooLate.body)")
        }
    }
}
