/// Appeals (复核): the window, the fresh panel, and the outcome that replaces the original.
public enum Appeals {
    /// The last day an applicant notified on `notified` may appeal: the window's calendar days,
    /// and if the last of them is not a working day, the next working day.
    public static func windowEnds(
        resultNotifiedOn notified: CalendarDate, policy: Policy, calendar: WorkingCalendar
    ) throws(CalendarError) -> CalendarDate {
        try calendar.workingDay(onOrAfter: notified.adding(days: policy.appealWindowDays))
    }

    /// Refuses an appeal filed outside the window the applicant was told of, saying until when it was open.
    public static func checkFiling(on date: CalendarDate, resultNotifiedOn notified: CalendarDate, windowEnds: CalendarDate) throws(AppealError) {
        guard date >= notified else { throw AppealError("an appeal can only be filed once the result is notified", zh: "结果通知后方可申请复核") }
        guard date <= windowEnds else { throw AppealError("the appeal window closed at the end of \(windowEnds)", zh: "复核申请期限已于 \(windowEnds) 结束") }
    }

    /// Reviewers an appeal's panel must not include: everyone who reviewed the case at any earlier stage.
    public static func excludedReviewers(earlierPanels: [[ReviewerID]]) -> Set<ReviewerID> {
        Set(earlierPanels.joined())
    }

    /// The result that stands after an appeal: the re-review's, whether it upholds or overturns.
    public static func standingResult(original: CaseResult, reReview: CaseResult) -> (result: CaseResult, outcome: AppealOutcome) {
        (reReview, reReview.passed == original.passed ? .upheld : .overturned)
    }
}

/// What an appeal did to the original result.
public enum AppealOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Same decision.
    case upheld
    /// The opposite decision.
    case overturned
}

/// A case's decision.
public struct CaseResult: Sendable, Hashable, Codable {
    /// Passed or not.
    public var passed: Bool
    /// The aggregated score, where scores were given.
    public var score: Double?
    /// A result.
    public init(passed: Bool, score: Double? = nil) {
        self.passed = passed
        self.score = score
    }
}

/// An appeal that cannot be filed.
public struct AppealError: DomainRefusal, Sendable, Hashable {
    public let text: LocalizedText
    init(_ english: String, zh chinese: String) { text = LocalizedText(zh: chinese, en: english) }
}
