import Assessment
import Foundation

/// The skills track of the season as an evaluation centre runs it: a sitting of every eligible
/// candidate in three rooms, staffed at the national ratios from the centre's examiners; the
/// theory exam imported from the exam system, the skill assessments and the comprehensive reviews
/// marked by each examiner on their own; one candidate absent, one appealing the part they failed
/// (a fresh panel re-marks it), one re-sitting the part they failed in a re-sit round while keeping
/// the one they passed.
extension DemoSeason {
    struct SittingFacts: Sendable {
        var sitting: Int64 = 0
        /// Candidates seated in each room.
        var rooms: [Int] = []
        /// Candidates by level.
        var levels: [Int: Int] = [:]
        /// Posts by role.
        var staff: [String: Int] = [:]
        var absent = false
        var appealOutcome: String?
        /// The re-sit round, its sitting, what the candidate kept, and whether they passed.
        var resit: (round: Int64, sitting: Int64, kept: String, passed: Bool)?
        /// The re-sitting candidate's new application, for the certificates.
        var resitApplicant: Applicant?
    }

    static let skillsSites = ("000301", "000302")

    /// 4 invigilators (监考员), 6 examiners (考评员), a review panel of 3, 1 supervisor (督导员).
    static func staffing(_ staff: [String: Int]) -> String {
        let (invigilators, examiners, panel) = (staff["invigilator", default: 0], staff["examiner", default: 0], staff["reviewer", default: 0])
        return "\(invigilators) invigilators (监考员), \(examiners) examiners (考评员), "
            + (panel > 0 ? "a review panel of \(panel) (综合评审), " : "") + "\(staff["supervisor", default: 0]) supervisor (督导员)"
    }

    /// A marker's posts and token.
    struct Marker: Sendable {
        let id: String
        let role: String
        let room: String?
        let token: String
    }

    func examine(round: Int64, institution: String, applicants: [Applicant]) async throws -> SittingFacts {
        var facts = SittingFacts()
        let byApplication = Dictionary(applicants.map { ($0.application, $0) }, uniquingKeysWith: { $1 })
        let eligible = try await api.all("/v1/rounds/\(round)/applications?state=eligible", token: institution)
            .compactMap { id($0["id"]) }.sorted().compactMap { byApplication[$0] }
        guard !eligible.isEmpty else { return facts }
        let seats = (eligible.count + 2) / 3 + 2
        let examiners = try await fileExaminers(institution: institution, seatsPerRoom: seats)
        let levels = Set(eligible.map(\.person.skillLevel))
        for level in levels { facts.levels[level] = eligible.count { $0.person.skillLevel == level } }

        // The sitting: theory and skill three days on, the review of levels 2 and 1 the day after.
        let today = try await self.today(of: round, institution: institution) ?? startDate
        let (first, second) = (try today.adding(days: 3), try today.adding(days: 4))
        var parts: [String: Any] = [
            "theory": ["date": first.description, "start": "09:00", "minutes": 90],
            "skill": ["date": first.description, "start": "14:00", "minutes": 120],
        ]
        if levels.contains(where: { $0 <= 2 }) { parts["comprehensive_review"] = ["date": second.description, "start": "09:00", "minutes": 60] }
        let scheduled = try await api.send(
            .POST, "/v1/rounds/\(round)/sittings", token: institution,
            json: [
                "site": Self.skillsSites.0, "levels": levels.sorted(by: >), "parts": parts,
                "rooms": ["A101", "A102", "A103"].map { ["name": $0, "seats": seats] },
            ]
        ).body
        facts.sitting = try id(scheduled)
        let view = try await seated(facts.sitting, institution: institution)
        facts.rooms = (view["rooms"] as? [[String: Any]] ?? []).map { ($0["seated"] as? NSNumber)?.intValue ?? 0 }
        let staff = view["staff"] as? [[String: Any]] ?? []
        for post in staff { facts.staff[post["role"] as? String ?? "?", default: 0] += 1 }
        say(
            "The skills centre schedules a sitting of \(eligible.count) candidates (levels \(levels.sorted(by: >).map(String.init).joined(separator: ", "))) "
                + "in 3 rooms, staffed at the national ratios from its examiners (\(Self.staffing(facts.staff))); "
                + "a job seats them and issues admission tickets.")

        // Everyone prints their ticket; three candidates of level 4 play their parts.
        let tickets = try await concurrently(eligible, width: 8) { candidate in
            try await api.send(.GET, "/v1/applications/\(candidate.application)/admission-ticket", token: candidate.token).body["ticket"]
                as? String ?? ""
        }
        let ticketOf = Dictionary(zip(eligible.map(\.application), tickets), uniquingKeysWith: { $1 })
        let levelFour = eligible.filter { $0.person.skillLevel == 4 }
        let (absent, appellant, resitter) = (levelFour.first, levelFour.dropFirst().first, levelFour.dropFirst(2).first)
        func quality(_ candidate: Applicant) -> Int { Int(candidate.person.quality) }
        func theoryMark(_ candidate: Applicant) -> Int {
            switch candidate.application {
            case appellant?.application: max(70, quality(candidate) + 4)
            case resitter?.application: 52
            default: min(100, quality(candidate) + 4)
            }
        }
        func skillMark(_ candidate: Applicant) -> Int {
            switch candidate.application {
            case appellant?.application: 48
            case resitter?.application: max(72, quality(candidate) - 2)
            default: max(0, quality(candidate) - 2)
            }
        }

        try await waitForDay(first, round: round, institution: institution)
        let rows = eligible.map { "\(ticketOf[$0.application] ?? ""),\($0.application == absent?.application ? "缺考" : String(theoryMark($0)))" }
        try await api.send(
            .POST, "/v1/sittings/\(facts.sitting)/theory-marks", token: institution,
            file: (Array((["ticket,mark"] + rows).joined(separator: "\r\n").utf8), "text/csv"))
        if let absent, let ticket = ticketOf[absent.application] {
            try await api.send(.POST, "/v1/sittings/\(facts.sitting)/absences", token: institution, json: ["part": "skill", "tickets": [ticket]])
            facts.absent = true
        }
        // What each examiner gives, by ticket and part.
        var planned: [String: [String: Int]] = [:]
        for candidate in eligible {
            planned[ticketOf[candidate.application] ?? ""] = ["skill": skillMark(candidate), "comprehensive_review": quality(candidate)]
        }
        let (sittingID, marks) = (facts.sitting, planned)
        var markers: [Marker] = []
        for post in staff where ["examiner", "reviewer"].contains(post["role"] as? String ?? "") {
            guard let reviewer = post["reviewer"] as? String else { continue }
            markers.append(
                Marker(
                    id: reviewer, role: post["role"] as? String ?? "", room: post["room"] as? String,
                    token: try await issueToken("reviewer", reviewer)))
        }
        let bar = ProgressBar("examiners and review members marking on their own", total: markers.count)
        for role in ["examiner", "reviewer"] {
            if role == "reviewer" { try await waitForDay(second, round: round, institution: institution) }
            _ = try await concurrently(markers.filter { $0.role == role }, width: 8) { marker in
                // Examiners differ by a point or two, well within the tolerance.
                let jitter = Int(marker.id.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 3) - 1
                for item in try await api.send(.GET, "/v1/sittings/\(sittingID)/marking", token: marker.token).body["items"] as? [[String: Any]] ?? []
                {
                    guard let ticket = item["ticket"] as? String, let part = item["part"] as? String, let mark = marks[ticket]?[part] else {
                        continue
                    }
                    // 409: the candidate was absent from the part.
                    try await api.send(
                        .POST, "/v1/sittings/\(sittingID)/marks", token: marker.token,
                        json: ["ticket": ticket, "part": part, "mark": min(100, max(0, mark + jitter))], expect: [204, 409])
                }
                bar.advance()
            }
        }
        bar.finish("\(facts.absent ? "one candidate absent (缺考), recorded as absent, not failed" : "nobody absent")")
        try await waitForState(round: round, atLeast: "public_notice", institution: institution)

        if let appellant {
            facts.appealOutcome = try await appealPart(appellant, examiners: examiners)
        }
        if let resitter {
            (facts.resit, facts.resitApplicant) = try await resit(resitter, after: round, institution: institution)
        }
        return facts
    }

    /// Files the centre's examiner pool from a CSV export of its expert database: invigilators,
    /// examiners holding level 2 or 1 with a valid examiner certificate, a supervisor. Enough for
    /// three rooms of `seatsPerRoom` at the national ratios, a review panel and an appeal's fresh
    /// panel. Returns the examiners with their tokens.
    func fileExaminers(institution: String, seatsPerRoom seats: Int) async throws -> [Marker] {
        let invigilators = 3 * max(2, (seats + 14) / 15) + 1
        let perRoom = max(3, (seats + 4) / 5)
        let examiners = 3 * (perRoom % 2 == 0 ? perRoom + 1 : perRoom) + 3 + 3 + 2
        let until = try startDate.adding(years: 2)
        let employer = "上海职业技能鉴定指导中心 / Shanghai Skills Assessment Centre"
        var rows = ["id,name,fields,term_start,skill_level,certificate_kind,certificate_number,certificate_until,employer"]
        rows += (1...invigilators).map { "skl-inv-\($0),监考员 \($0),4-13-01-05,\(startDate),,,,,\(employer)" }
        rows += (1...examiners).map {
            "skl-exm-\($0),考评员 \($0),4-13-01-05,\(startDate),\($0 % 4 == 0 ? 1 : 2),examiner,KP-2026-\($0),\(until),\(employer)"
        }
        rows.append("skl-sup-1,督导员,4-13-01-05,\(startDate),,supervisor,DD-2026-1,\(until),\(employer)")
        try await api.send(.POST, "/v1/reviewers/import", token: institution, file: (Array(rows.joined(separator: "\r\n").utf8), "text/csv"))
        say("The skills centre files its examiner pool: \(invigilators) invigilators, \(examiners) certified examiners and a supervisor (督导员).")
        var markers: [Marker] = []
        for index in 1...examiners {
            let id = "skl-exm-\(index)"
            markers.append(Marker(id: id, role: "examiner", room: nil, token: try await issueToken("reviewer", id)))
        }
        return markers
    }

    /// The candidate who failed the skill assessment appeals that part; a fresh panel, none of the
    /// room's examiners, re-marks it blind. Returns the appeal's outcome.
    func appealPart(_ appellant: Applicant, examiners: [Marker]) async throws -> String {
        try await api.send(
            .POST, "/v1/applications/\(appellant.application)/appeal", token: appellant.token,
            json: ["reason": "技能考核评分有误，请复核 / the skill assessment was marked wrongly", "part": "skill"])
        var marked = 0
        while true {
            let outcome =
                try await api.send(.GET, "/v1/applications/\(appellant.application)", token: appellant.token).body["appealOutcome"] as? String
            if let outcome, outcome != "pending" {
                say("  A candidate appeals the skill assessment they failed; a fresh panel of \(marked) examiners re-marks it blind: \(outcome).")
                return outcome
            }
            marked += try await concurrently(examiners, width: 8) { examiner -> Int in
                var given = 0
                for item in try await api.send(.GET, "/v1/remarks", token: examiner.token).body["items"] as? [[String: Any]] ?? []
                where item["mark"] == nil || item["mark"] is NSNull {
                    guard let id = id(item["id"]) else { continue }
                    try await api.send(.POST, "/v1/remarks/\(id)", token: examiner.token, json: ["mark": 76], expect: [204, 409])
                    given += 1
                }
                return given
            }.reduce(0, +)
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// The candidate who failed the theory exam applies to the centre's re-sit round (补考): its
    /// sitting keeps the skill assessment they passed and seats them for the theory exam only.
    func resit(_ candidate: Applicant, after round: Int64, institution: String) async throws -> (
        (round: Int64, sitting: Int64, kept: String, passed: Bool), Applicant
    ) {
        let start = try await today(of: round, institution: institution) ?? startDate
        let resitRound = try await id(
            api.send(
                .POST, "/v1/rounds", token: institution,
                json: [
                    "name": "2026 Omni-Media Operation Specialist re-sit (补考)", "track": "skill", "field": "4-13-01-05",
                    "startDate": start.description, "daySeconds": daySeconds, "closesOnDay": 30, "seed": Self.apiSeed(seed) + 1,
                    "policy": ["appealWindowDays": 3, "noticeWorkingDays": Self.noticeWorkingDays],
                ]
            ).body)
        let application = try await id(
            api.send(.POST, "/v1/applications", token: candidate.token, json: candidate.person.target(round: resitRound)).body)
        while try await api.send(.GET, "/v1/applications/\(application)", token: candidate.token).body["state"] as? String != "eligible" {
            try await Task.sleep(for: .milliseconds(250))
        }
        try await api.send(.POST, "/v1/rounds/\(resitRound)/close", token: institution)
        try await waitForState(round: resitRound, atLeast: "scoring", institution: institution)
        let day = try (try await today(of: resitRound, institution: institution) ?? start).adding(days: 3)
        let sitting = try await id(
            api.send(
                .POST, "/v1/rounds/\(resitRound)/sittings", token: institution,
                json: [
                    "site": Self.skillsSites.1, "levels": [4], "rooms": [["name": "B201", "seats": 10]],
                    "parts": [
                        "theory": ["date": day.description, "start": "09:00", "minutes": 90],
                        "skill": ["date": day.description, "start": "14:00", "minutes": 120],
                    ],
                ]
            ).body)
        _ = try await seated(sitting, institution: institution)
        let ticket = try await api.send(.GET, "/v1/applications/\(application)/admission-ticket", token: candidate.token).body
        let kept = (ticket["kept"] as? [[String: Any]] ?? []).map { "\($0["name"] as? String ?? "") \(($0["mark"] as? NSNumber)?.intValue ?? 0)" }
        let sits = (ticket["parts"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        try await waitForDay(day, round: resitRound, institution: institution)
        try await api.send(
            .POST, "/v1/sittings/\(sitting)/theory-marks", token: institution,
            file: (Array("ticket,mark\r\n\(ticket["ticket"] as? String ?? ""),74".utf8), "text/csv"))
        let passed = try await api.send(.GET, "/v1/applications/\(application)", token: candidate.token).body["passed"] as? Bool ?? false
        say(
            "  The candidate who failed the theory exam re-sits it in the re-sit round (补考): keeps \(kept.joined(separator: ", ")), "
                + "sits \(sits.joined(separator: ", ")) only: \(passed ? "passed" : "not passed").")
        return (
            (resitRound, sitting, kept.joined(separator: ", "), passed),
            Applicant(person: candidate.person, id: candidate.id, token: candidate.token, application: application)
        )
    }

    /// A sitting's view once its job has seated it.
    func seated(_ sitting: Int64, institution: String) async throws -> [String: Any] {
        while true {
            let view = try await api.send(.GET, "/v1/sittings/\(sitting)", token: institution).body
            switch view["state"] as? String {
            case "seated": return view
            case "unstaffed", "cancelled":
                throw DemoAPI.Refused(method: "GET", path: "/v1/sittings/\(sitting)", status: 0, detail: "\(view["problem"] ?? "not staffed")")
            default: try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Waits for `day` on the round's clock.
    func waitForDay(_ day: CalendarDate, round: Int64, institution: String) async throws {
        while (try await today(of: round, institution: institution) ?? day) < day { try await Task.sleep(for: .milliseconds(250)) }
    }
}
