import Assessment
import AssessmentStore
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("The committee through the API: a seeded draw, meetings with a quorum, secret ballot sheets")
struct CommitteeAPITests {
    /// A pilot round with a committee of 5 drawn from 7 experts (and one expert of another series),
    /// and two scored cases; returns the round, the cases and the institution's token.
    static func setUp(_ api: API) async throws -> (round: Int64, cases: [Int64], institution: String) {
        try await api.workflow.addInstitution(id: "inst", name: "Institution")
        for index in 1...7 {
            try await api.workflow.addReviewer(
                Reviewer(
                    id: ReviewerID("e\(index)"), fields: ["cultural_relics_museums"], employer: index == 1 ? "Acme Media" : "University \(index)",
                    loadCap: 10),
                name: "Expert \(index)", institution: "inst")
        }
        try await api.workflow.addReviewer(Reviewer(id: ReviewerID("a1"), fields: ["art"], loadCap: 10), name: "Art expert", institution: "inst")
        var policy = Policy()
        (policy.committeeSize, policy.pilotCommittee) = (5, true)
        let round = try await api.workflow.openRound(
            RoundDraft(
                institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", policy: policy, seed: 1,
                startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
        var cases: [Int64] = []
        for (index, employer) in ["Acme Media", nil].enumerated() {
            let born = CalendarDate(iso: "1990-03-01")!
            let applicant = try await api.workflow.registerApplicant(
                ApplicantRegistration(
                    name: "Applicant \(index)",
                    document: try IdentityDocument(
                        kind: .residentID, number: residentID(born: "1990-03-01", sequence: 10 + index), declaredBirthDate: born),
                    employer: employer, profile: Applicant(birthDate: born, education: .bachelor), consent: .currentInFull))
            cases.append(
                try await api.workflow.apply(
                    round: round, applicant: applicant, target: .title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)))
        }
        // As the scoring jobs leave them.
        try await api.client.query("UPDATE applications SET state = 'scored', score = 75 WHERE round_id = \(round)")
        return (round, cases, try await api.workflow.issueToken(role: .institution, subject: "inst"))
    }

    /// Member ids as a JSON array.
    static func list(_ ids: some Sequence<String>) -> String { "[" + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    @Test("the draw is seeded, recorded and reproducible; a pool too small or a second draw is refused")
    func draw() async throws {
        try await API.with { api in
            let (round, cases, institution) = try await Self.setUp(api)
            // An expert holding 助理馆员 may not sit on a committee that decides a case for 馆员.
            try await api.workflow.addReviewer(
                Reviewer(id: ReviewerID("e0"), fields: ["cultural_relics_museums"], grade: .assistant, loadCap: 10), name: "Junior expert",
                institution: "inst")
            try await api.client.query(
                "UPDATE applications SET target = jsonb_set(target, '{title,grade}', '3') WHERE id = \(cases[1])")
            let early = try await api.request(.POST, "/v1/rounds/\(round)/meetings", token: institution, json: #"{"present": ["e1"]}"#)
            #expect(early.status == 409 && early.body.contains("draw it first"), "\(early.body)")
            let drawn = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: institution, json: #"{"seed": 424242}"#)
            #expect(drawn.status == 201, "\(drawn.body)")
            let pool = try #require(drawn.json["pool"] as? [String])
            let members = try #require(drawn.json["members"] as? [String])
            #expect(
                pool == (1...7).map { "e\($0)" },
                "the series' experts, sorted; neither the art expert nor e0, who holds a grade below a case's, is in it")
            #expect(members.count == 5 && Set(members).isSubset(of: pool) && drawn.json["reproducible"] as? Bool == true)
            // Anyone can run the draw again from what the view gives.
            let again = try CommitteeDraw.draw(from: Set(pool.map { ReviewerID($0) }), size: 5, seed: 424_242)
            #expect(again.members.map(\.rawValue) == members)
            let read = try await api.request(.GET, "/v1/rounds/\(round)/committee", token: institution)
            #expect(read.json["members"] as? [String] == members && read.json["seed"] as? Int == 424_242)
            let second = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: institution, json: "{}")
            #expect(second.status == 409, "\(second.body)")

            var national = Policy()
            national.committeeSize = 11
            national.committeeKind = .specialty
            let small = try await api.workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r2", track: .title, field: "cultural_relics_museums", policy: national, seed: 1,
                    startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
            let refused = try await api.request(.POST, "/v1/rounds/\(small)/committee", token: institution, json: "{}")
            #expect(refused.status == 409 && refused.body.contains("the pool has 8 available experts"), "\(refused.body)")
            let belowMinimum = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json:
                    #"{"name": "r", "track": "title", "field": "cultural_relics_museums", "startDate": "\#(try await clearOfShanghaiMidnight { try RoundRecord.today() })", "policy": {"committeeSize": 9, "committeeKind": "specialty"}}"#
            )
            #expect(belowMinimum.status == 422 && belowMinimum.body.contains("national minimum of 11"), "\(belowMinimum.body)")
        }
    }

    @Test("a meeting needs a quorum; each member present casts one sheet covering their cases; counts only, shown once closed")
    func secretBallot() async throws {
        try await API.with { api in
            let (round, cases, institution) = try await Self.setUp(api)
            let drawn = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: institution, json: #"{"seed": 7}"#)
            let members = try #require(drawn.json["members"] as? [String])
            let token = { (member: String) in try await api.workflow.issueToken(role: .reviewer, subject: member) }

            let few = try await api.request(
                .POST, "/v1/rounds/\(round)/meetings", token: institution, json: #"{"present": \#(Self.list(members.prefix(3)))}"#)
            #expect(few.status == 422 && few.body.contains("3 of the committee's 5 members are present; a quorum (2/3) needs 4"), "\(few.body)")
            let outsider = try await api.request(.POST, "/v1/rounds/\(round)/meetings", token: institution, json: #"{"present": ["a1"]}"#)
            #expect(outsider.status == 422 && outsider.body.contains("a1 is not a member"), "\(outsider.body)")

            let present = Array(members.prefix(4))
            let opened = try await api.request(
                .POST, "/v1/rounds/\(round)/meetings", token: institution,
                json: #"{"present": \#(Self.list(present)), "recusals": [{"application": \#(cases[1]), "member": "\#(present[3])"}]}"#)
            #expect(opened.status == 201, "\(opened.body)")
            let meeting = try #require(opened.json["id"] as? Int)
            let again = try await api.request(
                .POST, "/v1/rounds/\(round)/meetings", token: institution, json: #"{"present": \#(Self.list(present))}"#)
            #expect(again.status == 409 && again.body.contains("no case"), "a case is before one meeting at a time: \(again.body)")

            // e1 works at Acme Media, as the first applicant does: recused from that case, automatically.
            let view = try await api.request(.GET, "/v1/meetings/\(meeting)", token: institution)
            let agenda = try #require(view.json["cases"] as? [[String: Any]])
            let recused = agenda.map { ($0["recused"] as? [String]) ?? [] }
            #expect(recused[0] == (present.contains("e1") ? ["e1"] : []) && recused[1] == [present[3]], "\(view.body)")

            let absent = members[4]
            let notPresent = try await api.request(.GET, "/v1/meetings/\(meeting)/ballot", token: try await token(absent))
            #expect(notPresent.status == 403, "\(notPresent.body)")
            let voter = present[0]
            let sheet = try await api.request(.GET, "/v1/meetings/\(meeting)/ballot", token: try await token(voter))
            let own = try #require(sheet.json["cases"] as? [[String: Any]]).compactMap { $0["application"] as? Int }
            #expect(sheet.status == 200 && !own.isEmpty && sheet.json["cast"] as? Bool == false, "\(sheet.body)")

            let partial = try await api.request(
                .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(voter), json: #"{"ballots": {"\#(own[0])": "yes"}}"#)
            if own.count > 1 { #expect(partial.status == 422 && partial.body.contains("a sheet covers every case"), "\(partial.body)") }
            let wrongChoice = try await api.request(
                .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(voter), json: #"{"ballots": {"\#(own[0])": "maybe"}}"#)
            #expect(wrongChoice.status == 422 && wrongChoice.fields == ["ballots.\(own[0])"], "\(wrongChoice.body)")
            let stray = try await api.request(
                .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(voter), json: #"{"ballots": {"999999": "yes"}}"#)
            #expect(stray.status == 422 && stray.body.contains("not on your ballot sheet"), "\(stray.body)")
            if own.count == 1 { #expect(partial.status == 202) }
            let full = own.map { #""\#($0)": "no""# }.joined(separator: ", ")
            if own.count > 1 {
                let cast = try await api.request(
                    .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(voter), json: #"{"ballots": {\#(full)}}"#)
                #expect(cast.status == 202, "\(cast.body)")
            }
            let twice = try await api.request(
                .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(voter), json: #"{"ballots": {\#(full)}}"#)
            #expect(twice.status == 409, "one sheet per member: \(twice.body)")

            let during = try await api.request(.GET, "/v1/meetings/\(meeting)", token: institution)
            #expect(during.json["sheetsCast"] as? Int == 1 && during.json["state"] as? String == "voting")
            #expect(!during.body.contains("\"yes\""), "no count while the vote is open: \(during.body)")
            // Nothing stored links a member to a choice.
            let columns = try await api.client.scalar(
                """
                SELECT count(*)::int FROM information_schema.columns
                WHERE table_name = 'ballot_sheets' AND column_name NOT IN ('meeting_id', 'member', 'cast_at')
                """)
            #expect(columns == 0)

            #expect(try await api.request(.POST, "/v1/meetings/\(meeting)/close", token: institution).status == 202)
            let closed = try await api.request(.GET, "/v1/meetings/\(meeting)", token: institution)
            let counted = try #require(closed.json["cases"] as? [[String: Any]])
            for (index, entry) in counted.enumerated() {
                let entitled = present.count - recused[index].count
                let votedHere = own.contains(Int(cases[index])) ? 1 : 0
                #expect(entry["yes"] as? Int == 0 && entry["no"] as? Int == votedHere, "\(entry)")
                #expect(entry["abstain"] as? Int == entitled - votedHere, "members present who cast nothing abstain: \(entry)")
            }
            let late = try await api.request(
                .POST, "/v1/meetings/\(meeting)/ballot", token: try await token(present[1]), json: #"{"ballots": {"\#(cases[0])": "yes"}}"#)
            #expect(late.status == 409 && late.body.contains("closed"), "\(late.body)")
            #expect(try await api.request(.POST, "/v1/meetings/\(meeting)/close", token: institution).status == 409)
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM votes WHERE members = 5") == 2, "the committee's size, not a caller's number")
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'assessment.tally_vote'") == 1, "one tally for the meeting")
        }
    }

    /// The whole committee meets over the API and every member casts `choice` on each case of their sheet; returns the sheets.
    static func meet(_ api: API, round: Int64, institution: String, members: [String], _ choice: String) async throws -> [[String: Any]] {
        let opened = try await api.request(.POST, "/v1/rounds/\(round)/meetings", token: institution, json: #"{"present": \#(list(members))}"#)
        let meeting = try #require(opened.json["id"] as? Int, "\(opened.body)")
        var sheets: [[String: Any]] = []
        for member in members {
            let token = try await api.workflow.issueToken(role: .reviewer, subject: member)
            let sheet = try await api.request(.GET, "/v1/meetings/\(meeting)/ballot", token: token)
            let entries = try #require(sheet.json["cases"] as? [[String: Any]])
            sheets.append(contentsOf: entries)
            let ballots = entries.compactMap { $0["application"] as? Int }.map { #""\#($0)": "\#(choice)""# }.joined(separator: ", ")
            let cast = try await api.request(.POST, "/v1/meetings/\(meeting)/ballot", token: token, json: #"{"ballots": {\#(ballots)}}"#)
            #expect(cast.status == 202, "\(cast.body)")
        }
        return sheets
    }

    @Test("an upheld objection suspends a title result; the committee reconsiders it, once, while the round waits")
    func reconsideration() async throws {
        try await API.with { api in
            let (round, cases, institution) = try await Self.setUp(api)
            // As the scoring jobs leave the round.
            try await api.client.query("UPDATE rounds SET state = 'scoring' WHERE id = \(round)")
            let drawn = try await api.request(.POST, "/v1/rounds/\(round)/committee", token: institution, json: #"{"seed": 7}"#)
            let members = try #require(drawn.json["members"] as? [String])
            let applicantID = try await api.client.scalar("SELECT applicant_id::int FROM applications WHERE id = \(cases[0])")
            let applicant = try await api.workflow.issueToken(role: .applicant, subject: String(applicantID))
            try await api.withWorkers {
                _ = try await Self.meet(api, round: round, institution: institution, members: members, "yes")
                try await eventually("both pass and the notice is published") {
                    try await api.client.text("SELECT state FROM rounds WHERE id = \(round)") == "public_notice"
                }
                let objection = try await api.request(
                    .POST, "/v1/applications/\(cases[0])/objections",
                    json: #"{"filedBy": "a fellow creator", "contact": "fellow@example.org", "statement": "The listed videos are mine."}"#)
                let objectionID = try #require(objection.json["id"] as? Int, "\(objection.body)")
                let upheld = try await api.request(
                    .POST, "/v1/objections/\(objectionID)/handle", token: institution,
                    json: #"{"resolution": "Confirmed: three of the works are another creator's.", "suspendResult": true}"#)
                #expect(upheld.status == 202, "\(upheld.body)")

                let notice = try await api.request(.GET, "/v1/rounds/\(round)/notice", acceptLanguage: nil)
                let items = try #require(notice.json["items"] as? [[String: Any]])
                let shown = items.first { $0["application"] as? String == String(cases[0]) }
                #expect(shown?["result"] as? String == "suspended" && (shown?["resultText"] as? String)?.hasPrefix("暂缓") == true, "\(notice.body)")
                let mine = try await api.request(.GET, "/v1/applications/\(cases[0])", token: applicant)
                #expect(mine.json["state"] as? String == "suspended", "\(mine.body)")
                #expect(
                    try await api.client.text("SELECT payload->>'message' FROM notification_outbox WHERE event = 'result suspended'")
                        == NotificationEvent.resultSuspended.text([:]).zh, "one notification, in Chinese first")
                #expect(
                    try await api.client.text(
                        "SELECT payload->>'messageEnglish' FROM notification_outbox WHERE event = 'result' AND payload->>'subject' = \("application:\(cases[0])")"
                    )
                        == "Your result: passed.")
                let record = try await api.workflow.round(round, institution: "inst")
                let facts = try await api.client.withConnection { try await api.workflow.store.facts(of: record, on: $0) }
                #expect(facts.suspendedResults == 1)
                var late = facts
                late.today = try #require(record.appealsEnd).adding(days: 1)
                guard case .failure(let waiting) = RoundLifecycle.advance(.appeals, to: .finalized, facts: late) else {
                    Issue.record("a round finalized with a suspended result")
                    return
                }
                #expect(waiting.reason.en.contains("1 suspended results await the committee's reconsideration"))

                // Only the suspended case is on the agenda, with the finding the members weigh.
                let sheets = try await Self.meet(api, round: round, institution: institution, members: members, "no")
                #expect(Set(sheets.compactMap { $0["application"] as? Int }) == [Int(cases[0])], "\(sheets)")
                #expect(
                    sheets.allSatisfy { $0["stage"] as? String == "reconsideration" && ($0["finding"] as? String)?.contains("Confirmed") == true })
                try await eventually("the committee's reconsideration decides the case") {
                    try await api.client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'result reconsidered'") == 1
                }
                let decided = try await api.request(.GET, "/v1/applications/\(cases[0])", token: applicant)
                #expect(decided.json["state"] as? String == "decided" && decided.json["passed"] as? Bool == false, "\(decided.body)")
                let window = try #require(decided.json["appealsUntil"] as? String, "a reconsidered failure has its own appeal window")
                #expect(
                    try await api.client.text(
                        "SELECT payload->>'appealsEnd' FROM notification_outbox WHERE event = 'result reconsidered'") == window)

                let again = try await api.request(
                    .POST, "/v1/applications/\(cases[0])/objections",
                    json: #"{"filedBy": "another creator", "contact": "other@example.org", "statement": "Still wrong."}"#)
                let second = try #require(again.json["id"] as? Int, "\(again.body)")
                let twice = try await api.request(
                    .POST, "/v1/objections/\(second)/handle", token: institution, json: #"{"resolution": "Again.", "suspendResult": true}"#)
                #expect(twice.status == 409 && twice.body.contains("reconsidered application \(cases[0]) already"), "\(twice.body)")
                let appeal = try await api.request(
                    .POST, "/v1/applications/\(cases[0])/appeal", token: applicant, json: #"{"reason": "The three works are mine; here is proof."}"#)
                #expect(appeal.status == 202 || appeal.status == 201, "the reconsidered failure may be appealed: \(appeal.body)")

                // A skills level follows from its marks: nothing for a committee to reconsider.
                try await api.client.query("UPDATE rounds SET track = 'skill' WHERE id = \(round)")
                let skills = try await api.request(
                    .POST, "/v1/applications/\(cases[1])/objections",
                    json: #"{"filedBy": "a fellow creator", "contact": "fellow@example.org", "statement": "Not the applicant's work."}"#)
                let skillsObjection = try #require(skills.json["id"] as? Int, "\(skills.body)")
                let refused = try await api.request(
                    .POST, "/v1/objections/\(skillsObjection)/handle", token: institution,
                    json: #"{"resolution": "Found so.", "suspendResult": true}"#, acceptLanguage: nil)
                #expect(refused.status == 409 && refused.body.contains("不经评审委员会表决"), "\(refused.body)")
                #expect(try await api.client.text("SELECT state FROM objections WHERE id = \(skillsObjection)") == "open", "nothing half-written")
            }
        }
    }
}
