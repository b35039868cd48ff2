import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("Skills sittings through the API: scheduled at the national ratios, staffed without conflict, seated with tickets, moved, cancelled")
struct SittingAPITests {
    struct Season {
        let institution: String
        let round: Int64
        /// Each candidate's token, application and level.
        let candidates: [(token: String, application: Int64, level: Int)]
        let today: CalendarDate
    }

    /// A skills round of the institution `inst` (site 000001), scoring: 20 candidates at level 4,
    /// 10 at level 3 and 4 at level 2, each working for a studio of their own (`Studio n`).
    static func season(
        _ api: API, levels: [Int] = Array(repeating: 4, count: 20) + Array(repeating: 3, count: 10) + Array(repeating: 2, count: 4),
        daySeconds: Int = 86_400
    ) async throws -> Season {
        try await api.workflow.addInstitution(id: "inst", name: "上海网络视听行业协会")
        let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
        let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
        let opened = try await api.request(
            .POST, "/v1/rounds", token: institution,
            json: #"{"name": "全媒体运营师认定", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)", "daySeconds": \#(daySeconds)}"#)
        let round = Int64(try #require(opened.json["id"] as? Int, "\(opened.body)"))
        var candidates: [(token: String, application: Int64, level: Int)] = []
        let longAgo = try today.adding(days: -8 * 366)
        for (index, level) in levels.enumerated() {
            let token = try await MaterialsAPITests.register(api, sequence: index + 1, born: "1990-05-05")
            let held = level == 4 ? "" : #", "skillLevels": [{"occupation": "4-13-01-05", "level": \#(level + 1), "obtained": "\#(longAgo)"}]"#
            let declared = try await api.request(
                .PUT, "/v1/applicants/me/record", token: token,
                json: #"""
                    {"education": "bachelor", "workHistory": [{"employer": "Studio \#(index + 1)", "start": "2012-01-01"}]\#(held),
                     "training": [{"provider": "Media Academy \#(index + 1)", "start": "2020-03-01", "end": "2020-06-30"}]}
                    """#)
            #expect(declared.status == 204, "\(declared.body)")
            let applied = try await api.request(
                .POST, "/v1/applications", token: token,
                json:
                    #"{"round": \#(round), "target": {"track": "skill", "occupation": "4-13-01-05", "level": \#(level), "direction": "creative_planning"}}"#
            )
            candidates.append((token, Int64(try #require(applied.json["id"] as? Int, "\(applied.body)")), level))
        }
        try await scoring(api, round: round, institution: institution, eligible: levels.count)
        return Season(institution: institution, round: round, candidates: candidates, today: today)
    }

    /// Two level-4 candidates on a clock of 2 s a day, and the smallest staff a one-room sitting
    /// needs: two invigilators (inv-1 leads), a supervisor and three examiners.
    static func staffedSeason(_ api: API) async throws -> Season {
        let season = try await season(api, levels: [4, 4], daySeconds: 2)
        let valid = try season.today.adding(days: 300)
        try await file(
            api, season,
            ["inv-1,监考员1,,,,A", "inv-2,监考员2,,,,A", "sup-1,督导员,,supervisor,\(valid),B"] + (1...3).map { "ex-\($0),考评员\($0),4,examiner,\(valid),C" })
        return season
    }

    /// Closes `round` once its `eligible` candidates are eligible, and waits for its scoring stage.
    static func scoring(_ api: API, round: Int64, institution: String, eligible: Int) async throws {
        try await api.withWorkers {
            try await eventually(timeout: .seconds(90), "eligibility is decided") {
                try await api.client.scalar("SELECT count(*)::int FROM applications WHERE round_id = \(round) AND state = 'eligible'") == eligible
            }
            #expect(try await api.request(.POST, "/v1/rounds/\(round)/close", token: institution).status == 202)
            try await eventually(timeout: .seconds(90), "the round is scoring") {
                try await api.client.text("SELECT state FROM rounds WHERE id = \(round)") == "scoring"
            }
        }
    }

    /// Files examiners from CSV rows `id,name,skill_level,certificate_kind,certificate_until,employer`.
    static func file(_ api: API, _ season: Season, _ rows: [String]) async throws {
        let csv =
            "id,name,fields,term_start,skill_level,certificate_kind,certificate_number,certificate_until,employer\n"
            + rows.map { row in
                let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return [
                    cells[0], cells[1], "4-13-01-05", season.today.description, cells[2], cells[3], cells[3].isEmpty ? "" : "K-\(cells[0])", cells[4],
                    cells[5],
                ]
                .joined(separator: ",")
            }.joined(separator: "\n")
        let imported = try await api.request(.POST, "/v1/reviewers/import", token: season.institution, json: csv, contentType: "text/csv")
        #expect(imported.status == 200, "\(imported.body)")
    }

    /// The examiners a sitting of the season needs (21), two of them unusable for its level-2 room:
    /// one whose certificate lapses before the sitting, one working where a level-2 candidate works.
    static func pool(_ api: API, _ season: Season) async throws {
        let valid = try season.today.adding(days: 60)
        let lapsed = try season.today.adding(days: 5)
        var rows = (1...6).map { "inv-\($0),监考员\($0),,,,Invigilation Co" }
        rows += (1...5).map { "ex4-\($0),考评员四\($0),4,examiner,\(valid),Exam Co" }
        rows += (1...3).map { "ex3-\($0),考评员三\($0),3,examiner,\(valid),Exam Co" }
        rows += ["ex2-1,考评员二1,2,examiner,\(valid),Exam Co", "ex2-2,考评员二2,1,examiner,\(valid),Exam Co"]
        rows += ["ex2-3,考评员二3,2,examiner,\(lapsed),Exam Co", "ex2-4,考评员二4,2,examiner,\(valid),Studio 32"]
        rows += ["sup-1,督导员,,supervisor,\(valid),Bureau Co"]
        try await file(api, season, rows)
    }

    static func sitting(_ season: Season, site: String = "000001", levels: String = "[4, 3, 2]", day: Int = 10, extra: String = "") throws -> String {
        let first = try season.today.adding(days: day)
        let second = try first.adding(days: 1)
        return #"""
            {"site": "\#(site)", "levels": \#(levels),
             "parts": {"theory": {"date": "\#(first)", "start": "09:00", "minutes": 90},
                       "skill": {"date": "\#(first)", "start": "14:00", "minutes": 120},
                       "comprehensive_review": {"date": "\#(second)", "start": "09:00", "minutes": 60}},
             "rooms": [{"name": "A101", "seats": 20}, {"name": "A102", "seats": 10}, {"name": "A103", "seats": 6}]\#(extra)}
            """#
    }

    @Test("a sitting is refused with what to fix, staffed at the ratios from examiners without conflict, seated with tickets, moved and cancelled")
    func lifecycle() async throws {
        try await API.with { api in
            let season = try await Self.season(api)
            try await Self.pool(api, season)
            let path = "/v1/rounds/\(season.round)/sittings"
            let institution = season.institution

            // Refusals: each names its field, Chinese first, and writes nothing.
            let refusals: [(String, Int, String)] = [
                (try Self.sitting(season, site: "000999"), 422, "site"),
                (try Self.sitting(season).replacingOccurrences(of: #""minutes": 90"#, with: #""minutes": 1000"#), 422, "parts.theory.minutes"),
                (try Self.sitting(season, day: 0), 422, "parts.skill"),
                (try Self.sitting(season).replacingOccurrences(of: "14:00", with: "10:00"), 422, "parts.theory"),
                (try Self.sitting(season, levels: "[4, 3]"), 422, "parts.comprehensive_review"),
                (try Self.sitting(season, extra: #", "staffing": {"invigilatorsPerRoom": 1}"#), 422, "staffing"),
                (try Self.sitting(season, extra: #", "staffing": {"examinersPerRoom": 4}"#), 422, "staffing"),
                (try Self.sitting(season, extra: #", "staffing": {"reviewPanel": 99}"#), 422, "staffing.reviewPanel"),
            ]
            for (body, status, field) in refusals {
                let refused = try await api.request(.POST, path, token: institution, json: body)
                #expect(refused.status == status && refused.fields == [field], "\(field): \(refused.body)")
            }
            let thin = try await api.request(
                .POST, path, token: institution, json: try Self.sitting(season, extra: #", "staffing": {"invigilatorsPerRoom": 1}"#),
                acceptLanguage: nil)
            #expect(thin.body.contains("考场 A101（20 名考生）：监考员须每 15 名考生至少 1 名且每考场至少 2 名，应为 2 名，计划 1 名，缺 1 名"), "\(thin.body)")
            let even = try await api.request(
                .POST, path, token: institution, json: try Self.sitting(season, extra: #", "staffing": {"examinersPerRoom": 4}"#), acceptLanguage: nil
            )
            #expect(even.body.contains("考场 A101（20 名考生）") && even.body.contains("应至少 5 名，计划 4 名，缺 1 名"), "\(even.body)")

            // The pool: two of the four level-2 examiners cannot serve the level-2 room.
            let short = try await api.request(.POST, path, token: institution, json: try Self.sitting(season), acceptLanguage: nil)
            #expect(short.status == 409, "\(short.body)")
            #expect(short.body.contains("考场 A103 的考评员须 3 名，符合条件的仅 2 名，缺 1 名"), "\(short.body)")
            #expect(short.body.contains("1 名无有效考评员证") && short.body.contains("1 名与考生同一单位"), "\(short.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM sittings") == 0, "nothing half-written")

            try await Self.file(api, season, ["ex2-5,考评员二5,2,examiner,\(try season.today.adding(days: 60)),Exam Co"])
            try await Self.file(api, season, ["ex2-6,考评员二6,1,examiner,\(try season.today.adding(days: 60)),Exam Co"])
            try await Self.file(api, season, ["ex2-7,考评员二7,2,examiner,\(try season.today.adding(days: 60)),Exam Co"])
            try await Self.file(api, season, ["ex2-8,考评员二8,2,examiner,\(try season.today.adding(days: 60)),Exam Co"])
            let scheduled = try await api.request(.POST, path, token: institution, json: try Self.sitting(season))
            #expect(scheduled.status == 202, "\(scheduled.body)")
            #expect(scheduled.json["candidates"] as? Int == 34)
            let staffing = try #require(scheduled.json["staffing"] as? [String: Any])
            #expect(staffing["invigilators"] as? [Int] == [2, 2, 2] && staffing["examiners"] as? [Int] == [5, 3, 3], "\(staffing)")
            #expect(staffing["reviewPanel"] as? Int == 3 && staffing["supervisors"] as? Int == 1)
            let sitting = try #require(scheduled.json["id"] as? Int)
            let again = try await api.request(.POST, path, token: institution, json: try Self.sitting(season), acceptLanguage: nil)
            #expect(again.status == 409 && again.body.contains("没有待安排考试"), "every candidate has a sitting: \(again.body)")

            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the sitting is seated") {
                    try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
                }
            }
            let view = try await api.request(.GET, "/v1/sittings/\(sitting)", token: institution)
            #expect(view.status == 200, "\(view.body)")
            #expect((view.json["rooms"] as? [[String: Any]])?.map { $0["seated"] as? Int } == [20, 10, 4], "\(view.body)")
            let staff = try #require(view.json["staff"] as? [[String: Any]])
            #expect(staff.count == 21)
            // The lapsed certificate may still invigilate; the conflicted examiner never serves where their studio's candidate sits.
            let marking = staff.filter { ["examiner", "reviewer"].contains($0["role"] as? String ?? "") }.compactMap { $0["reviewer"] as? String }
            #expect(!marking.contains("ex2-3"), "no valid certificate, no marking")
            let conflicted = staff.first { $0["reviewer"] as? String == "ex2-4" }
            #expect(
                conflicted == nil
                    || (["invigilator", "examiner"].contains(conflicted?["role"] as? String ?? "") && conflicted?["room"] as? String != "A103"),
                "\(conflicted ?? [:])")
            let levelTwoMarkers = staff.filter {
                ($0["role"] as? String == "examiner" && $0["room"] as? String == "A103") || $0["role"] as? String == "reviewer"
            }
            #expect(levelTwoMarkers.count == 6 && levelTwoMarkers.allSatisfy { ($0["reviewer"] as? String)?.hasPrefix("ex2-") == true })
            #expect(staff.filter { $0["role"] as? String == "supervisor" }.map { $0["reviewer"] as? String } == ["sup-1"])
            #expect(try await api.client.scalar("SELECT count(DISTINCT ticket)::int FROM sitting_candidates WHERE sitting_id = \(sitting)") == 34)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'sitting staffed'") == 21)

            let levelTwo = try #require(season.candidates.last)
            let ticket = try await api.request(.GET, "/v1/applications/\(levelTwo.application)/admission-ticket", token: levelTwo.token)
            #expect(ticket.status == 200, "\(ticket.body)")
            let number = try #require(ticket.json["ticket"] as? String)
            let year = String(format: "%02d", try season.today.adding(days: 10).year % 100)
            #expect(number.count == 18 && number.hasPrefix(year + "000001"), "year, site, sitting, sequence: \(number)")
            #expect(ticket.json["room"] as? String == "A103" && ticket.json["levelName"] as? String == "二级/技师")
            #expect((ticket.json["parts"] as? [[String: Any]])?.map { $0["part"] as? String } == ["theory", "skill", "comprehensive_review"])
            let others = try await api.request(.GET, "/v1/applications/\(season.candidates[0].application)/admission-ticket", token: levelTwo.token)
            #expect(others.status == 404, "another's ticket is nobody's business: \(others.body)")
            let told = try await MaterialsAPITests.notifications(api, levelTwo.token)["sitting seated"]
            #expect(told?["ticket"] as? String == number)
            #expect((told?["message"] as? String)?.contains("准考证号 \(number)，考点 000001，考场 A103") == true, "\(told ?? [:])")
            #expect((told?["message"] as? String)?.contains("综合评审 \(try season.today.adding(days: 11)) 09:00–10:00") == true)

            // Moved a week on, into other rooms: seated again, everyone told.
            let fewSeats = try Self.sitting(season, day: 17).replacingOccurrences(of: #""seats": 20"#, with: #""seats": 10"#)
            let cramped = try await api.request(.PUT, "/v1/sittings/\(sitting)", token: institution, json: fewSeats, acceptLanguage: nil)
            #expect(cramped.status == 422 && cramped.fields == ["rooms"] && cramped.body.contains("少于本场 34 名考生"), "\(cramped.body)")
            let moved = try await api.request(
                .PUT, "/v1/sittings/\(sitting)", token: institution,
                json: try Self.sitting(season, day: 17).replacingOccurrences(of: "A10", with: "B20").replacingOccurrences(
                    of: #""seats": 20"#, with: #""seats": 14"#
                ).replacingOccurrences(of: #""seats": 6"#, with: #""seats": 12"#))
            #expect(moved.status == 202, "\(moved.body)")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the moved sitting is seated again") {
                    try await api.client.text("SELECT state || revision FROM sittings WHERE id = \(sitting)") == "seated2"
                }
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'sitting changed'") == 34)
            let reseated = try await api.request(.GET, "/v1/sittings/\(sitting)", token: institution)
            #expect((reseated.json["rooms"] as? [[String: Any]])?.map { $0["seated"] as? Int } == [14, 10, 10], "\(reseated.body)")
            #expect(try await api.client.scalar("SELECT count(DISTINCT ticket)::int FROM sitting_candidates WHERE sitting_id = \(sitting)") == 34)
            let changed = try await MaterialsAPITests.notifications(api, levelTwo.token)["sitting changed"]
            #expect((changed?["message"] as? String)?.contains("考场 B203") == true, "\(changed ?? [:])")
            #expect((changed?["schedule"] as? String)?.contains("理论知识考试 \(try season.today.adding(days: 17))") == true)

            // Cancelled: candidates and staff told why; the candidates wait for another sitting.
            let cancelled = try await api.request(.POST, "/v1/sittings/\(sitting)/cancel", token: institution, json: #"{"reason": "考点停电检修"}"#)
            #expect(cancelled.status == 204, "\(cancelled.body)")
            let posts = (reseated.json["staff"] as? [[String: Any]])?.count ?? 0
            #expect(posts == 19, "smaller rooms, smaller panels: \(reseated.body)")
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'sitting cancelled'") == 34 + posts,
                "every candidate and every post holder")
            #expect(
                (try await MaterialsAPITests.notifications(api, levelTwo.token)["sitting cancelled"]?["message"] as? String) == "技能等级认定考试已取消：考点停电检修")
            let noTicket = try await api.request(.GET, "/v1/applications/\(levelTwo.application)/admission-ticket", token: levelTwo.token)
            #expect(noTicket.status == 409, "\(noTicket.body)")
            #expect(try await api.request(.PUT, "/v1/sittings/\(sitting)", token: institution, json: try Self.sitting(season)).status == 409)
            let anew = try await api.request(.POST, path, token: institution, json: try Self.sitting(season, day: 20))
            #expect(anew.status == 202 && anew.json["candidates"] as? Int == 34, "\(anew.body)")
            let listed = try await api.request(.GET, path, token: institution)
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["state"] as? String } == ["cancelled", "scheduled"], "\(listed.body)")
        }
    }

    @Test("an examiner suspended before the seating job leaves the sitting unstaffed, the institution told why; a change staffs it again")
    func unstaffed() async throws {
        try await API.with { api in
            let season = try await Self.season(api)
            try await Self.pool(api, season)
            try await Self.file(api, season, (5...8).map { "ex2-\($0),考评员二\($0),2,examiner,\(try season.today.adding(days: 60)),Exam Co" })
            let scheduled = try await api.request(
                .POST, "/v1/rounds/\(season.round)/sittings", token: season.institution, json: try Self.sitting(season))
            let sitting = try #require(scheduled.json["id"] as? Int, "\(scheduled.body)")
            let suspended = try await api.request(
                .POST, "/v1/reviewers/ex2-5/status", token: season.institution, json: #"{"status": "suspended"}"#)
            #expect(suspended.status == 204)
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the sitting is set aside") {
                    try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "unstaffed"
                }
            }
            let view = try await api.request(.GET, "/v1/sittings/\(sitting)", token: season.institution)
            #expect((view.json["problem"] as? String)?.contains("缺") == true, "\(view.body)")
            let told = try await api.client.text("SELECT payload->>'message' FROM notification_outbox WHERE event = 'sitting unstaffed'")
            #expect(told?.hasPrefix("考场安排无法从考评人员库配齐人员") == true, "\(told ?? "")")

            #expect(
                try await api.request(.POST, "/v1/reviewers/ex2-5/status", token: season.institution, json: #"{"status": "active"}"#).status == 204)
            let again = try await api.request(.PUT, "/v1/sittings/\(sitting)", token: season.institution, json: try Self.sitting(season))
            #expect(again.status == 202, "\(again.body)")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the sitting is seated") {
                    try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
                }
            }
            // Candidates hear of their seat once: the first revision never seated them.
            #expect(try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'sitting seated'") == 34)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'sitting changed'") == 0)

            // A second round's sitting on the same days finds the pool busy; two days later it is free.
            let today = season.today
            let other = try await api.request(
                .POST, "/v1/rounds", token: season.institution,
                json: #"{"name": "第二批", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)"}"#)
            let round = try #require(other.json["id"] as? Int, "\(other.body)")
            let token = try await MaterialsAPITests.register(api, sequence: 100, born: "1990-05-05")
            _ = try await api.request(
                .PUT, "/v1/applicants/me/record", token: token,
                json: #"{"education": "bachelor", "workHistory": [{"employer": "Studio 100", "start": "2012-01-01"}]}"#)
            let applied = try await api.request(
                .POST, "/v1/applications", token: token,
                json: #"{"round": \#(round), "target": {"track": "skill", "occupation": "4-13-01-05", "level": 4, "direction": "creative_planning"}}"#
            )
            #expect(applied.status == 201, "\(applied.body)")
            try await Self.scoring(api, round: Int64(round), institution: season.institution, eligible: 1)
            func single(_ day: Int) throws -> String {
                let date = try today.adding(days: day)
                return #"{"site": "000001", "levels": [4], "parts": {"theory": {"date": "\#(date)", "start": "09:00", "minutes": 90}"#
                    + #", "skill": {"date": "\#(date)", "start": "14:00", "minutes": 60}}, "rooms": [{"name": "B1", "seats": 5}]}"#
            }
            let busy = try await api.request(
                .POST, "/v1/rounds/\(round)/sittings", token: season.institution, json: try single(10), acceptLanguage: nil)
            #expect(busy.status == 409 && busy.body.contains("缺"), "the day's examiners hold posts at the first sitting: \(busy.body)")
            let free = try await api.request(.POST, "/v1/rounds/\(round)/sittings", token: season.institution, json: try single(12))
            #expect(free.status == 202 && free.json["candidates"] as? Int == 1, "\(free.body)")
        }
    }

    @Test("the ratios are the round's policy: stricter than the national ones or equal, never looser")
    func ratios() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            func open(_ ratios: String) async throws -> API.Reply {
                try await api.request(
                    .POST, "/v1/rounds", token: institution,
                    json:
                        #"{"name": "r", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)", "policy": {"sittingRatios": \#(ratios)}}"#,
                    acceptLanguage: nil)
            }
            let loose = try await open(#"{"candidatesPerInvigilator": 20}"#)
            #expect(loose.status == 422 && loose.fields == ["policy.sittingRatios.candidatesPerInvigilator"], "\(loose.body)")
            let even = try await open(#"{"examinersPerRoom": 4}"#)
            #expect(even.status == 422 && even.body.contains("须为奇数"), "\(even.body)")
            let strict = try await open(#"{"candidatesPerInvigilator": 10, "examinersPerRoom": 5}"#)
            #expect(strict.status == 201, "\(strict.body)")
            let stored = try await api.client.text("SELECT policy->'sittingRatios'->>'candidatesPerInvigilator' FROM rounds")
            #expect(stored == "10")
        }
    }

    @Test("an examiner is filed with the level they hold and their certificate; both are for experts of an occupation")
    func examiners() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let filed = try await api.request(
                .POST, "/v1/reviewers", token: institution,
                json:
                    #"{"id": "ex-1", "name": "考评员", "fields": ["4-13-01-05"], "skillLevel": 2, "certificate": {"kind": "examiner", "number": "KP-2026-001", "validUntil": "2028-06-30"}}"#
            )
            #expect(filed.status == 201, "\(filed.body)")
            let listed = try await api.request(.GET, "/v1/reviewers?limit=10", token: institution)
            let expert = try #require((listed.json["items"] as? [[String: Any]])?.first)
            #expect(expert["skillLevel"] as? Int == 2)
            #expect((expert["certificate"] as? [String: Any])?["validUntil"] as? String == "2028-06-30", "\(listed.body)")
            let refusals: [(String, String)] = [
                (#"{"id": "t-1", "name": "专家", "fields": ["art"], "grade": 5, "skillLevel": 2}"#, "skillLevel"),
                (#"{"id": "t-2", "name": "专家", "fields": ["4-13-01-05"], "skillLevel": 6}"#, "skillLevel"),
                (
                    #"{"id": "t-3", "name": "专家", "fields": ["4-13-01-05"], "certificate": {"kind": "judge", "number": "K1", "validUntil": "2028-01-01"}}"#,
                    "certificate.kind"
                ),
                (
                    #"{"id": "t-4", "name": "专家", "fields": ["4-13-01-05"], "certificate": {"kind": "examiner", "number": "K 1", "validUntil": "2028-01-01"}}"#,
                    "certificate.number"
                ),
            ]
            for (body, field) in refusals {
                let refused = try await api.request(.POST, "/v1/reviewers", token: institution, json: body)
                #expect(refused.status == 422 && refused.fields == [field], "\(field): \(refused.body)")
            }
            let csv =
                "id,name,fields,term_start,skill_level,certificate_kind,certificate_number,certificate_until\nex-2,考评员二,4-13-01-05,2026-01-01,3,examiner,,2028-01-01\n"
            let partial = try await api.request(
                .POST, "/v1/reviewers/import", token: institution, json: csv, contentType: "text/csv", acceptLanguage: nil)
            #expect(partial.status == 422 && partial.body.contains("须同时填写或同时留空"), "\(partial.body)")
        }
    }

    @Test(
        "marks: the theory exam imported, each examiner marks blind, the panel's mean counts, a spread goes to the supervisor, absence is not failure"
    )
    func marks() async throws {
        try await API.with { api in
            // One day of this rehearsal round lasts 2 seconds, so the sitting's days come while the test waits.
            let season = try await Self.season(api, levels: [4, 4, 4, 4, 2, 2], daySeconds: 2)
            let valid = try season.today.adding(days: 300)
            try await Self.file(
                api, season,
                ["inv-1,监考员1,,,,A", "inv-2,监考员2,,,,A", "sup-1,督导员,,supervisor,\(valid),B"] + (1...6).map { "ex-\($0),考评员\($0),2,examiner,\(valid),C" }
            )
            let calendar = try await api.request(.GET, "/v1/rounds/\(season.round)/calendar", token: season.institution)
            let today = try #require(CalendarDate(iso: calendar.json["today"] as? String ?? ""), "\(calendar.body)")
            let (first, second) = (try today.adding(days: 3), try today.adding(days: 4))
            let scheduled = try await api.request(
                .POST, "/v1/rounds/\(season.round)/sittings", token: season.institution,
                json: #"""
                    {"site": "000001", "levels": [4, 2], "rooms": [{"name": "A101", "seats": 6}],
                     "parts": {"theory": {"date": "\#(first)", "start": "09:00", "minutes": 90}, "skill": {"date": "\#(first)", "start": "14:00", "minutes": 60},
                               "comprehensive_review": {"date": "\#(second)", "start": "09:00", "minutes": 60}}}
                    """#)
            let sitting = try #require(scheduled.json["id"] as? Int, "\(scheduled.body)")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the sitting is seated") {
                    try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
                }
            }
            let view = try await api.request(.GET, "/v1/sittings/\(sitting)", token: season.institution)
            let staff = try #require(view.json["staff"] as? [[String: Any]])
            func holders(_ role: String) -> [String] { staff.filter { $0["role"] as? String == role }.compactMap { $0["reviewer"] as? String } }
            var tokens: [String: String] = [:]
            for id in holders("examiner") + holders("reviewer") + holders("supervisor") {
                tokens[id] = try await api.workflow.issueToken(role: .reviewer, subject: id)
            }
            let (examiners, panel, supervisor) = (holders("examiner"), holders("reviewer"), try #require(holders("supervisor").first))
            #expect(examiners.count == 3 && panel.count == 3)
            // Tickets in application order: candidates 1-4 at level 4, 5-6 at level 2.
            var ticket: [String] = []
            for candidate in season.candidates {
                let printed = try await api.request(.GET, "/v1/applications/\(candidate.application)/admission-ticket", token: candidate.token)
                ticket.append(try #require(printed.json["ticket"] as? String, "\(printed.body)"))
            }
            func mark(_ examiner: String, _ index: Int, _ part: String, _ mark: Double) async throws -> API.Reply {
                try await api.request(
                    .POST, "/v1/sittings/\(sitting)/marks", token: tokens[examiner],
                    json: #"{"ticket": "\#(ticket[index])", "part": "\#(part)", "mark": \#(mark)}"#, acceptLanguage: nil)
            }

            let early = try await mark(examiners[0], 0, "skill", 70)
            #expect(early.status == 409 && early.body.contains("当天起方可录入成绩"), "not before the day: \(early.body)")
            let csv = "ticket,mark\n\(ticket[0]),80\n\(ticket[1]),75\n\(ticket[2]),59\n\(ticket[3]),缺考\n\(ticket[4]),90\n"
            try await eventually(timeout: .seconds(20), "the theory exam's day comes") {
                let imported = try await api.request(
                    .POST, "/v1/sittings/\(sitting)/theory-marks", token: season.institution, json: csv, contentType: "text/csv")
                return imported.status == 200 && imported.json["recorded"] as? Int == 5
            }
            // A paper exam's mark, entered by the room's lead invigilator (主监考) alone.
            let invigilators = staff.filter { $0["role"] as? String == "invigilator" }
            let lead = try #require(invigilators.first { $0["lead"] as? Bool == true }?["reviewer"] as? String, "\(staff)")
            let other = try #require(invigilators.first { $0["lead"] as? Bool == false }?["reviewer"] as? String)
            let (leadToken, otherToken) = (
                try await api.workflow.issueToken(role: .reviewer, subject: lead), try await api.workflow.issueToken(role: .reviewer, subject: other)
            )
            let entry = #"{"ticket": "\#(ticket[5])", "mark": 85}"#
            #expect(try await api.request(.POST, "/v1/sittings/\(sitting)/theory-mark", token: otherToken, json: entry).status == 403)
            let both = try await api.request(
                .POST, "/v1/sittings/\(sitting)/theory-mark", token: leadToken, json: #"{"ticket": "\#(ticket[5])", "mark": 85, "absent": true}"#)
            #expect(both.status == 422 && both.fields == ["absent"], "\(both.body)")
            #expect(try await api.request(.POST, "/v1/sittings/\(sitting)/theory-mark", token: leadToken, json: entry).status == 204)
            #expect(try await api.request(.POST, "/v1/sittings/\(sitting)/theory-mark", token: leadToken, json: entry).status == 409, "once")
            let unknown = try await api.request(
                .POST, "/v1/sittings/\(sitting)/theory-marks", token: season.institution,
                json: "ticket,mark\n\(String(repeating: "9", count: 18)),70\n", contentType: "text/csv")
            #expect(unknown.status == 422, "\(unknown.body)")
            let twice = try await api.request(
                .POST, "/v1/sittings/\(sitting)/theory-marks", token: season.institution, json: csv, contentType: "text/csv")
            #expect(twice.status == 409, "a theory mark is recorded once: \(twice.body)")
            let absence = try await api.request(
                .POST, "/v1/sittings/\(sitting)/absences", token: season.institution, json: #"{"part": "skill", "tickets": ["\#(ticket[3])"]}"#)
            #expect(absence.status == 204, "\(absence.body)")

            // Skill assessments, blind: nobody sees another's mark.
            #expect((try await mark(examiners[0], 0, "skill", 70)).status == 204)
            let blind = try await api.request(.GET, "/v1/sittings/\(sitting)/marking", token: tokens[examiners[1]])
            let list = try #require(blind.json["items"] as? [[String: Any]], "\(blind.body)")
            #expect(list.count == 6 && list.allSatisfy { $0["mark"] == nil || $0["mark"] is NSNull }, "\(blind.body)")
            let own = try await api.request(.GET, "/v1/sittings/\(sitting)/marking", token: tokens[examiners[0]])
            #expect((own.json["items"] as? [[String: Any]])?.contains { $0["ticket"] as? String == ticket[0] && $0["mark"] as? Double == 70 } == true)
            #expect((try await mark(examiners[0], 0, "skill", 71)).status == 409, "once per examiner")
            #expect((try await mark(supervisor, 0, "skill", 71)).status == 403, "the supervisor marks nothing")
            #expect((try await mark(examiners[0], 3, "skill", 71)).status == 409, "an absent part takes no mark")
            #expect((try await mark(examiners[0], 0, "comprehensive_review", 71)).status == 403, "level 4 takes no review, and examiners mark skills")
            for (index, marks) in [(0, [72.0, 74]), (1, [60.0, 90, 62]), (2, [80.0, 80, 80]), (4, [75.0, 75, 75]), (5, [75.0, 75, 75])] {
                let start = index == 0 ? 1 : 0
                for (offset, value) in marks.enumerated() {
                    let reply = try await mark(examiners[start + offset], index, "skill", value)
                    #expect(reply.status == 204, "\(reply.body)")
                }
            }
            // Candidate 2's marks spread by 30, beyond the tolerance of 15: the supervisor is told and confirms.
            let discrepancy = try await api.client.text("SELECT payload->>'message' FROM notification_outbox WHERE event = 'mark discrepancy'")
            #expect(discrepancy?.contains("准考证号 \(ticket[1]) 的技能考核评分差距过大（30.0 分）") == true, "\(discrepancy ?? "")")
            let byExaminer = try await api.request(
                .POST, "/v1/sittings/\(sitting)/marks/confirm", token: tokens[examiners[0]], json: #"{"ticket": "\#(ticket[1])", "part": "skill"}"#)
            #expect(byExaminer.status == 403)
            let toConfirm = try await api.request(.GET, "/v1/sittings/\(sitting)/marking", token: tokens[supervisor])
            let waiting = (toConfirm.json["items"] as? [[String: Any]] ?? []).map {
                "\($0["ticket"] ?? "")/\($0["part"] ?? "")/\($0["task"] ?? "")/\($0["spread"] ?? "")"
            }
            #expect(waiting == ["\(ticket[1])/skill/confirm/30"], "the supervisor's list: \(toConfirm.body)")
            let confirmed = try await api.request(
                .POST, "/v1/sittings/\(sitting)/marks/confirm", token: tokens[supervisor], json: #"{"ticket": "\#(ticket[1])", "part": "skill"}"#)
            #expect(confirmed.status == 204, "\(confirmed.body)")
            try await eventually(timeout: .seconds(20), "the review's day comes") {
                try await mark(panel[0], 4, "comprehensive_review", 65).status == 204
            }
            for (index, value) in [(4, 65.0), (5, 50.0)] {
                for member in panel where !(index == 4 && member == panel[0]) {
                    let reply = try await mark(member, index, "comprehensive_review", value)
                    #expect(reply.status == 204, "\(reply.body)")
                }
            }

            let cancelMarked = try await api.request(.POST, "/v1/sittings/\(sitting)/cancel", token: season.institution, json: #"{"reason": "x"}"#)
            #expect(cancelMarked.status == 409, "a sitting with marks took place: \(cancelMarked.body)")
            let results = try await api.request(.GET, "/v1/sittings/\(sitting)/results", token: season.institution)
            let rows = try #require(results.json["items"] as? [[String: Any]], "\(results.body)")
            #expect(rows.count == 6 && rows.allSatisfy { $0["state"] as? String == "decided" }, "\(results.body)")
            var outcome: [String?] = []
            for candidate in season.candidates {
                let application = try await api.request(.GET, "/v1/applications/\(candidate.application)", token: candidate.token)
                outcome.append((application.json["passed"] as? Bool).map { $0 ? "passed" : "not passed" })
            }
            #expect(outcome == ["passed", "passed", "not passed", "not passed", "passed", "not passed"])
            #expect(
                try await api.client.text("SELECT string_agg(absent::text, ',' ORDER BY id) FROM applications")
                    == "false,false,false,true,false,false")
            let discrepant = try await api.request(
                .GET, "/v1/applications/\(season.candidates[1].application)/part-results", token: season.candidates[1].token)
            let parts = try #require(discrepant.json["parts"] as? [[String: Any]], "\(discrepant.body)")
            let skill = try #require(parts.first { $0["part"] as? String == "skill" })
            #expect(abs((skill["mark"] as? Double ?? 0) - 212.0 / 3) < 0.001 && skill["spread"] as? Double == 30, "the mean of three: \(skill)")
            let absentParts = try await api.request(
                .GET, "/v1/applications/\(season.candidates[3].application)/part-results", token: season.candidates[3].token)
            #expect((absentParts.json["parts"] as? [[String: Any]])?.map { $0["state"] as? String } == ["absent", "absent"], "\(absentParts.body)")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the notice is published") {
                    try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") != "scoring"
                }
            }
            let told = try await MaterialsAPITests.notifications(api, season.candidates[3].token)["result"]
            #expect((told?["message"] as? String)?.contains("缺考") == true, "absent, not failed: \(told ?? [:])")
        }
    }

    @Test("a skills appeal no fresh panel can be drawn for is set apart, the institution told why, and the round finalizes without it")
    func appealSetApart() async throws {
        try await API.with { api in
            // A rehearsal clock of one second a day: the notice and the appeal window pass while the test waits.
            let season = try await Self.season(api, levels: [4, 4], daySeconds: 1)
            for (candidate, marks) in zip(
                season.candidates, [#"{"parts": {"theory": 50, "skill": 70}}"#, #"{"parts": {"theory": 80, "skill": 70}}"#])
            {
                let recorded = try await api.request(
                    .POST, "/v1/applications/\(candidate.application)/skills-result", token: season.institution, json: marks)
                #expect(recorded.status == 202, "\(recorded.body)")
            }
            let failed = season.candidates[0]
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the result is notified") {
                    try await MaterialsAPITests.notifications(api, failed.token)["result"] != nil
                }
                let appealed = try await api.request(
                    .POST, "/v1/applications/\(failed.application)/appeal", token: failed.token, json: #"{"reason": "理论考试阅卷有误"}"#)
                #expect(appealed.status == 202, "\(appealed.body)")
                try await eventually(timeout: .seconds(90), "the round finalizes without waiting for the appeal") {
                    ["finalized", "confirmed"].contains(try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") ?? "")
                }
                // The hand-over to the bureau is a job of its own, after the round is final: it tells the applicants.
                try await eventually(timeout: .seconds(30), "the round is handed to the bureau") {
                    try await api.client.scalar("SELECT count(*)::int FROM round_confirmations WHERE round_id = \(season.round)") == 1
                }
            }
            #expect(try await api.client.text("SELECT state FROM appeals WHERE application_id = \(failed.application)") == "set_apart")
            let told = try await api.client.text("SELECT payload->>'message' FROM notification_outbox WHERE event = 'appeal set apart'")
            #expect(told?.hasPrefix("一件复核无法抽取新的评审专家组") == true && told?.contains("无法配齐评审专家") == true, "\(told ?? "")")
            let application = try await api.request(.GET, "/v1/applications/\(failed.application)", token: failed.token)
            #expect(application.json["appeal"] as? String == "set_apart", "\(application.body)")
            let finals = try await api.client.text(
                "SELECT string_agg(recipient, ',' ORDER BY recipient) FROM notification_outbox WHERE event = 'final result'")
            let other = try await api.client.scalar("SELECT applicant_id::int FROM applications WHERE id = \(season.candidates[1].application)")
            #expect(finals == "applicant:\(other)", "only the case not set apart is final: \(finals ?? "")")
        }
    }

    /// Schedules a level-4 sitting of `round` three of its days on for `candidates` (the round's
    /// first not yet seated), seats it, and enters the marks
    /// given: each candidate's theory mark (nil: they do not sit it) and the mark each of the room's
    /// three examiners gives their skill assessment. Returns the sitting and each candidate's ticket.
    static func sitAndMark(
        _ api: API, institution: String, round: Int64, _ candidates: [(token: String, application: Int64, level: Int)], theory: [Double?],
        skill: [Double?], site: String = "000001"
    ) async throws -> (sitting: Int, tickets: [String]) {
        let calendar = try await api.request(.GET, "/v1/rounds/\(round)/calendar", token: institution)
        let day = try #require(CalendarDate(iso: calendar.json["today"] as? String ?? ""), "\(calendar.body)").adding(days: 3)
        let scheduled = try await api.request(
            .POST, "/v1/rounds/\(round)/sittings", token: institution,
            json: #"""
                {"site": "\#(site)", "levels": [4], "rooms": [{"name": "A101", "seats": \#(candidates.count)}],
                 "parts": {"theory": {"date": "\#(day)", "start": "09:00", "minutes": 90}, "skill": {"date": "\#(day)", "start": "14:00", "minutes": 60}}}
                """#)
        let sitting = try #require(scheduled.json["id"] as? Int, "\(scheduled.body)")
        try await api.withWorkers {
            try await eventually(timeout: .seconds(90), "the sitting is seated") {
                try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated"
            }
        }
        var tickets: [String] = []
        for candidate in candidates {
            let printed = try await api.request(.GET, "/v1/applications/\(candidate.application)/admission-ticket", token: candidate.token)
            tickets.append(try #require(printed.json["ticket"] as? String, "\(printed.body)"))
        }
        let rows = zip(tickets, theory).compactMap { ticket, mark in mark.map { "\(ticket),\($0)" } }
        if !rows.isEmpty {
            try await eventually(timeout: .seconds(20), "the theory exam's day comes") {
                let imported = try await api.request(
                    .POST, "/v1/sittings/\(sitting)/theory-marks", token: institution, json: "ticket,mark\n" + rows.joined(separator: "\n"),
                    contentType: "text/csv")
                return imported.status == 200
            }
        }
        let view = try await api.request(.GET, "/v1/sittings/\(sitting)", token: institution)
        let examiners = (view.json["staff"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "examiner" }.compactMap {
            $0["reviewer"] as? String
        }
        #expect(examiners.count == 3, "\(view.body)")
        for examiner in examiners {
            let token = try await api.workflow.issueToken(role: .reviewer, subject: examiner)
            for (ticket, mark) in zip(tickets, skill) {
                guard let mark else { continue }
                try await eventually(timeout: .seconds(20), "the skill assessment's day comes") {
                    let marked = try await api.request(
                        .POST, "/v1/sittings/\(sitting)/marks", token: token, json: #"{"ticket": "\#(ticket)", "part": "skill", "mark": \#(mark)}"#)
                    #expect([204, 409].contains(marked.status), "\(marked.body)")
                    return marked.status == 204
                }
            }
        }
        return (sitting, tickets)
    }

    @Test("re-sits: a candidate keeps the parts passed at an earlier sitting and sits only the others; the ticket, the notice and the results say so")
    func resits() async throws {
        try await API.with { api in
            let season = try await Self.staffedSeason(api)
            // The first sitting: candidate 1 passes the theory exam and fails the skill assessment; candidate 2 the other way round.
            let first = try await Self.sitAndMark(
                api, institution: season.institution, round: season.round, season.candidates, theory: [70, 50], skill: [50, 80])
            #expect(try await api.client.text("SELECT string_agg(passed::text, ',' ORDER BY id) FROM applications") == "false,false")

            // The next round: both apply again for level 4, on the first round's clock.
            let calendar = try await api.request(.GET, "/v1/rounds/\(season.round)/calendar", token: season.institution)
            let start = try #require(calendar.json["today"] as? String)
            let opened = try await api.request(
                .POST, "/v1/rounds", token: season.institution,
                json: #"{"name": "补考", "track": "skill", "field": "4-13-01-05", "startDate": "\#(start)", "daySeconds": 2}"#)
            let round = Int64(try #require(opened.json["id"] as? Int, "\(opened.body)"))
            var again: [(token: String, application: Int64, level: Int)] = []
            for candidate in season.candidates {
                let applied = try await api.request(
                    .POST, "/v1/applications", token: candidate.token,
                    json:
                        #"{"round": \#(round), "target": {"track": "skill", "occupation": "4-13-01-05", "level": 4, "direction": "creative_planning"}}"#
                )
                again.append((candidate.token, Int64(try #require(applied.json["id"] as? Int, "\(applied.body)")), 4))
            }
            try await Self.scoring(api, round: round, institution: season.institution, eligible: 2)
            let second = try await Self.sitAndMark(api, institution: season.institution, round: round, again, theory: [nil, 75], skill: [80, nil])
            #expect(second.sitting != first.sitting)

            // The ticket lists only the part to sit, and the kept one with where and when it was passed.
            let ticket = try await api.request(.GET, "/v1/applications/\(again[0].application)/admission-ticket", token: again[0].token)
            #expect((ticket.json["parts"] as? [[String: Any]])?.map { $0["part"] as? String } == ["skill"], "\(ticket.body)")
            let kept = try #require((ticket.json["kept"] as? [[String: Any]])?.first, "\(ticket.body)")
            #expect(kept["part"] as? String == "theory" && kept["mark"] as? Double == 70 && kept["keptFrom"] as? Int == first.sitting, "\(kept)")
            let told = try await api.client.text(
                "SELECT payload->>'message' FROM notification_outbox WHERE event = 'sitting seated' AND payload->>'ticket' = \(second.tickets[0])")
            #expect(told?.contains("保留合格成绩、无需再考：理论知识考试 70 分") == true && told?.contains("理论知识考试 20") == false, "\(told ?? "")")

            // A kept part takes no mark again; the examiners see only those who sit the skill assessment.
            let retaken = try await api.request(
                .POST, "/v1/sittings/\(second.sitting)/theory-marks", token: season.institution,
                json: "ticket,mark\n\(second.tickets[0]),90\n", contentType: "text/csv", acceptLanguage: nil)
            #expect(retaken.status == 409 && retaken.body.contains("合格的理论知识考试成绩，无需再考"), "\(retaken.body)")
            let examiner = try await api.workflow.issueToken(role: .reviewer, subject: "ex-1")
            let marking = try await api.request(.GET, "/v1/sittings/\(second.sitting)/marking", token: examiner)
            #expect((marking.json["items"] as? [[String: Any]])?.map { $0["ticket"] as? String } == [second.tickets[0]], "\(marking.body)")

            // Both pass on what they kept and what they sat; the results say which part was kept.
            let passed = try await api.client.text(
                "SELECT string_agg(passed::text || ':' || score::text, ',' ORDER BY id) FROM applications WHERE round_id = \(round)")
            #expect(passed == "true:75,true:77.5", "\(passed ?? "")")
            let results = try await api.request(.GET, "/v1/sittings/\(second.sitting)/results", token: season.institution)
            let row = (results.json["items"] as? [[String: Any]])?.first { $0["ticket"] as? String == second.tickets[0] }
            let parts = try #require(row?["parts"] as? [[String: Any]], "\(results.body)")
            #expect(parts.map { "\($0["part"] ?? ""):\($0["state"] ?? "")" } == ["skill:final", "theory:carried"], "\(parts)")
            #expect(parts.first { $0["part"] as? String == "theory" }?["takenOn"] as? String != nil)
        }
    }

    @Test("the bureau confirms sitting by sitting: each certificate names its sitting's site and every part's result; the last confirms the round")
    func confirmedBySitting() async throws {
        try await API.with { api in
            // A rehearsal clock of one second a day: the notice and the appeal window pass while the test waits.
            let season = try await Self.season(api, levels: [4, 4], daySeconds: 1)
            var profile = try await api.workflow.institution("inst")
            profile.sites = ["000001", "000002"]
            try await api.workflow.updateInstitution(id: "inst", profile: profile)
            let valid = try season.today.adding(days: 300)
            try await Self.file(
                api, season,
                ["inv-1,监考员1,,,,A", "inv-2,监考员2,,,,A", "sup-1,督导员,,supervisor,\(valid),B"] + (1...3).map { "ex-\($0),考评员\($0),4,examiner,\(valid),C" }
            )
            let (first, second) = (season.candidates[0], season.candidates[1])
            let one = try await Self.sitAndMark(api, institution: season.institution, round: season.round, [first], theory: [70], skill: [80])
            let other = try await Self.sitAndMark(
                api, institution: season.institution, round: season.round, [second], theory: [90], skill: [65], site: "000002")
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-1")
            let early = try await api.request(.POST, "/v1/sittings/\(one.sitting)/confirm", token: bureau, acceptLanguage: nil)
            #expect(early.status == 409 && early.body.contains("结果确定"), "not before the results are final: \(early.body)")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(120), "the round's results are final") {
                    try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") == "finalized"
                }
            }
            let listed = try await api.request(.GET, "/v1/rounds/\(season.round)/sittings", token: bureau)
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["confirmed"] as? Bool } == [false, false], "\(listed.body)")

            #expect(try await api.request(.POST, "/v1/sittings/\(one.sitting)/confirm", token: bureau).status == 202)
            #expect(try await api.request(.POST, "/v1/sittings/\(one.sitting)/confirm", token: bureau).status == 409, "once")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the sitting's certificate is issued") {
                    try await api.client.scalar("SELECT count(*)::int FROM certificates") == 1
                }
            }
            #expect(try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") == "finalized", "one sitting is not the round")
            let firstNumber = try #require(
                try await api.client.text("SELECT number FROM certificates WHERE application_id = \(first.application)"))
            let holder = try #require(try await api.client.text("SELECT content->>'holderName' FROM certificates WHERE number = \(firstNumber)"))
            let query = try #require(holder.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let certificate = try await api.request(.GET, "/v1/certificates/\(firstNumber)?name=\(query)")
            let theoryDay = try #require(try await api.client.text("SELECT parts->0->>'date' FROM sittings WHERE id = \(one.sitting)"))
            #expect(
                certificate.json["results"] as? String == "理论知识考试 70 分（\(theoryDay)）；技能考核 80 分（\(theoryDay)）", "\(certificate.body)")
            #expect((certificate.json["resultsEnglish"] as? String)?.hasPrefix("theory exam 70 points") == true)
            #expect(certificate.json["status"] as? String == "rehearsal" && certificate.json["signatureValid"] as? Bool == true)
            let payload = String(
                decoding: Data(base64Encoded: (certificate.json["verification"] as? [String: Any])?["payload"] as? String ?? "") ?? Data(),
                as: UTF8.self)
            #expect(payload.hasPrefix("assess-rehearsal-certificate-v4") && payload.contains("技能考核 80 分"), "the results are signed: \(payload)")

            #expect(try await api.request(.POST, "/v1/sittings/\(other.sitting)/confirm", token: bureau).status == 202)
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the last sitting's certificate is issued") {
                    try await api.client.scalar("SELECT count(*)::int FROM certificates") == 2
                }
            }
            #expect(
                try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") == "confirmed", "the last sitting confirms the round"
            )
            let secondNumber = try #require(
                try await api.client.text("SELECT number FROM certificates WHERE application_id = \(second.application)"))
            #expect(
                firstNumber.contains("31000001") && secondNumber.contains("31000002"),
                "each names its sitting's site: \(firstNumber), \(secondNumber)")
            #expect(try await api.request(.POST, "/v1/rounds/\(season.round)/confirm", token: bureau).status == 409)
            let institutionView = try await api.request(.GET, "/v1/rounds/\(season.round)/sittings", token: season.institution)
            #expect((institutionView.json["items"] as? [[String: Any]])?.map { $0["confirmed"] as? Bool } == [true, true])
        }
    }

    @Test("a skills appeal names a failed part; a fresh panel, none of the original examiners, re-marks it blind, and its mark decides the appeal")
    func skillsAppeal() async throws {
        try await API.with { api in
            // A rehearsal clock of one second a day: the notice and the appeal window pass while the test waits.
            let season = try await Self.season(api, levels: [4], daySeconds: 1)
            let valid = try season.today.adding(days: 300)
            try await Self.file(
                api, season,
                ["inv-1,监考员1,,,,A", "inv-2,监考员2,,,,A", "sup-1,督导员,,supervisor,\(valid),B"] + (1...6).map { "ex-\($0),考评员\($0),4,examiner,\(valid),C" }
                    + ["ex-7,考评员7,4,examiner,\(valid),Studio 1", "ex-8,考评员8,4,examiner,\(valid),Media Academy 1"]
            )
            let candidate = season.candidates[0]
            let sat = try await Self.sitAndMark(api, institution: season.institution, round: season.round, [candidate], theory: [80], skill: [50])
            let view = try await api.request(.GET, "/v1/sittings/\(sat.sitting)", token: season.institution)
            let original = Set(
                (view.json["staff"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "examiner" }.compactMap { $0["reviewer"] as? String }
            )
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the result is notified") {
                    try await MaterialsAPITests.notifications(api, candidate.token)["result"] != nil
                }
                let path = "/v1/applications/\(candidate.application)/appeal"
                let unnamed = try await api.request(.POST, path, token: candidate.token, json: #"{"reason": "技能考核评分有误"}"#, acceptLanguage: nil)
                #expect(unnamed.status == 422 && unnamed.fields == ["part"] && unnamed.body.contains("技能考核"), "\(unnamed.body)")
                let passedPart = try await api.request(
                    .POST, path, token: candidate.token, json: #"{"reason": "理论考试有误", "part": "theory"}"#, acceptLanguage: nil)
                #expect(passedPart.status == 422 && passedPart.fields == ["part"], "a part passed is not appealed: \(passedPart.body)")
                #expect(try await api.client.scalar("SELECT count(*)::int FROM appeals") == 0, "nothing half-written")
                let appealed = try await api.request(.POST, path, token: candidate.token, json: #"{"reason": "技能考核评分有误", "part": "skill"}"#)
                #expect(appealed.status == 202, "\(appealed.body)")
                try await eventually(timeout: .seconds(90), "the fresh panel is drawn") {
                    try await api.client.scalar("SELECT count(*)::int FROM appeal_remarks") == 3
                }
            }
            let panel = try #require(try await api.client.text("SELECT string_agg(reviewer_id, ',' ORDER BY id) FROM appeal_remarks"))
                .split(separator: ",").map(String.init)
            #expect(original.isDisjoint(with: panel), "no original examiner: \(panel)")
            #expect(
                !(panel + original).contains("ex-7") && !(panel + original).contains("ex-8"),
                "nobody of the candidate's studio or of the academy that trained them: \(panel), \(original)")
            let bystander = try await api.workflow.issueToken(role: .reviewer, subject: try #require(original.first))
            #expect((try await api.request(.GET, "/v1/remarks", token: bystander).json["items"] as? [Any])?.isEmpty == true)
            for (member, mark) in zip(panel, [70.0, 72, 74]) {
                let token = try await api.workflow.issueToken(role: .reviewer, subject: member)
                let listed = try await api.request(.GET, "/v1/remarks", token: token)
                let item = try #require((listed.json["items"] as? [[String: Any]])?.first, "\(listed.body)")
                #expect(item["ticket"] as? String == sat.tickets[0] && item["part"] as? String == "skill" && item["mark"] == nil, "blind: \(item)")
                let id = try #require(item["id"] as? Int)
                #expect(try await api.request(.POST, "/v1/remarks/\(id)", token: bystander, json: #"{"mark": 99}"#).status == 404, "not theirs")
                let marked = try await api.request(.POST, "/v1/remarks/\(id)", token: token, json: #"{"mark": \#(mark)}"#)
                #expect(marked.status == 204, "\(marked.body)")
                if mark == 70 {
                    #expect(try await api.request(.POST, "/v1/remarks/\(id)", token: token, json: #"{"mark": 71}"#).status == 409, "once each")
                    #expect(try await api.client.text("SELECT state FROM appeals") == "open", "the panel has not all marked")
                }
            }
            #expect(try await api.client.text("SELECT state || ':' || outcome FROM appeals") == "decided:overturned")
            let parts = try await api.request(.GET, "/v1/applications/\(candidate.application)/part-results", token: candidate.token)
            let skill = try #require((parts.json["parts"] as? [[String: Any]])?.first { $0["part"] as? String == "skill" }, "\(parts.body)")
            #expect(skill["mark"] as? Double == 72 && skill["appealedFrom"] as? Double == 50, "\(skill)")
            #expect(try await api.client.text("SELECT passed::text || ':' || score::text FROM applications") == "true:76")
            let told = try await MaterialsAPITests.notifications(api, candidate.token)["appeal decided"]
            #expect((told?["message"] as? String) == "复核结论：通过。", "\(told ?? [:])")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the round finalizes") {
                    ["finalized", "confirmed"].contains(try await api.client.text("SELECT state FROM rounds WHERE id = \(season.round)") ?? "")
                }
            }
        }
    }

    @Test("a skills appeal no fresh panel can be drawn for is set apart; once the institution adds examiners it draws the panel again")
    func appealRedrawn() async throws {
        try await API.with { api in
            let season = try await Self.season(api, levels: [4], daySeconds: 1)
            let valid = try season.today.adding(days: 300)
            // Only the three examiners the sitting needs: none is left for a fresh panel.
            try await Self.file(
                api, season,
                ["inv-1,监考员1,,,,A", "inv-2,监考员2,,,,A", "sup-1,督导员,,supervisor,\(valid),B"] + (1...3).map { "ex-\($0),考评员\($0),4,examiner,\(valid),C" }
            )
            let candidate = season.candidates[0]
            _ = try await Self.sitAndMark(api, institution: season.institution, round: season.round, [candidate], theory: [80], skill: [50])
            let redraw = "/v1/applications/\(candidate.application)/appeal/redraw"
            #expect(try await api.request(.POST, redraw, token: season.institution).status == 409, "no appeal set apart")
            try await api.withWorkers {
                try await eventually(timeout: .seconds(90), "the result is notified") {
                    try await MaterialsAPITests.notifications(api, candidate.token)["result"] != nil
                }
                let appealed = try await api.request(
                    .POST, "/v1/applications/\(candidate.application)/appeal", token: candidate.token,
                    json: #"{"reason": "技能考核评分有误", "part": "skill"}"#)
                #expect(appealed.status == 202, "\(appealed.body)")
                try await eventually(timeout: .seconds(90), "the appeal is set apart") {
                    try await api.client.text("SELECT state FROM appeals") == "set_apart"
                }
                let told = try await api.client.text("SELECT payload->>'message' FROM notification_outbox WHERE event = 'appeal set apart'")
                #expect(
                    told?.contains("无法抽取复核评分组：技能考核复核评分组须 3 名，符合条件的仅 0 名，缺 3 名") == true && told?.contains("3 名原评分组成员") == true,
                    "\(told ?? "")")
                try await Self.file(api, season, (4...6).map { "ex-\($0),考评员\($0),4,examiner,\(valid),C" })
                let other = try await api.workflow.issueToken(role: .institution, subject: "another")
                #expect(try await api.request(.POST, redraw, token: other).status == 404, "another institution's case")
                #expect(try await api.request(.POST, redraw, token: season.institution).status == 202)
                try await eventually(timeout: .seconds(90), "the fresh panel is drawn") {
                    try await api.client.scalar("SELECT count(*)::int FROM appeal_remarks") == 3
                }
            }
            #expect(try await api.client.text("SELECT state FROM appeals") == "open")
            #expect(
                try await api.client.text("SELECT string_agg(reviewer_id, ',' ORDER BY reviewer_id) FROM appeal_remarks") == "ex-4,ex-5,ex-6")
        }
    }
}
