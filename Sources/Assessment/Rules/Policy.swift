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

    /// Years since the previous title needed to apply for a grade, by highest education; for a
    /// series' lowest grade, which needs no title, years of work in the field.
    public var titleYears: [TitleGrade: [Education: Int]]
    /// Years since the previous skill level needed to apply for a level; for an occupation's entry
    /// level, years of work in the field.
    public var skillYears: [Int: Int]
    /// Minimum age on the application date for a skills certification.
    public var minimumSkillsAge: Int
    /// Whether an officer of the institution checks each application's records and materials
    /// (形式审查) before eligibility runs, and may return it for correction (补正); otherwise
    /// eligibility runs on submission.
    public var formalCheck: Bool
    /// Members of the round's committee: odd, at least the national minimum of its kind unless a pilot.
    public var committeeSize: Int
    /// A series committee (at least 25 members) or a specialty committee (at least 11).
    public var committeeKind: CommitteeKind
    /// A pilot round, whose committee may be smaller than the national minimum.
    public var pilotCommittee: Bool
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
    /// How the public notice shows applicants' names.
    public var noticeNames: NoticeNames
    /// The most cases one reviewer scores in a round.
    public var reviewerLoadCap: Int
    /// The staffing ratios of a skills sitting.
    public var sittingRatios: SittingRatios
    /// Years a skills part passed at one sitting is kept for re-sits (补考) of the others; 0 keeps none.
    public var partCarryOverYears: Int

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
        formalCheck = false
        committeeSize = 25
        committeeKind = .series
        pilotCommittee = false
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
        noticeNames = .masked
        reviewerLoadCap = 40
        sittingRatios = .national
        partCarryOverYears = 1
    }

    /// The range of every number of a policy. Each is wide enough for any real province or
    /// institution and narrow enough that no arithmetic on it can overflow; the API states them.
    public enum Bounds {
        /// Committee members per title case (odd within it).
        public static let committeeSize = 3...99
        /// Reviewers who score one case.
        public static let reviewersPerCase = 1...15
        /// The denominator of the quorum and the pass fraction.
        public static let fractionDenominator = 1...100
        /// From how many scores the trimmed mean applies.
        public static let trimmedMeanFrom = 3...50
        /// Points of spread tolerated.
        public static let discrepancyTolerance = 0.0...100.0
        /// The closest scores kept after a discrepancy.
        public static let closestScoresKept = 2...15
        /// A skills part's pass mark.
        public static let partPassMark = 0.0...100.0
        /// Public notice periods allowed, in working days.
        public static let noticeWorkingDays: Set<Int> = [5, 7]
        /// Days of the appeal window.
        public static let appealWindowDays = 1...60
        /// Minimum age for a skills certification: the national 16 or older.
        public static let minimumSkillsAge = 16...70
        /// The most cases one reviewer scores in a round.
        public static let reviewerLoadCap = 1...1_000
        /// Minimum years between titles or levels.
        public static let minimumYears = 0...50
        /// Years a passed skills part is kept.
        public static let partCarryOverYears = 0...5
    }

    /// Every rule broken, each saying what to change; empty when the policy is usable. A stored
    /// policy is checked again when read, so a value written before a bound existed fails its step
    /// with this message instead of reaching arithmetic.
    public func problems() -> [LocalizedText] {
        var problems: [LocalizedText] = []
        func add(_ zh: String, _ en: String) { problems.append(LocalizedText(zh: zh, en: en)) }
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) {
            if !range.contains(value) {
                add(
                    "\(name) 须为 \(range.lowerBound) 至 \(range.upperBound)，而非 \(value)",
                    "\(name) must be \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
        }
        func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>) {
            if !value.isFinite || !range.contains(value) {
                let (low, high) = (Int(range.lowerBound), Int(range.upperBound))
                add("\(name) 须在 \(low) 与 \(high) 之间，而非 \(value)", "\(name) must be between \(low) and \(high), not \(value)")
            }
        }
        check("committeeSize", committeeSize, Bounds.committeeSize)
        if committeeSize % 2 == 0 { add("committeeSize 须为奇数，而非 \(committeeSize)", "committeeSize must be odd, not \(committeeSize)") }
        if !pilotCommittee, committeeSize < committeeKind.nationalMinimum {
            let minimum = committeeKind.nationalMinimum
            add(
                "committeeSize \(committeeSize) 低于\(committeeKind == .series ? "系列" : "专业")评审委员会的全国最低人数 \(minimum)；试点轮次请设置 pilotCommittee",
                "committeeSize \(committeeSize) is below the national minimum of \(minimum) for a \(committeeKind.rawValue) committee; set pilotCommittee for a pilot round"
            )
        }
        check("reviewersPerCase", reviewersPerCase, Bounds.reviewersPerCase)
        for (name, fraction) in [("quorum", quorum), ("passFraction", passFraction)]
        where !fraction.isProper || !Bounds.fractionDenominator.contains(fraction.denominator) {
            add(
                "\(name) 须为大于 0、至多为 1、分母至多为 100 的分数，而非 \(fraction)",
                "\(name) must be a fraction above 0 and at most 1 with a denominator of at most 100, not \(fraction)")
        }
        check("trimmedMeanFrom", trimmedMeanFrom, Bounds.trimmedMeanFrom)
        check("discrepancyTolerance", discrepancyTolerance, Bounds.discrepancyTolerance)
        check("closestScoresKept", closestScoresKept, Bounds.closestScoresKept)
        check("partPassMark", partPassMark, Bounds.partPassMark)
        if !Bounds.noticeWorkingDays.contains(noticeWorkingDays) {
            add("noticeWorkingDays 须为 5 或 7，而非 \(noticeWorkingDays)", "noticeWorkingDays must be 5 or 7, not \(noticeWorkingDays)")
        }
        check("appealWindowDays", appealWindowDays, Bounds.appealWindowDays)
        check("minimumSkillsAge", minimumSkillsAge, Bounds.minimumSkillsAge)
        check("reviewerLoadCap", reviewerLoadCap, Bounds.reviewerLoadCap)
        check("partCarryOverYears", partCarryOverYears, Bounds.partCarryOverYears)
        problems += sittingRatios.problems()
        let years = titleYears.values.flatMap(\.values) + Array(skillYears.values)
        if let bad = years.first(where: { !Bounds.minimumYears.contains($0) }) {
            add("最低年限须为 0 至 50，而非 \(bad)", "minimum years must be 0 to 50, not \(bad)")
        }
        if let bad = skillYears.keys.first(where: { !(1...5).contains($0) }) {
            add("skillYears 的等级须为 1 至 5，而非 \(bad)", "skillYears names levels 1 to 5, not \(bad)")
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
