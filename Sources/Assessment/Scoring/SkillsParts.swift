/// The parts of a skills assessment.
public enum SkillsPart: String, Sendable, Hashable, Codable, CaseIterable {
    /// 理论知识考试, every level.
    case theory
    /// 技能考核, every level.
    case skill
    /// 综合评审, levels 2 and 1 only.
    case comprehensiveReview = "comprehensive_review"

    /// The parts a candidate for `level` takes.
    public static func required(at level: SkillLevel) -> [SkillsPart] {
        level.hasComprehensiveReview ? [.theory, .skill, .comprehensiveReview] : [.theory, .skill]
    }

    /// Passed when every part taken reaches the pass mark; refuses a missing or extra part.
    public static func passes(level: SkillLevel, scores: [SkillsPart: Double], policy: Policy) throws(ScoringError) -> Bool {
        let required = Set(required(at: level))
        if let missing = required.subtracting(scores.keys).sorted(by: { $0.rawValue < $1.rawValue }).first {
            throw ScoringError("level \(level.rawValue) needs a score for \(missing.rawValue)", zh: "\(level.rawValue) 级须有 \(missing.rawValue) 的成绩")
        }
        if let extra = Set(scores.keys).subtracting(required).first {
            throw ScoringError(
                "level \(level.rawValue) has no \(extra.rawValue); comprehensive review is for levels 2 and 1 only",
                zh: "\(level.rawValue) 级没有 \(extra.rawValue)；综合评审仅适用于二级和一级")
        }
        if let bad = scores.values.first(where: { !(0...100).contains($0) }) {
            throw ScoringError("part scores run from 0 to 100; \(bad) is outside", zh: "各项成绩须在 0 至 100 之间；\(bad) 超出范围")
        }
        return scores.values.allSatisfy { $0 >= policy.partPassMark }
    }
}
