/// Staff a skills sitting needs, from its candidate counts.
public struct SittingStaffing: Sendable, Hashable, Codable {
    /// Invigilators per room: at least 1 per 15 candidates, and at least 2.
    public let invigilatorsPerRoom: [Int]
    /// Skill examiners: at least 1 per 5 candidates, an odd number, at least 3.
    public let skillExaminers: Int
    /// Comprehensive review panel: odd, at least 3; 0 when no candidate is at level 2 or 1.
    public let reviewPanel: Int

    /// The minimum staffing for rooms of these sizes, `skillCandidates` in the skill assessment and
    /// `reviewCandidates` in the comprehensive review.
    public static func minimum(roomCandidates: [Int], skillCandidates: Int, reviewCandidates: Int) -> SittingStaffing {
        SittingStaffing(
            invigilatorsPerRoom: roomCandidates.map { max(2, ceilingDivision($0, 15)) },
            skillExaminers: skillCandidates == 0 ? 0 : oddAtLeastThree(ceilingDivision(skillCandidates, 5)),
            reviewPanel: reviewCandidates == 0 ? 0 : 3)
    }

    /// Every way `planned` falls short of the minimum for the same candidates.
    public static func shortfalls(planned: SittingStaffing, roomCandidates: [Int], skillCandidates: Int, reviewCandidates: Int) -> [String] {
        let needed = minimum(roomCandidates: roomCandidates, skillCandidates: skillCandidates, reviewCandidates: reviewCandidates)
        var problems: [String] = []
        if planned.invigilatorsPerRoom.count != roomCandidates.count {
            problems.append("invigilators are planned for \(planned.invigilatorsPerRoom.count) rooms, but there are \(roomCandidates.count)")
        } else {
            for (room, (have, need)) in zip(planned.invigilatorsPerRoom, needed.invigilatorsPerRoom).enumerated() where have < need {
                problems.append("room \(room + 1) with \(roomCandidates[room]) candidates needs \(need) invigilators, not \(have)")
            }
        }
        if skillCandidates > 0 && (planned.skillExaminers < needed.skillExaminers || planned.skillExaminers % 2 == 0) {
            problems.append(
                "\(skillCandidates) skill candidates need an odd number of at least \(needed.skillExaminers) examiners, not \(planned.skillExaminers)"
            )
        }
        if reviewCandidates > 0 && (planned.reviewPanel < 3 || planned.reviewPanel % 2 == 0) {
            problems.append("the comprehensive review panel must be odd and at least 3, not \(planned.reviewPanel)")
        }
        return problems
    }

    /// Staffing as given.
    public init(invigilatorsPerRoom: [Int], skillExaminers: Int, reviewPanel: Int) {
        (self.invigilatorsPerRoom, self.skillExaminers, self.reviewPanel) = (invigilatorsPerRoom, skillExaminers, reviewPanel)
    }

    private static func ceilingDivision(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
    private static func oddAtLeastThree(_ n: Int) -> Int {
        let m = max(3, n)
        return m % 2 == 0 ? m + 1 : m
    }
}
