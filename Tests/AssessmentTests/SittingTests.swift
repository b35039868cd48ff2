import Assessment
import Testing

@Suite("Skills sittings: seats, the national staffing ratios and a conflict-free staff draw")
struct SittingTests {
    static func candidates(_ counts: [(level: Int, count: Int)], employer: (Int) -> String = { "Studio \($0)" }) -> [SittingCandidate] {
        var candidates: [SittingCandidate] = []
        for (level, count) in counts {
            for _ in 0..<count {
                let id = Int64(candidates.count + 1)
                candidates.append(
                    SittingCandidate(
                        application: id, applicant: 1_000 + id, level: SkillLevel(rawValue: level)!,
                        employers: [EmployerIdentity(name: employer(Int(id)), code: nil)]))
            }
        }
        return candidates
    }

    static func member(_ id: String, level: Int?, certificate: ExaminerCertificate.Kind?, until: CalendarDate, employer: String? = nil)
        -> SittingStaffMember
    {
        SittingStaffMember(
            reviewer: Reviewer(id: ReviewerID(id), fields: ["4-13-01-05"], employer: employer, loadCap: 1),
            level: level.flatMap(SkillLevel.init(rawValue:)),
            certificate: certificate.map { ExaminerCertificate(kind: $0, number: "K-\(id)", validUntil: until) })
    }

    @Test("seats fill the rooms level by level, in an order the seed alone decides")
    func seating() throws {
        let candidates = Self.candidates([(2, 4), (4, 20), (3, 10)])
        let rooms = [SittingRoom(name: "A", seats: 20), SittingRoom(name: "B", seats: 10), SittingRoom(name: "C", seats: 5)]
        let seated = try #require(SittingSeating.seat(candidates.shuffled(), rooms: rooms, seed: 7))
        #expect(seated.map(\.count) == [20, 10, 4])
        #expect(seated.map { Set($0.map(\.level.rawValue)) } == [[4], [3], [2]], "the lowest level first, a level a room")
        #expect(SittingSeating.seat(candidates, rooms: rooms, seed: 7) == seated, "the input order does not matter, the seed does")
        #expect(SittingSeating.seat(candidates, rooms: rooms, seed: 8) != seated)
        #expect(SittingSeating.seat(candidates, rooms: [SittingRoom(name: "A", seats: 33)], seed: 7) == nil, "more candidates than seats")
    }

    @Test("the minimum: invigilators 1 per 15 and 2 a room, examiners 1 per 5, odd and 3 at least, a review panel of 3 for levels 2 and 1")
    func minimum() throws {
        let rooms = [
            SittingRoom(name: "A", seats: 31), SittingRoom(name: "B", seats: 16), SittingRoom(name: "C", seats: 4), SittingRoom(name: "D", seats: 9),
        ]
        let seated = try #require(SittingSeating.seat(Self.candidates([(4, 47), (2, 4)]), rooms: rooms, seed: 1))
        let minimum = SittingStaffing.minimum(rooms: seated, ratios: .national)
        #expect(minimum.invigilators == [3, 2, 2, 0])
        #expect(minimum.examiners == [7, 5, 3, 0], "31 need 7; 16 need 4, made odd: 5; an empty room needs nobody")
        #expect(minimum.reviewPanel == 3 && minimum.supervisors == 1)

        let planned = SittingStaffing.planned(StaffingOverrides(invigilatorsPerRoom: 2, examinersPerRoom: 6), minimum: minimum)
        let shortfalls = planned.shortfalls(of: minimum, rooms: rooms, seated: seated, ratios: .national)
        #expect(shortfalls.count == 4, "\(shortfalls.map(\.en))")
        #expect(
            shortfalls[0].en.contains("room A (31 candidates): invigilators at least 1 per 15") && shortfalls[0].en.hasSuffix("3, 2 planned: 1 short")
        )
        #expect(shortfalls[0].zh.contains("缺 1 名"))
        #expect(shortfalls[1].en.contains("room A") && shortfalls[1].en.hasSuffix("7 or more, 6 planned: 1 short"))
        #expect(
            shortfalls[2].en.contains("room B") && shortfalls[2].en.hasSuffix("5 or more, 6 planned: 1 short"), "6 is even: one more makes it odd")
        #expect(shortfalls[3].en.contains("room C") && !shortfalls.contains { $0.en.contains("room D") }, "an empty room needs nobody")

        var strict = SittingRatios.national
        strict.candidatesPerInvigilator = 10
        #expect(SittingStaffing.minimum(rooms: seated, ratios: strict).invigilators == [4, 2, 2, 0])
        strict.candidatesPerInvigilator = 20
        strict.examinersPerRoom = 4
        #expect(strict.problems().count == 2, "looser than national, and even")
    }

    @Test("the draw fills every post with a different person who may hold it; it says which post falls short, by how many and why")
    func draw() throws {
        let day = CalendarDate(year: 2026, month: 10, day: 10)!
        let valid = CalendarDate(year: 2027, month: 1, day: 1)!
        let expired = CalendarDate(year: 2026, month: 10, day: 9)!
        let rooms = [SittingRoom(name: "A", seats: 10), SittingRoom(name: "B", seats: 3)]
        let seated = try #require(SittingSeating.seat(Self.candidates([(4, 10), (2, 3)]), rooms: rooms, seed: 3))
        let staffing = SittingStaffing.minimum(rooms: seated, ratios: .national)
        #expect(staffing.total == 2 + 3 + 2 + 3 + 3 + 1)
        let roomBEmployer = seated[1][0].employers[0]
        var pool = (1...4).map { Self.member("inv\($0)", level: nil, certificate: nil, until: valid) }
        pool += (1...3).map { Self.member("l4-\($0)", level: 4, certificate: .examiner, until: valid) }
        pool += (1...6).map { Self.member("l2-\($0)", level: $0 == 6 ? 1 : 2, certificate: .examiner, until: valid) }
        pool.append(Self.member("sup", level: nil, certificate: .supervisor, until: valid))
        let posts = try SittingStaffDraw.draw(
            seated: seated, rooms: rooms, staffing: staffing, pool: pool, occupation: "4-13-01-05", lastDay: day, seed: 5
        ).get()
        #expect(posts.count == staffing.total && Set(posts.map(\.reviewer)).count == posts.count, "one post a person")
        #expect(posts.filter { $0.role == .examiner && $0.room == 1 }.allSatisfy { $0.reviewer.rawValue.hasPrefix("l2-") }, "room B holds level 2")
        #expect(posts.filter { $0.role == .reviewer }.allSatisfy { $0.reviewer.rawValue.hasPrefix("l2-") })
        #expect(posts.first { $0.role == .supervisor }?.reviewer == ReviewerID("sup"))
        let again = try SittingStaffDraw.draw(
            seated: seated, rooms: rooms, staffing: staffing, pool: pool, occupation: "4-13-01-05", lastDay: day, seed: 5
        ).get()
        #expect(again == posts, "same pool and seed, same staff")

        // Two level-2 examiners out: one expired, one working where a room-B candidate works.
        var short = pool
        short[7] = Self.member("l2-1", level: 2, certificate: .examiner, until: expired)
        short[8] = Self.member("l2-2", level: 2, certificate: .examiner, until: valid, employer: roomBEmployer.normalisedName)
        let failure = try #require(
            SittingStaffDraw.draw(seated: seated, rooms: rooms, staffing: staffing, pool: short, occupation: "4-13-01-05", lastDay: day, seed: 5)
                .failure)
        #expect(failure.shortfalls.count == 1, "\(failure.shortfalls.map(\.en))")
        #expect(failure.summary.en.contains("each person holds one post") && failure.summary.en.contains("2 short"), "\(failure.summary.en)")
        short.removeAll { ["l2-3", "l2-4"].contains($0.reviewer.id.rawValue) }
        let fewer = try #require(
            SittingStaffDraw.draw(seated: seated, rooms: rooms, staffing: staffing, pool: short, occupation: "4-13-01-05", lastDay: day, seed: 5)
                .failure)
        let zh = fewer.summary.zh
        #expect(zh.contains("考场 B 的考评员须 3 名，符合条件的仅 2 名，缺 1 名"), "\(zh)")
        #expect(zh.contains("无有效考评员证") && zh.contains("与考生同一单位") && zh.contains("所持等级低于考生"), "\(zh)")
    }
    @Test("a panel's mark: the mean, trimmed from 5 marks; a spread beyond the tolerance is a discrepancy; absence is neither pass nor fail")
    func marks() throws {
        let policy = Policy()
        let close = try #require(PanelMark.of([70, 72, 74], policy: policy))
        #expect(close.mark == 72 && close.spread == 4 && !close.discrepant)
        #expect(PanelMark.of([50, 70, 72, 74, 100], policy: policy)?.mark == 72, "trimmed of the highest and the lowest")
        #expect(PanelMark.of([60, 90, 62], policy: policy)?.discrepant == true)
        #expect(PanelMark.of([], policy: policy) == nil && PanelMark.of([101], policy: policy) == nil)

        let two = SkillLevel(rawValue: 2)!
        #expect(SittingOutcome.of(level: two, results: [.theory: .marked(80), .skill: .marked(70)], policy: policy) == nil, "the review is missing")
        #expect(
            SittingOutcome.of(level: two, results: [.theory: .marked(80), .skill: .marked(70), .comprehensiveReview: .marked(60)], policy: policy)
                == .passed(score: 70))
        #expect(
            SittingOutcome.of(level: two, results: [.theory: .marked(80), .skill: .marked(70), .comprehensiveReview: .marked(59.5)], policy: policy)
                == .failed(score: 69.833_333_333_333_33))
        #expect(
            SittingOutcome.of(level: two, results: [.theory: .absent, .skill: .marked(40), .comprehensiveReview: .marked(60)], policy: policy)
                == .absent(score: 50), "absent, even beside a failed part")
        #expect(
            SittingOutcome.of(level: SkillLevel(rawValue: 4)!, results: [.theory: .absent, .skill: .absent], policy: policy) == .absent(score: nil))
    }

    @Test("theory marks from the exam system: 18-digit tickets once each, marks 0 to 100 or absent; every bad line named")
    func theoryCSV() throws {
        let ticket = String(repeating: "1", count: 18)
        let rows = try TheoryMarkCSV.read("ticket,mark\n\(ticket),88.5\n\(ticket.dropLast())2,缺考\n").get()
        #expect(rows.map(\.mark) == [88.5, nil])
        guard case .failure(let problems) = TheoryMarkCSV.read("ticket,mark\n123,70\n\(ticket),101\n\(ticket),NaN\n") else {
            Issue.record("bad rows were read")
            return
        }
        #expect(problems.problems.map(\.line) == [2, 3, 4], "\(problems.summary.en)")
    }

    @Test("admission tickets: 18 digits of year, site, sitting and sequence; a schedule reads in the order the parts are held")
    func tickets() throws {
        #expect(AdmissionTicketNumber.make(year: 2026, site: "000302", sitting: 7, sequence: 12) == "260003020000070012")
        #expect(AdmissionTicketNumber.make(year: 2109, site: "000001", sitting: 1_234_567, sequence: 9_999) == "090000012345679999")
        let day = CalendarDate(year: 2026, month: 10, day: 10)!
        let schedule = SittingPart.schedule([
            SittingPart(part: .skill, date: day, startMinute: 14 * 60, minutes: 120),
            SittingPart(part: .theory, date: day, startMinute: 9 * 60, minutes: 90),
        ])
        #expect(schedule.zh == "理论知识考试 2026-10-10 09:00–10:30；技能考核 2026-10-10 14:00–16:00")
        #expect(schedule.en == "theory exam 2026-10-10 09:00–10:30; skill assessment 2026-10-10 14:00–16:00")
    }

    @Test("an appeal's fresh panel: none of the original panel, certified at the candidate's level, without conflict; short, it says why")
    func appealPanel() throws {
        var candidate = Self.candidates([(3, 1)])[0]
        candidate.trainers = [EmployerIdentity(name: "Skills Academy", code: nil)]
        let day = try #require(CalendarDate(iso: "2027-03-01"))
        let until = try day.adding(days: 30)
        var pool = (1...3).map { Self.member("orig-\($0)", level: 3, certificate: .examiner, until: until) }
        pool += (1...2).map { Self.member("fresh-\($0)", level: 2, certificate: .examiner, until: until) }
        pool += [
            Self.member("lower", level: 4, certificate: .examiner, until: until),
            Self.member("colleague", level: 3, certificate: .examiner, until: until, employer: "Studio 1"),
            Self.member("lapsed", level: 3, certificate: .examiner, until: try day.adding(days: -1)),
            Self.member("trainer", level: 2, certificate: .examiner, until: until, employer: "Skills Academy"),
        ]
        let original: Set<ReviewerID> = Set((1...3).map { ReviewerID("orig-\($0)") })
        func draw(_ pool: [SittingStaffMember]) -> Result<[ReviewerID], SittingStaffingFailure> {
            SittingStaffDraw.appealPanel(
                for: candidate, part: .skill, size: 3, pool: pool, originalPanel: original, occupation: "4-13-01-05", day: day, seed: 5)
        }
        let short = try #require(draw(pool).failure?.shortfalls.first)
        #expect(short.zh.hasPrefix("技能考核复核评分组须 3 名，符合条件的仅 2 名，缺 1 名"), "\(short.zh)")
        for reason in ["3 名原评分组成员", "1 名所持等级低于考生", "1 名与考生同一单位", "1 名无有效考评员证", "1 名所在机构曾培训考生"] {
            #expect(short.zh.contains(reason), "\(reason): \(short.zh)")
        }
        pool.append(Self.member("fresh-3", level: 1, certificate: .examiner, until: until))
        let panel = try draw(pool).get()
        #expect(Set(panel) == [ReviewerID("fresh-1"), ReviewerID("fresh-2"), ReviewerID("fresh-3")])
    }

    @Test("re-sits: a part passed within the policy's years is kept, the latest when several; an expired, later or other-level part is not")
    func carryOver() throws {
        let day = try #require(CalendarDate(iso: "2027-05-20"))
        let parts = [
            SittingPart(part: .theory, date: day, startMinute: 540, minutes: 90),
            SittingPart(part: .skill, date: try day.adding(days: 1), startMinute: 540, minutes: 90),
        ]
        func passed(_ part: SkillsPart, _ mark: Double, _ iso: String, sitting: Int64 = 1) throws -> PassedPart {
            PassedPart(part: part, mark: mark, takenOn: try #require(CalendarDate(iso: iso)), sitting: sitting)
        }
        let policy = Policy()
        let four = try #require(SkillLevel(rawValue: 4))
        let theory = try passed(.theory, 72, "2026-05-20")
        #expect(PartCarryOver.kept([theory], level: four, parts: parts, policy: policy) == [.theory: theory], "a year to the day is within")
        let lapsed = try passed(.theory, 72, "2026-05-19")
        #expect(PartCarryOver.kept([lapsed], level: four, parts: parts, policy: policy).isEmpty, "a year and a day is not")
        let later = try passed(.theory, 90, "2027-05-20", sitting: 3)
        #expect(PartCarryOver.kept([later], level: four, parts: parts, policy: policy).isEmpty, "only an earlier day counts")
        let newer = try passed(.theory, 61, "2026-11-02", sitting: 2)
        #expect(PartCarryOver.kept([theory, newer, lapsed], level: four, parts: parts, policy: policy) == [.theory: newer], "the latest")
        let review = try passed(.comprehensiveReview, 80, "2027-01-01")
        #expect(PartCarryOver.kept([review], level: four, parts: parts, policy: policy).isEmpty, "level 4 takes no review")
        let skill = try passed(.skill, 65, "2026-12-01")
        #expect(PartCarryOver.kept([theory, skill], level: four, parts: parts, policy: policy).count == 2, "every part kept: decided by them")
        var none = policy
        none.partCarryOverYears = 0
        #expect(PartCarryOver.kept([theory], level: four, parts: parts, policy: none).isEmpty, "0 years keeps nothing")
        var three = policy
        three.partCarryOverYears = 3
        #expect(PartCarryOver.kept([lapsed], level: four, parts: parts, policy: three) == [.theory: lapsed])
        three.partCarryOverYears = 6
        #expect(three.problems().map(\.en) == ["partCarryOverYears must be 0 to 5, not 6"])
        let fraction = try passed(.skill, 70.666666, "2026-11-02")
        #expect(newer.text.zh == "理论知识考试 61 分（2026-11-02）" && fraction.text.en == "skill assessment 70.67 points (2026-11-02)")
        let farFuture = try passed(.theory, 70, "2200-06-01")
        let edge = [SittingPart(part: .theory, date: try #require(CalendarDate(iso: "2200-12-31")), startMinute: 540, minutes: 90)]
        #expect(PartCarryOver.kept([farFuture], level: four, parts: edge, policy: three).count == 1, "a period past 2200 does not trap")
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
