import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

/// Today in the zone rounds keep their days in, as a production round counts it.
func todayInShanghai(plus days: Int = 0) async throws -> CalendarDate {
    try await clearOfShanghaiMidnight { try RoundRecord.today() }.adding(days: days)
}

@Suite("Rounds: real dates, calendars and every policy rule")
struct RoundCalendarTests {
    @Test("tests date rounds clear of Shanghai's midnight: in its last five minutes they wait for the new day")
    func clearOfMidnight() throws {
        // 2026-12-08 15:55:00 UTC is 23:55:00 in Shanghai: five minutes left, no wait.
        let fiveMinutesBefore = Date(timeIntervalSince1970: 1_796_745_300)
        #expect(secondsToWaitClearOfShanghaiMidnight(at: fiveMinutesBefore) == 0)
        #expect(secondsToWaitClearOfShanghaiMidnight(at: fiveMinutesBefore.addingTimeInterval(60)) == 241)
        #expect(secondsToWaitClearOfShanghaiMidnight(at: fiveMinutesBefore.addingTimeInterval(299.5)) == 1.5)
        #expect(secondsToWaitClearOfShanghaiMidnight(at: fiveMinutesBefore.addingTimeInterval(300)) == 0)
    }

    func round(_ members: String) -> String { #"{"name": "Economics", "track": "title", "field": "cultural_relics_museums", \#(members)}"# }

    @Test("a production round starts today or later, counts the dates of its zone, and takes applications from its first day")
    func realDates() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            try await api.workflow.addInstitution(id: "other", name: "Other")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let other = try await api.workflow.issueToken(role: .institution, subject: "other")
            let today = try await todayInShanghai()

            let past = try await api.request(
                .POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(try await todayInShanghai(plus: -1))""#))
            #expect(past.status == 422 && past.fields == ["startDate"] && past.body.contains("\(today)"), "\(past.body)")
            let nowhere = try await api.request(
                .POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(today)", "timeZone": "Mars/Olympus_Mons""#))
            #expect(nowhere.status == 422 && nowhere.fields == ["timeZone"], "\(nowhere.body)")

            // A rehearsal may be dated freely, and says it is one.
            let rehearsal = try await api.request(
                .POST, "/v1/rounds", token: institution, json: round(#""startDate": "2030-01-01", "daySeconds": 60"#))
            #expect(rehearsal.status == 201, "\(rehearsal.body)")
            let rehearsalID = try #require(rehearsal.json["id"] as? Int)
            let rehearsalDays = try await api.request(.GET, "/v1/rounds/\(rehearsalID)/calendar", token: institution)
            #expect(rehearsalDays.json["rehearsal"] as? Bool == true && rehearsalDays.json["unloadedYears"] as? String == "weekends_only")

            let opened = try await api.request(.POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(today)""#))
            #expect(opened.status == 201, "\(opened.body)")
            let roundID = try #require(opened.json["id"] as? Int)
            let days = try await api.request(.GET, "/v1/rounds/\(roundID)/calendar", token: institution)
            #expect(days.status == 200 && days.json["timeZone"] as? String == "Asia/Shanghai" && days.json["rehearsal"] as? Bool == false)
            #expect(days.json["unloadedYears"] as? String == "refuse", "a production round waits for a year nobody loaded")
            let years = (days.json["schedules"] as? [[String: Any]])?.compactMap { $0["year"] as? Int }
            #expect(years == [2025, 2026], "the shipped official schedules: \(days.body)")
            #expect(try await api.request(.GET, "/v1/rounds/\(roundID)/calendar", token: other).status == 404)

            // The application date is the date of submission in the round's zone.
            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "Qian Li"))
            let applicant = try #require(registered.json["token"] as? String)
            let applied = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json: #"{"round": \#(roundID), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
            #expect(applied.status == 201, "\(applied.body)")
            let mine = try await api.request(.GET, "/v1/applications/\(try #require(applied.json["id"] as? Int))", token: applicant)
            #expect(mine.json["appliedOn"] as? String == today.description, "\(mine.body)")

            // A round dated tomorrow takes no application today.
            let nextDay = try await todayInShanghai(plus: 1)
            let tomorrow = try await api.request(.POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(nextDay)""#))
            let early = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json:
                    #"{"round": \#(try #require(tomorrow.json["id"] as? Int)), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#
            )
            #expect(early.status == 409 && early.body.contains("from \(nextDay)"), "\(early.body)")
        }
    }

    @Test("a year the product does not ship is loaded per round, checked day by day")
    func loadedSchedules() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let with2027 = round(
                #"""
                "startDate": "\#(try await todayInShanghai())",
                "calendar": {"schedules": [{"year": 2027, "holidays": ["2027-01-01"], "adjustedWorkdays": []}]}
                """#)
            let opened = try await api.request(.POST, "/v1/rounds", token: institution, json: with2027)
            #expect(opened.status == 201, "\(opened.body)")
            let roundID = try #require(opened.json["id"] as? Int)
            let path = "/v1/rounds/\(roundID)/calendar/schedules"

            let weekday = try await api.request(
                .POST, path, token: institution, json: #"{"year": 2028, "holidays": [], "adjustedWorkdays": ["2028-01-04"]}"#)
            #expect(weekday.status == 422 && weekday.body.contains("2028-01-04 is a weekday"), "\(weekday.body)")
            let stray = try await api.request(
                .POST, path, token: institution, json: #"{"year": 2028, "holidays": ["2027-12-31"], "adjustedWorkdays": []}"#)
            #expect(stray.status == 422 && stray.body.contains("another year"), "\(stray.body)")
            let farOff = try await api.request(.POST, path, token: institution, json: #"{"year": 99999, "holidays": [], "adjustedWorkdays": []}"#)
            #expect(farOff.status == 422 && farOff.fields == ["year"], "\(farOff.body)")
            let loaded = try await api.request(
                .POST, path, token: institution, json: #"{"year": 2028, "holidays": ["2028-01-01", "2028-01-03"], "adjustedWorkdays": []}"#)
            #expect(loaded.status == 204, "\(loaded.body)")

            let days = try await api.request(.GET, "/v1/rounds/\(roundID)/calendar", token: institution)
            let schedules = try #require(days.json["schedules"] as? [[String: Any]])
            #expect(schedules.compactMap { $0["year"] as? Int } == [2025, 2026, 2027, 2028])
            #expect(schedules.last?["holidays"] as? [String] == ["2028-01-01", "2028-01-03"])
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM audit_pending WHERE action = 'load holiday schedule'") == 1,
                "loading is on the record")
            let badDay = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: round(
                    #""startDate": "\#(try await todayInShanghai())", "calendar": {"schedules": [{"year": 2027, "holidays": ["2027-02-30"], "adjustedWorkdays": []}]}"#
                ))
            #expect(badDay.status == 422 && badDay.fields == ["calendar.schedules[0].holidays[0]"], "\(badDay.body)")
        }
    }

    @Test("every rule of the policy is set at opening, within its bounds, and stored as given")
    func everyPolicyRule() async throws {
        try await API.with { api in
            try await api.workflow.addInstitution(id: "inst", name: "Institution")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
            let today = try await todayInShanghai()
            let policy = #"""
                {"titleYears": {"4": {"doctorate": 3}}, "skillYears": {"3": 3}, "minimumSkillsAge": 18, "committeeSize": 11, "committeeKind": "specialty",
                 "reviewersPerCase": 5, "quorum": {"numerator": 3, "denominator": 4}, "passFraction": {"numerator": 1, "denominator": 2},
                 "trimmedMeanFrom": 7, "discrepancyTolerance": 10, "closestScoresKept": 3, "partPassMark": 70, "noticeWorkingDays": 7,
                 "appealWindowDays": 20, "blindReview": false, "reviewerLoadCap": 12}
                """#
            let opened = try await api.request(
                .POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(today)", "policy": \#(policy)"#))
            #expect(opened.status == 201, "\(opened.body)")
            let id = try #require(opened.json["id"] as? Int)
            let stored = try await api.workflow.round(Int64(id), institution: "inst").policy
            var expected = Policy()
            expected.titleYears[.deputySenior]?[.doctorate] = 3
            expected.skillYears[3] = 3
            (expected.minimumSkillsAge, expected.committeeSize, expected.committeeKind, expected.reviewersPerCase) = (18, 11, .specialty, 5)
            (expected.quorum, expected.passFraction) = (Fraction(3, 4), Fraction(1, 2))
            (expected.trimmedMeanFrom, expected.discrepancyTolerance, expected.closestScoresKept) = (7, 10, 3)
            (expected.partPassMark, expected.noticeWorkingDays, expected.appealWindowDays) = (70, 7, 20)
            (expected.blindReview, expected.reviewerLoadCap) = (false, 12)
            #expect(stored == expected)

            for (change, field) in [
                (#"{"quorum": {"numerator": 3, "denominator": 2}}"#, "policy.quorum"),
                (#"{"passFraction": {"numerator": 0, "denominator": 3}}"#, "policy.passFraction.numerator"),
                (#"{"titleYears": {"9": {"doctorate": 1}}}"#, "policy.titleYears"),
                (#"{"titleYears": {"4": {"phd": 1}}}"#, "policy.titleYears.4"),
                (#"{"titleYears": {"4": {"doctorate": 51}}}"#, "policy.titleYears.4.doctorate"),
                (#"{"skillYears": {"6": 1}}"#, "policy.skillYears"),
                (#"{"minimumSkillsAge": 15}"#, "policy.minimumSkillsAge"),
                (#"{"committeeSize": 12}"#, "policy.committeeSize"),
                (#"{"committeeKind": "national"}"#, "policy.committeeKind"),
                (#"{"trimmedMeanFrom": 2}"#, "policy.trimmedMeanFrom"),
                (#"{"closestScoresKept": 16}"#, "policy.closestScoresKept"),
                (#"{"reviewerLoadCap": 0}"#, "policy.reviewerLoadCap"),
            ] {
                let refused = try await api.request(
                    .POST, "/v1/rounds", token: institution, json: round(#""startDate": "\#(today)", "policy": \#(change)"#))
                #expect(refused.status == 422 && refused.fields == [field], "\(change): \(refused.body)")
            }
        }
    }
}
