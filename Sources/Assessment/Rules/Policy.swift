/// Every rule of DOMAIN.md marked *(policy)*, with its default: one value stored with each round.
public struct Policy: Sendable, Hashable, Codable {
    /// Highest education, for minimum years between titles.
    public enum Education: String, Sendable, Hashable, Codable, CaseIterable {
        /// 博士
        case doctorate
        /// 硕士
        case master
        /// 学士 / 本科
        case bachelor
        /// 大专
        case collegeDiploma = "college_diploma"
        /// Below college.
        case secondary
    }

    /// Years since the previous title needed to apply for a grade, by highest education.
    public var titleYears: [TitleGrade: [Education: Int]]
    /// Years since the previous skill level needed to apply for a level.
    public var skillYears: [Int: Int]
    /// Minimum age on the application date for a skills certification.
    public var minimumSkillsAge: Int
    /// Committee members per title case: odd, at least 3.
    public var committeeSize: Int
    /// Reviewers who score one case: at least 1.
    public var reviewersPerCase: Int
    /// Fraction of the committee that must be present.
    public var quorum: Fraction
    /// Fraction of those present who must vote yes.
    public var passFraction: Fraction
    /// From this many scores on, drop the highest and the lowest before averaging.
    public var trimmedMeanFrom: Int
    /// A spread (max − min) above this asks for one more reviewer.
    public var discrepancyTolerance: Double
    /// How many of the closest scores make the final score after a discrepancy.
    public var closestScoresKept: Int
    /// The pass mark of each skills part.
    public var partPassMark: Double
    /// Public notice period, in working days: 5 or 7.
    public var noticeWorkingDays: Int
    /// Days after a result is notified in which the applicant may appeal.
    public var appealWindowDays: Int
    /// Whether reviewers see no applicant names.
    public var blindReview: Bool
    /// The most cases one reviewer scores in a round.
    public var reviewerLoadCap: Int

    /// The defaults of DOMAIN.md.
    public init() {
        titleYears = [
            .assistant: Dictionary(uniqueKeysWithValues: Education.allCases.map { ($0, 1) }),
            .intermediate: [.doctorate: 0, .master: 2, .bachelor: 4, .collegeDiploma: 4, .secondary: 5],
            .deputySenior: [.doctorate: 2, .master: 5, .bachelor: 5, .collegeDiploma: 7, .secondary: 7],
            .senior: Dictionary(uniqueKeysWithValues: Education.allCases.map { ($0, 5) }),
        ]
        skillYears = [3: 4, 2: 5, 1: 4]
        minimumSkillsAge = 16
        committeeSize = 25
        reviewersPerCase = 3
        quorum = Fraction(2, 3)
        passFraction = Fraction(2, 3)
        trimmedMeanFrom = 5
        discrepancyTolerance = 15
        closestScoresKept = 2
        partPassMark = 60
        noticeWorkingDays = 5
        appealWindowDays = 15
        blindReview = true
        reviewerLoadCap = 40
    }

    /// Every rule broken, each saying what to change; empty when the policy is usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if committeeSize < 3 || committeeSize % 2 == 0 {
            problems.append("committeeSize must be odd and at least 3, not \(committeeSize)")
        }
        if reviewersPerCase < 1 { problems.append("reviewersPerCase must be at least 1, not \(reviewersPerCase)") }
        for (name, fraction) in [("quorum", quorum), ("passFraction", passFraction)] where !fraction.isProper {
            problems.append("\(name) must be a fraction above 0 and at most 1, not \(fraction)")
        }
        if trimmedMeanFrom < 3 { problems.append("trimmedMeanFrom must be at least 3, not \(trimmedMeanFrom)") }
        if !(0...100).contains(discrepancyTolerance) {
            problems.append("discrepancyTolerance must be between 0 and 100 points, not \(discrepancyTolerance)")
        }
        if closestScoresKept < 2 { problems.append("closestScoresKept must be at least 2, not \(closestScoresKept)") }
        if !(0...100).contains(partPassMark) { problems.append("partPassMark must be between 0 and 100, not \(partPassMark)") }
        if ![5, 7].contains(noticeWorkingDays) {
            problems.append("noticeWorkingDays must be 5 or 7, not \(noticeWorkingDays)")
        }
        if appealWindowDays < 1 { problems.append("appealWindowDays must be at least 1, not \(appealWindowDays)") }
        if minimumSkillsAge < 16 {
            problems.append("minimumSkillsAge cannot be below the national minimum of 16, not \(minimumSkillsAge)")
        }
        if reviewerLoadCap < 1 { problems.append("reviewerLoadCap must be at least 1, not \(reviewerLoadCap)") }
        if titleYears.values.contains(where: { $0.values.contains { $0 < 0 } }) || skillYears.values.contains(where: { $0 < 0 }) {
            problems.append("minimum years cannot be negative")
        }
        return problems
    }
}

/// An exact fraction, so that 2/3 of 9 is 6 and not 5.999….
public struct Fraction: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The numerator.
    public let numerator: Int
    /// The denominator, positive.
    public let denominator: Int

    /// `numerator / denominator`.
    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    var isProper: Bool { denominator > 0 && numerator > 0 && numerator <= denominator }

    /// Whether `part / whole` is at least this fraction.
    public func isReached(by part: Int, of whole: Int) -> Bool { part * denominator >= numerator * whole }

    /// `n/d`.
    public var description: String { "\(numerator)/\(denominator)" }
}
