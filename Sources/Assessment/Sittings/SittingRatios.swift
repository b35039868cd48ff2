/// The national staffing ratios of a skills sitting, as policy: a province or an institution may
/// be stricter, never looser, so each bound stops at the national value.
public struct SittingRatios: Sendable, Hashable, Codable {
    /// Candidates one invigilator watches: at most 15.
    public var candidatesPerInvigilator: Int
    /// Invigilators in every room: at least 2.
    public var invigilatorsPerRoom: Int
    /// Candidates one skill examiner marks: at most 5.
    public var candidatesPerExaminer: Int
    /// Skill examiners of a room's panel: odd, at least 3.
    public var examinersPerRoom: Int
    /// Members of the comprehensive review panel: odd, at least 3.
    public var reviewPanel: Int

    /// The national values.
    public static let national = SittingRatios(
        candidatesPerInvigilator: 15, invigilatorsPerRoom: 2, candidatesPerExaminer: 5, examinersPerRoom: 3, reviewPanel: 3)

    /// Ratios as given.
    public init(candidatesPerInvigilator: Int, invigilatorsPerRoom: Int, candidatesPerExaminer: Int, examinersPerRoom: Int, reviewPanel: Int) {
        (self.candidatesPerInvigilator, self.invigilatorsPerRoom, self.candidatesPerExaminer) = (
            candidatesPerInvigilator, invigilatorsPerRoom, candidatesPerExaminer
        )
        (self.examinersPerRoom, self.reviewPanel) = (examinersPerRoom, reviewPanel)
    }

    /// What each ratio may be: the national value at the loose end.
    public enum Bounds {
        public static let candidatesPerInvigilator = 1...15
        public static let invigilatorsPerRoom = 2...10
        public static let candidatesPerExaminer = 1...5
        public static let examinersPerRoom = 3...15
        public static let reviewPanel = 3...15
    }

    /// Every ratio out of its bounds or not odd where it must be, each saying what to change.
    public func problems() -> [LocalizedText] {
        var problems: [LocalizedText] = []
        let checks: [(String, Int, ClosedRange<Int>, Bool)] = [
            ("candidatesPerInvigilator", candidatesPerInvigilator, Bounds.candidatesPerInvigilator, false),
            ("invigilatorsPerRoom", invigilatorsPerRoom, Bounds.invigilatorsPerRoom, false),
            ("candidatesPerExaminer", candidatesPerExaminer, Bounds.candidatesPerExaminer, false),
            ("examinersPerRoom", examinersPerRoom, Bounds.examinersPerRoom, true),
            ("reviewPanel", reviewPanel, Bounds.reviewPanel, true),
        ]
        for (name, value, range, odd) in checks {
            if !range.contains(value) {
                problems.append(
                    LocalizedText(
                        zh: "sittingRatios.\(name) 须为 \(range.lowerBound) 至 \(range.upperBound)（全国标准为宽松一端），而非 \(value)",
                        en:
                            "sittingRatios.\(name) must be \(range.lowerBound) to \(range.upperBound) (the national value is the loose end), not \(value)"
                    ))
            } else if odd && value % 2 == 0 {
                problems.append(LocalizedText(zh: "sittingRatios.\(name) 须为奇数，而非 \(value)", en: "sittingRatios.\(name) must be odd, not \(value)"))
            }
        }
        return problems
    }
}
